import type { Database, Statement } from 'better-sqlite3';
import { TenantRole, TenantRoleGrant, TenantRoleRepository } from '@chatter/core';
import { mapConstraintErrors } from './sqlite-errors';
import { fromMs, toMs } from './time';

interface TenantRoleRow {
  tenant_id: string;
  user_id: string;
  role: TenantRole;
  granted_by: string | null;
  granted_at: number;
}

const toGrant = (row: TenantRoleRow): TenantRoleGrant => ({
  tenantId: row.tenant_id,
  userId: row.user_id,
  role: row.role,
  grantedBy: row.granted_by,
  grantedAt: fromMs(row.granted_at),
});

export class SqliteTenantRoleRepository extends TenantRoleRepository {
  private readonly byUser: Statement<[string, string], TenantRoleRow>;
  private readonly upsert: Statement<[TenantRoleRow], TenantRoleRow>;
  private readonly del: Statement<[string, string]>;
  private readonly all: Statement<[string], TenantRoleRow>;
  private readonly count: Statement<[string, string], { n: number }>;

  constructor(db: Database) {
    super();
    this.byUser = db.prepare('SELECT * FROM tenant_roles WHERE tenant_id = ? AND user_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO tenant_roles (tenant_id, user_id, role, granted_by, granted_at)
       VALUES (@tenant_id, @user_id, @role, @granted_by, @granted_at)
       ON CONFLICT (tenant_id, user_id) DO UPDATE SET
         role = excluded.role, granted_by = excluded.granted_by, granted_at = excluded.granted_at
       RETURNING *`,
    );
    this.del = db.prepare('DELETE FROM tenant_roles WHERE tenant_id = ? AND user_id = ?');
    this.all = db.prepare(
      "SELECT * FROM tenant_roles WHERE tenant_id = ? ORDER BY CASE role WHEN 'OWNER' THEN 0 ELSE 1 END, user_id",
    );
    this.count = db.prepare(
      'SELECT count(*) AS n FROM tenant_roles WHERE tenant_id = ? AND role = ?',
    );
  }

  override async find(tenantId: string, userId: string): Promise<TenantRoleGrant | null> {
    const row = this.byUser.get(tenantId, userId);
    return row ? toGrant(row) : null;
  }

  override async set(grant: TenantRoleGrant): Promise<TenantRoleGrant> {
    const row = mapConstraintErrors('tenant role', () =>
      this.upsert.get({
        tenant_id: grant.tenantId,
        user_id: grant.userId,
        role: grant.role,
        granted_by: grant.grantedBy,
        granted_at: toMs(grant.grantedAt),
      }),
    );
    return toGrant(row!);
  }

  override async remove(tenantId: string, userId: string): Promise<boolean> {
    return this.del.run(tenantId, userId).changes > 0;
  }

  override async list(tenantId: string): Promise<TenantRoleGrant[]> {
    return this.all.all(tenantId).map(toGrant);
  }

  override async countWithRole(tenantId: string, role: TenantRole): Promise<number> {
    return this.count.get(tenantId, role)?.n ?? 0;
  }
}
