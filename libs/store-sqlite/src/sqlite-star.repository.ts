import type { Database, Statement } from 'better-sqlite3';
import { Star, StarCursor, StarRepository } from '@chatter/core';
import { fromMs } from './time';

interface StarRow {
  tenant_id: string;
  user_id: string;
  message_id: string;
  conversation_id: string;
  starred_at: number;
}

const toStar = (r: StarRow): Star => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  messageId: r.message_id,
  conversationId: r.conversation_id,
  starredAt: fromMs(r.starred_at),
});

export class SqliteStarRepository extends StarRepository {
  private readonly insert: Statement<[string, string, string, string, number]>;
  private readonly remove: Statement<[string, string, string]>;
  private readonly among: Statement<[string, string, string], { message_id: string }>;
  private readonly page: Statement<[string, string, number, number, string, number], StarRow>;

  constructor(db: Database) {
    super();
    this.insert =
      db.prepare(`INSERT INTO stars (tenant_id, user_id, message_id, conversation_id, starred_at)
      VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
    this.remove = db.prepare(
      'DELETE FROM stars WHERE tenant_id = ? AND user_id = ? AND message_id = ?',
    );
    this.among = db.prepare(`SELECT message_id FROM stars
      WHERE tenant_id = ? AND user_id = ? AND message_id IN (SELECT value FROM json_each(?))`);
    this.page = db.prepare(`SELECT * FROM stars WHERE tenant_id = ? AND user_id = ?
        AND (starred_at < ? OR (starred_at = ? AND message_id < ?))
      ORDER BY starred_at DESC, message_id DESC LIMIT ?`);
  }

  override async star(star: Star): Promise<boolean> {
    return (
      this.insert.run(
        star.tenantId,
        star.userId,
        star.messageId,
        star.conversationId,
        star.starredAt.getTime(),
      ).changes > 0
    );
  }

  override async unstar(tenantId: string, userId: string, messageId: string): Promise<boolean> {
    return this.remove.run(tenantId, userId, messageId).changes > 0;
  }

  override async starredAmong(
    tenantId: string,
    userId: string,
    messageIds: readonly string[],
  ): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    return new Set(
      this.among.all(tenantId, userId, JSON.stringify(messageIds)).map((r) => r.message_id),
    );
  }

  override async list(
    tenantId: string,
    userId: string,
    after: StarCursor | null,
    limit: number,
  ): Promise<Star[]> {
    const ms = after ? after.starredAt.getTime() : Number.MAX_SAFE_INTEGER;
    return this.page
      .all(tenantId, userId, ms, ms, after ? after.messageId : '', Math.max(0, Math.trunc(limit)))
      .map(toStar);
  }
}
