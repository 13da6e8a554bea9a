import type { Database, Statement } from 'better-sqlite3';
import { FollowedThreadsCursor, ThreadFollow, ThreadFollowRepository } from '@chatter/core';
import { fromMs } from './time';

interface FollowRow {
  tenant_id: string;
  user_id: string;
  root_id: string;
  conversation_id: string;
  following: number;
  read_seq: number;
  followed_at: number;
}

const toFollow = (r: FollowRow): ThreadFollow => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  rootId: r.root_id,
  conversationId: r.conversation_id,
  following: r.following === 1,
  readSeq: r.read_seq,
  followedAt: fromMs(r.followed_at),
});

export class SqliteThreadFollowRepository extends ThreadFollowRepository {
  private readonly upsertFollow: Statement<
    [string, string, string, string, number, number],
    FollowRow
  >;
  private readonly upsertRead: Statement<
    [string, string, string, string, number, number],
    FollowRow
  >;
  private readonly stop: Statement<[string, string, string]>;
  private readonly many: Statement<[string, string, string], FollowRow>;
  private readonly followed: Statement<[string, string, number, number, string, number], FollowRow>;

  constructor(db: Database) {
    super();
    this.upsertFollow = db.prepare(`INSERT INTO thread_follows
        (tenant_id, user_id, root_id, conversation_id, following, read_seq, followed_at)
      VALUES (?, ?, ?, ?, 1, ?, ?)
      ON CONFLICT (tenant_id, user_id, root_id) DO UPDATE SET
        followed_at = CASE WHEN following = 1 THEN followed_at ELSE excluded.followed_at END,
        following = 1,
        read_seq = max(read_seq, excluded.read_seq)
      RETURNING *`);
    this.upsertRead = db.prepare(`INSERT INTO thread_follows
        (tenant_id, user_id, root_id, conversation_id, following, read_seq, followed_at)
      VALUES (?, ?, ?, ?, 0, ?, ?)
      ON CONFLICT (tenant_id, user_id, root_id) DO UPDATE SET read_seq = max(read_seq, excluded.read_seq)
      RETURNING *`);
    this.stop = db.prepare(
      'UPDATE thread_follows SET following = 0 WHERE tenant_id = ? AND user_id = ? AND root_id = ?',
    );
    this.many = db.prepare(`SELECT * FROM thread_follows
      WHERE tenant_id = ? AND user_id = ? AND root_id IN (SELECT value FROM json_each(?))`);
    this.followed = db.prepare(`SELECT * FROM thread_follows
      WHERE tenant_id = ? AND user_id = ? AND following = 1
        AND (followed_at < ? OR (followed_at = ? AND root_id < ?))
      ORDER BY followed_at DESC, root_id DESC LIMIT ?`);
  }

  override async follow(
    tenantId: string,
    userId: string,
    conversationId: string,
    rootId: string,
    at: Date,
    readSeq = 0,
  ): Promise<ThreadFollow> {
    return toFollow(
      this.upsertFollow.get(tenantId, userId, rootId, conversationId, readSeq, at.getTime())!,
    );
  }

  override async unfollow(tenantId: string, userId: string, rootId: string): Promise<boolean> {
    return this.stop.run(tenantId, userId, rootId).changes > 0;
  }

  override async markRead(
    tenantId: string,
    userId: string,
    conversationId: string,
    rootId: string,
    seq: number,
    at: Date,
  ): Promise<ThreadFollow> {
    return toFollow(
      this.upsertRead.get(tenantId, userId, rootId, conversationId, seq, at.getTime())!,
    );
  }

  override async findMany(
    tenantId: string,
    userId: string,
    rootIds: readonly string[],
  ): Promise<ThreadFollow[]> {
    if (rootIds.length === 0) return [];
    return this.many.all(tenantId, userId, JSON.stringify(rootIds)).map(toFollow);
  }

  override async listFollowed(
    tenantId: string,
    userId: string,
    after: FollowedThreadsCursor | null,
    limit: number,
  ): Promise<ThreadFollow[]> {
    const ms = after ? after.followedAt.getTime() : Number.MAX_SAFE_INTEGER;
    return this.followed
      .all(tenantId, userId, ms, ms, after ? after.rootId : '', Math.max(0, Math.trunc(limit)))
      .map(toFollow);
  }
}
