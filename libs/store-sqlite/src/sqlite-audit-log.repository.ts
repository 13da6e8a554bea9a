import type { Database, Statement } from 'better-sqlite3';
import {
  AuditAction,
  AuditDetails,
  AuditEntry,
  AuditFilter,
  AuditLogRepository,
  decodeKeyset,
  Page,
  PageRequest,
  toPage,
} from '@chatter/core';
import { fromMs } from './time';

interface AuditRow {
  tenant_id: string;
  id: string;
  at: number;
  actor_id: string | null;
  action: AuditAction;
  target_user_id: string | null;
  conversation_id: string | null;
  message_id: string | null;
  reason: string | null;
  details: string;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  tenantId: r.tenant_id,
  actorId: r.actor_id,
  action: r.action,
  targetUserId: r.target_user_id,
  conversationId: r.conversation_id,
  messageId: r.message_id,
  reason: r.reason,
  details: JSON.parse(r.details) as AuditDetails,
  at: fromMs(r.at),
});

export class SqliteAuditLogRepository extends AuditLogRepository {
  private readonly insert: Statement<[AuditRow]>;

  constructor(private readonly db: Database) {
    super();
    this.insert = db.prepare(
      `INSERT INTO audit_log (tenant_id, id, at, actor_id, action, target_user_id, conversation_id, message_id, reason, details)
       VALUES (@tenant_id, @id, @at, @actor_id, @action, @target_user_id, @conversation_id, @message_id, @reason, @details)`,
    );
  }

  override async append(e: AuditEntry): Promise<void> {
    this.insert.run({
      tenant_id: e.tenantId,
      id: e.id,
      at: e.at.getTime(),
      actor_id: e.actorId,
      action: e.action,
      target_user_id: e.targetUserId,
      conversation_id: e.conversationId,
      message_id: e.messageId,
      reason: e.reason,
      details: JSON.stringify(e.details),
    });
  }

  override async list(
    tenantId: string,
    filter: AuditFilter,
    page: PageRequest,
  ): Promise<Page<AuditEntry>> {
    const where = ['tenant_id = ?'];
    const params: (string | number)[] = [tenantId];
    const add = (clause: string, value: string | number) => {
      where.push(clause);
      params.push(value);
    };
    if (filter.action) add('action = ?', filter.action);
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.targetUserId) add('target_user_id = ?', filter.targetUserId);
    if (filter.since) add('at >= ?', filter.since.getTime());
    if (filter.before) add('at < ?', filter.before.getTime());
    if (page.after) {
      const [at, id] = decodeKeyset(page.after, ['number', 'string'] as const);
      where.push('(at < ? OR (at = ? AND id < ?))');
      params.push(at, at, id);
    }
    const rows = this.db
      .prepare<(string | number)[], AuditRow>(
        `SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`,
      )
      .all(...params, page.first + 1);
    return toPage(rows, page, toEntry, (r) => [r.at, r.id]);
  }
}
