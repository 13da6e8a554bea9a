import type { Database, Statement } from 'better-sqlite3';
import {
  CachedPage,
  LinkPreview,
  LinkPreviewRepository,
  LoggedEvent,
  MessageId,
  PageMetadata,
  TenantId,
} from '@chatter/core';
import { ConversationLog } from './conversation-log';

interface PreviewRow {
  tenant_id: string;
  message_id: string;
  url: string;
  title: string | null;
  description: string | null;
  site_name: string | null;
  image_attachment_id: string | null;
  created_at: number;
}

const MAX_IDS = 1000;
/** Expired cache rows deleted per write (the cache never grows without bound). */
const PRUNE_BATCH = 100;

const toPreview = (r: PreviewRow): LinkPreview => ({
  tenantId: r.tenant_id,
  messageId: r.message_id,
  url: r.url,
  title: r.title,
  description: r.description,
  siteName: r.site_name,
  imageAttachmentId: r.image_attachment_id,
  createdAt: new Date(r.created_at),
});

export class SqliteLinkPreviewRepository extends LinkPreviewRepository {
  private readonly s: {
    cached: Statement<[string, number], { metadata: string | null }>;
    cache: Statement<[string, string | null, number]>;
    prune: Statement<[number, number]>;
    liveMessage: Statement<[string, string], { conversation_id: string }>;
    insert: Statement<[PreviewRow]>;
    remove: Statement<[string, string]>;
    refuse: Statement<[string, string, number]>;
  };
  private readonly attachTx: (p: LinkPreview) => LoggedEvent | null;
  private readonly removeTx: (t: string, id: string, at: Date) => LoggedEvent | null;

  constructor(
    private readonly db: Database,
    log: ConversationLog,
  ) {
    super();
    const s = (this.s = {
      cached: db.prepare(
        'SELECT metadata FROM link_preview_cache WHERE url = ? AND expires_at > ?',
      ),
      cache: db.prepare(
        `INSERT INTO link_preview_cache (url, metadata, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (url) DO UPDATE SET metadata = excluded.metadata, expires_at = excluded.expires_at`,
      ),
      prune: db.prepare(
        `DELETE FROM link_preview_cache WHERE url IN
           (SELECT url FROM link_preview_cache WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
      ),
      liveMessage: db.prepare(
        'SELECT conversation_id FROM messages WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL',
      ),
      insert: db.prepare(
        `INSERT INTO link_previews (tenant_id, message_id, url, title, description, site_name,
           image_attachment_id, created_at)
         VALUES (@tenant_id, @message_id, @url, @title, @description, @site_name,
           @image_attachment_id, @created_at)
         ON CONFLICT DO NOTHING`,
      ),
      remove: db.prepare(
        'UPDATE link_previews SET removed = 1 WHERE tenant_id = ? AND message_id = ? AND removed = 0',
      ),
      refuse: db.prepare(
        `INSERT INTO link_previews (tenant_id, message_id, url, created_at, removed)
         VALUES (?, ?, '', ?, 1) ON CONFLICT DO NOTHING`,
      ),
    });
    this.attachTx = db.transaction((p: LinkPreview) => {
      const message = s.liveMessage.get(p.tenantId, p.messageId);
      if (!message) return null;
      const inserted = s.insert.run({
        tenant_id: p.tenantId,
        message_id: p.messageId,
        url: p.url,
        title: p.title,
        description: p.description,
        site_name: p.siteName,
        image_attachment_id: p.imageAttachmentId,
        created_at: p.createdAt.getTime(),
      }).changes;
      if (inserted === 0) return null;
      return log.record(
        p.tenantId,
        message.conversation_id,
        { kind: 'MESSAGE_UPDATED', messageId: p.messageId },
        p.createdAt,
      );
    }).immediate;
    this.removeTx = db.transaction((t: string, id: string, at: Date) => {
      const message = s.liveMessage.get(t, id);
      if (!message) return null;
      if (s.remove.run(t, id).changes === 0) {
        // Removed before it arrived: it never will.
        s.refuse.run(t, id, at.getTime());
        return null;
      }
      return log.record(t, message.conversation_id, { kind: 'MESSAGE_UPDATED', messageId: id }, at);
    }).immediate;
  }

  override async cachedPage(url: string, now: Date): Promise<CachedPage | null> {
    const row = this.s.cached.get(url, now.getTime());
    if (!row) return null;
    return { metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as PageMetadata) };
  }

  override async cachePage(
    url: string,
    metadata: PageMetadata | null,
    expiresAt: Date,
  ): Promise<void> {
    this.s.prune.run(Date.now(), PRUNE_BATCH);
    this.s.cache.run(url, metadata === null ? null : JSON.stringify(metadata), expiresAt.getTime());
  }

  override async attach(preview: LinkPreview): Promise<LoggedEvent | null> {
    return this.attachTx(preview);
  }

  override async remove(
    tenantId: TenantId,
    messageId: MessageId,
    at: Date,
  ): Promise<LoggedEvent | null> {
    return this.removeTx(tenantId, messageId, at);
  }

  override async findByMessages(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
  ): Promise<LinkPreview[]> {
    if (messageIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT * FROM link_previews WHERE tenant_id = ? AND removed = 0
           AND message_id IN (SELECT value FROM json_each(?))`,
      )
      .all(tenantId, JSON.stringify(messageIds.slice(0, MAX_IDS))) as PreviewRow[];
    return rows.map(toPreview);
  }
}
