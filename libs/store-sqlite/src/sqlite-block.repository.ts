import type { Database, Statement } from 'better-sqlite3';
import { BlockRelations, BlockRepository, TenantId, UserId } from '@chatter/core';
import { mapConstraintErrors } from './sqlite-errors';

const MAX_LISTED = 1000;

export class SqliteBlockRepository extends BlockRepository {
  private readonly insert: Statement<[string, string, string, number]>;
  private readonly remove: Statement<[string, string, string]>;
  private readonly exists: Statement<[string, string, string], { one: number }>;
  private readonly eitherWay: Statement<[string, string, string, string, string], { one: number }>;
  private readonly list: Statement<[string, string, number], { blocked_id: string }>;
  private readonly among: Statement<
    [string, string, string, string, string, string],
    { blocker_id: string; blocked_id: string }
  >;

  constructor(db: Database) {
    super();
    this.insert = db.prepare(
      'INSERT INTO blocks (tenant_id, blocker_id, blocked_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.remove = db.prepare(
      'DELETE FROM blocks WHERE tenant_id = ? AND blocker_id = ? AND blocked_id = ?',
    );
    this.exists = db.prepare(
      'SELECT 1 AS one FROM blocks WHERE tenant_id = ? AND blocker_id = ? AND blocked_id = ?',
    );
    this.eitherWay = db.prepare(`SELECT 1 AS one FROM blocks WHERE tenant_id = ?
      AND ((blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)) LIMIT 1`);
    this.list = db.prepare(
      'SELECT blocked_id FROM blocks WHERE tenant_id = ? AND blocker_id = ? ORDER BY created_at DESC, blocked_id DESC LIMIT ?',
    );
    this.among = db.prepare(`SELECT blocker_id, blocked_id FROM blocks
      WHERE tenant_id = ? AND blocker_id = ? AND blocked_id IN (SELECT value FROM json_each(?))
      UNION ALL
      SELECT blocker_id, blocked_id FROM blocks
      WHERE tenant_id = ? AND blocked_id = ? AND blocker_id IN (SELECT value FROM json_each(?))`);
  }

  override async block(
    tenantId: TenantId,
    blockerId: UserId,
    blockedId: UserId,
    at: Date,
  ): Promise<boolean> {
    return mapConstraintErrors(
      'block',
      () => this.insert.run(tenantId, blockerId, blockedId, at.getTime()).changes === 1,
    );
  }

  override async unblock(
    tenantId: TenantId,
    blockerId: UserId,
    blockedId: UserId,
  ): Promise<boolean> {
    return this.remove.run(tenantId, blockerId, blockedId).changes === 1;
  }

  override async isBlockedEitherWay(tenantId: TenantId, a: UserId, b: UserId): Promise<boolean> {
    return this.eitherWay.get(tenantId, a, b, b, a) !== undefined;
  }

  override async hasBlocked(
    tenantId: TenantId,
    blockerId: UserId,
    blockedId: UserId,
  ): Promise<boolean> {
    return this.exists.get(tenantId, blockerId, blockedId) !== undefined;
  }

  override async listBlocked(tenantId: TenantId, blockerId: UserId): Promise<UserId[]> {
    return this.list.all(tenantId, blockerId, MAX_LISTED).map((r) => r.blocked_id);
  }

  override async blocksAmong(
    tenantId: TenantId,
    userId: UserId,
    others: readonly UserId[],
  ): Promise<BlockRelations> {
    const result: BlockRelations = { blocked: new Set(), blockedBy: new Set() };
    if (others.length === 0) return result;
    const ids = JSON.stringify(others);
    for (const row of this.among.all(tenantId, userId, ids, tenantId, userId, ids)) {
      if (row.blocker_id === userId) result.blocked.add(row.blocked_id);
      if (row.blocked_id === userId) result.blockedBy.add(row.blocker_id);
    }
    return result;
  }
}
