import type { Database, Statement } from 'better-sqlite3';
import { Tenant, TenantRepository, TenantSettings } from '@chatter/core';
import { TenantRow, fromTenant, toTenant } from './mappers/tenant.mapper';
import { mapConstraintErrors } from './sqlite-errors';

export class SqliteTenantRepository extends TenantRepository {
  private readonly insert: Statement<[TenantRow]>;
  private readonly byId: Statement<[string], TenantRow>;
  private readonly all: Statement<[], TenantRow>;
  private readonly setSecret: Statement<[string, string], TenantRow>;
  private readonly setSettings: Statement<[number, number | null, string], TenantRow>;

  constructor(db: Database) {
    super();
    this.insert = db.prepare(
      'INSERT INTO tenants (id, name, signing_secret, phone_sign_up, attachment_retention_days, created_at) VALUES (@id, @name, @signing_secret, @phone_sign_up, @attachment_retention_days, @created_at)',
    );
    this.byId = db.prepare('SELECT * FROM tenants WHERE id = ?');
    this.all = db.prepare('SELECT * FROM tenants ORDER BY id');
    this.setSecret = db.prepare('UPDATE tenants SET signing_secret = ? WHERE id = ? RETURNING *');
    this.setSettings = db.prepare(
      'UPDATE tenants SET phone_sign_up = ?, attachment_retention_days = ? WHERE id = ? RETURNING *',
    );
  }

  override async create(tenant: Tenant): Promise<Tenant> {
    mapConstraintErrors('tenant', () => this.insert.run(fromTenant(tenant)));
    return { ...tenant };
  }

  override async findById(id: string): Promise<Tenant | null> {
    const row = this.byId.get(id);
    return row ? toTenant(row) : null;
  }

  override async list(): Promise<Tenant[]> {
    return this.all.all().map(toTenant);
  }

  override async updateSigningSecret(id: string, secret: string): Promise<Tenant | null> {
    const row = this.setSecret.get(secret, id);
    return row ? toTenant(row) : null;
  }

  override async updateSettings(id: string, settings: TenantSettings): Promise<Tenant | null> {
    const row = this.setSettings.get(
      settings.phoneSignUp ? 1 : 0,
      settings.attachmentRetentionDays,
      id,
    );
    return row ? toTenant(row) : null;
  }
}
