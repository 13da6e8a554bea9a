import type { Database } from 'better-sqlite3';
import {
  Attachment,
  AttachmentKind,
  AttachmentMedia,
  AttachmentRepository,
  ConversationId,
  MessageId,
  NewAttachment,
  TenantId,
  UserId,
} from '@chatter/core';
import { AttachmentRow, toAttachment } from './mappers/attachment.mapper';
import { mapConstraintErrors } from './sqlite-errors';

const MAX_IDS = 1000;

export class SqliteAttachmentRepository extends AttachmentRepository {
  constructor(private readonly db: Database) {
    super();
  }

  override async create(a: NewAttachment): Promise<Attachment> {
    mapConstraintErrors('attachment', () =>
      this.db
        .prepare(
          `INSERT INTO attachments (tenant_id, id, conversation_id, uploader_id, name, declared_type,
             declared_size, status, kind, storage_key, created_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?)`,
        )
        .run(
          a.tenantId,
          a.id,
          a.conversationId,
          a.uploaderId,
          a.name,
          a.declaredType,
          a.declaredSize,
          a.kind,
          a.storageKey,
          a.createdAt.getTime(),
          a.expiresAt?.getTime() ?? null,
        ),
    );
    return (await this.findById(a.tenantId, a.id))!;
  }

  override async findById(tenantId: TenantId, id: string): Promise<Attachment | null> {
    const row = this.db
      .prepare('SELECT * FROM attachments WHERE tenant_id = ? AND id = ?')
      .get(tenantId, id) as AttachmentRow | undefined;
    return row ? toAttachment(row) : null;
  }

  override async findByIds(tenantId: TenantId, ids: readonly string[]): Promise<Attachment[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        'SELECT * FROM attachments WHERE tenant_id = ? AND id IN (SELECT value FROM json_each(?))',
      )
      .all(tenantId, JSON.stringify(ids.slice(0, MAX_IDS))) as AttachmentRow[];
    return rows.map(toAttachment);
  }

  override async markReady(
    tenantId: TenantId,
    id: string,
    facts: { byteSize: number; contentType: string; kind: AttachmentKind },
  ): Promise<Attachment | null> {
    const changed = this.db
      .prepare(
        `UPDATE attachments SET status = 'READY', byte_size = ?, content_type = ?, kind = ?
         WHERE tenant_id = ? AND id = ? AND status = 'PENDING'`,
      )
      .run(facts.byteSize, facts.contentType, facts.kind, tenantId, id).changes;
    return changed === 1 ? this.findById(tenantId, id) : null;
  }

  override async expireUploadedBefore(tenantId: TenantId, before: Date, at: Date): Promise<number> {
    return this.db
      .prepare(
        `UPDATE attachments SET expires_at = ?
         WHERE tenant_id = ? AND created_at < ? AND expires_at IS NULL`,
      )
      .run(at.getTime(), tenantId, before.getTime()).changes;
  }

  override async markPlainFile(tenantId: TenantId, id: string): Promise<Attachment | null> {
    const changed = this.db
      .prepare(`UPDATE attachments SET kind = 'FILE' WHERE tenant_id = ? AND id = ?`)
      .run(tenantId, id).changes;
    return changed === 1 ? this.findById(tenantId, id) : null;
  }

  override async setMedia(
    tenantId: TenantId,
    id: string,
    m: AttachmentMedia,
  ): Promise<Attachment | null> {
    const changed = this.db
      .prepare(
        `UPDATE attachments SET width = ?, height = ?, duration_ms = ?, thumbnail_key = ?, placeholder = ?
         WHERE tenant_id = ? AND id = ?`,
      )
      .run(m.width, m.height, m.durationMs, m.thumbnailKey, m.placeholder, tenantId, id).changes;
    return changed === 1 ? this.findById(tenantId, id) : null;
  }

  override async claim(
    tenantId: TenantId,
    ids: readonly string[],
    owner: { uploaderId: UserId; conversationId: ConversationId; claimKey: string },
  ): Promise<boolean> {
    const claimOne = this.db.prepare(
      `UPDATE attachments SET claim_key = ?
       WHERE tenant_id = ? AND id = ? AND uploader_id = ? AND conversation_id = ?
         AND status = 'READY' AND (claim_key IS NULL OR claim_key = ?)`,
    );
    const all = this.db.transaction(() => {
      for (const id of ids) {
        const changed = claimOne.run(
          owner.claimKey,
          tenantId,
          id,
          owner.uploaderId,
          owner.conversationId,
          owner.claimKey,
        ).changes;
        // Throwing rolls back the claims made so far: all or none.
        if (changed !== 1) throw new ClaimRefused();
      }
    });
    try {
      all.immediate();
      return true;
    } catch (error) {
      if (error instanceof ClaimRefused) return false;
      throw error;
    }
  }

  override async bind(
    tenantId: TenantId,
    ids: readonly string[],
    claimKey: string,
    messageId: MessageId,
  ): Promise<void> {
    const bindOne = this.db.prepare(
      `UPDATE attachments SET message_id = ?, position = ?, expires_at = NULL
       WHERE tenant_id = ? AND id = ? AND claim_key = ? AND (message_id IS NULL OR message_id = ?)`,
    );
    this.db.transaction(() => {
      ids.forEach((id, position) =>
        bindOne.run(messageId, position, tenantId, id, claimKey, messageId),
      );
    })();
  }

  override async listByMessages(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
  ): Promise<Attachment[]> {
    if (messageIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT * FROM attachments WHERE tenant_id = ? AND message_id IN (SELECT value FROM json_each(?))
         ORDER BY message_id, position`,
      )
      .all(tenantId, JSON.stringify(messageIds.slice(0, MAX_IDS))) as AttachmentRow[];
    return rows.map(toAttachment);
  }

  override async delete(tenantId: TenantId, id: string): Promise<void> {
    this.db.prepare('DELETE FROM attachments WHERE tenant_id = ? AND id = ?').run(tenantId, id);
  }

  override async expireWithMessage(
    tenantId: TenantId,
    messageId: MessageId,
    at: Date,
  ): Promise<number> {
    return this.db
      .prepare('UPDATE attachments SET expires_at = ? WHERE tenant_id = ? AND message_id = ?')
      .run(at.getTime(), tenantId, messageId).changes;
  }

  override async listExpired(now: Date, limit: number): Promise<Attachment[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM attachments WHERE expires_at IS NOT NULL AND expires_at <= ?
         ORDER BY expires_at LIMIT ?`,
      )
      .all(now.getTime(), Math.max(1, Math.min(limit, MAX_IDS))) as AttachmentRow[];
    return rows.map(toAttachment);
  }

  override async usage(tenantId: TenantId, uploaderId: UserId | null): Promise<number> {
    const row = (
      uploaderId === null
        ? this.db
            .prepare(
              'SELECT COALESCE(SUM(COALESCE(byte_size, declared_size)), 0) AS bytes FROM attachments WHERE tenant_id = ?',
            )
            .get(tenantId)
        : this.db
            .prepare(
              'SELECT COALESCE(SUM(COALESCE(byte_size, declared_size)), 0) AS bytes FROM attachments WHERE tenant_id = ? AND uploader_id = ?',
            )
            .get(tenantId, uploaderId)
    ) as { bytes: number };
    return row.bytes;
  }
}

class ClaimRefused extends Error {}
