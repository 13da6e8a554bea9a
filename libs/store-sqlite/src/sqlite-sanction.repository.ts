import type { Database, Statement } from 'better-sqlite3';
import { SanctionKind, SanctionRepository, UserSanction } from '@chatter/core';
import { mapConstraintErrors } from './sqlite-errors';
import { fromMs, fromMsOrNull, toMs, toMsOrNull } from './time';

interface SanctionRow {
  tenant_id: string;
  user_id: string;
  kind: SanctionKind;
  until: number | null;
  reason: string | null;
  by_user: string | null;
  at: number;
}

const toSanction = (r: SanctionRow): UserSanction => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  kind: r.kind,
  until: fromMsOrNull(r.until),
  reason: r.reason,
  by: r.by_user,
  at: fromMs(r.at),
});

export class SqliteSanctionRepository extends SanctionRepository {
  private readonly byUser: Statement<[string, string], SanctionRow>;
  private readonly upsert: Statement<[SanctionRow], SanctionRow>;
  private readonly del: Statement<[string, string]>;
  private readonly recent: Statement<[string, number], SanctionRow>;

  constructor(db: Database) {
    super();
    this.byUser = db.prepare('SELECT * FROM user_sanctions WHERE tenant_id = ? AND user_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO user_sanctions (tenant_id, user_id, kind, until, reason, by_user, at)
       VALUES (@tenant_id, @user_id, @kind, @until, @reason, @by_user, @at)
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET kind = excluded.kind,
         until = excluded.until, reason = excluded.reason, by_user = excluded.by_user, at = excluded.at
       RETURNING *`,
    );
    this.del = db.prepare('DELETE FROM user_sanctions WHERE tenant_id = ? AND user_id = ?');
    this.recent = db.prepare(
      'SELECT * FROM user_sanctions WHERE tenant_id = ? ORDER BY at DESC, user_id LIMIT ?',
    );
  }

  override async find(tenantId: string, userId: string): Promise<UserSanction | null> {
    const row = this.byUser.get(tenantId, userId);
    return row ? toSanction(row) : null;
  }

  override async set(s: UserSanction): Promise<UserSanction> {
    const row = mapConstraintErrors('sanction', () =>
      this.upsert.get({
        tenant_id: s.tenantId,
        user_id: s.userId,
        kind: s.kind,
        until: toMsOrNull(s.until),
        reason: s.reason,
        by_user: s.by,
        at: toMs(s.at),
      }),
    );
    return toSanction(row!);
  }

  override async remove(tenantId: string, userId: string): Promise<boolean> {
    return this.del.run(tenantId, userId).changes > 0;
  }

  override async list(tenantId: string, limit: number): Promise<UserSanction[]> {
    return this.recent.all(tenantId, Math.max(0, Math.trunc(limit))).map(toSanction);
  }
}
