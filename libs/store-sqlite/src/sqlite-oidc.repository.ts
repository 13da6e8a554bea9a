import type { Database, Statement } from 'better-sqlite3';
import {
  OidcIdentity,
  OidcProviderConfig,
  OidcRepository,
  OidcTicket,
  OidcTicketKind,
} from '@chatter/core';
import { mapConstraintErrors } from './sqlite-errors';
import { fromMs, toMs } from './time';

interface ProviderRow {
  tenant_id: string;
  id: string;
  display_name: string;
  issuer: string;
  client_id: string;
  client_secret: string;
  allowed_domains: string;
  auto_link_verified_email: number;
  created_at: number;
  updated_at: number;
}

interface IdentityRow {
  tenant_id: string;
  issuer: string;
  subject: string;
  user_id: string;
  provider_id: string;
  email: string | null;
  email_verified: number;
  created_at: number;
}

interface TicketRow {
  kind: OidcTicketKind;
  key_hash: string;
  tenant_id: string;
  payload: string;
  expires_at: number;
}

const toProvider = (r: ProviderRow): OidcProviderConfig => ({
  tenantId: r.tenant_id,
  id: r.id,
  displayName: r.display_name,
  issuer: r.issuer,
  clientId: r.client_id,
  clientSecret: r.client_secret,
  allowedDomains: JSON.parse(r.allowed_domains) as string[],
  autoLinkVerifiedEmail: r.auto_link_verified_email === 1,
  createdAt: fromMs(r.created_at),
  updatedAt: fromMs(r.updated_at),
});

const toIdentity = (r: IdentityRow): OidcIdentity => ({
  tenantId: r.tenant_id,
  userId: r.user_id,
  providerId: r.provider_id,
  issuer: r.issuer,
  subject: r.subject,
  email: r.email,
  emailVerified: r.email_verified === 1,
  createdAt: fromMs(r.created_at),
});

export class SqliteOidcRepository extends OidcRepository {
  private readonly upsertProvider: Statement<[ProviderRow], ProviderRow>;
  private readonly providerById: Statement<[string, string], ProviderRow>;
  private readonly providers: Statement<[string], ProviderRow>;
  private readonly deleteProvider: Statement<[string, string]>;
  private readonly insertIdentity: Statement<[IdentityRow]>;
  private readonly identityByKey: Statement<[string, string, string], IdentityRow>;
  private readonly identityByEmail: Statement<[string, string], IdentityRow>;
  private readonly identitiesOf: Statement<[string, string], IdentityRow>;
  private readonly deleteIdentity: Statement<[string, string, string]>;
  private readonly insertTicket: Statement<[TicketRow]>;
  private readonly deleteTicket: Statement<[string, string], TicketRow>;
  private readonly deleteExpired: Statement<[number]>;

  constructor(db: Database) {
    super();
    this.upsertProvider = db.prepare(
      `INSERT INTO oidc_providers (tenant_id, id, display_name, issuer, client_id, client_secret,
         allowed_domains, auto_link_verified_email, created_at, updated_at)
       VALUES (@tenant_id, @id, @display_name, @issuer, @client_id, @client_secret,
         @allowed_domains, @auto_link_verified_email, @created_at, @updated_at)
       ON CONFLICT (tenant_id, id) DO UPDATE SET
         display_name = excluded.display_name, issuer = excluded.issuer,
         client_id = excluded.client_id, client_secret = excluded.client_secret,
         allowed_domains = excluded.allowed_domains,
         auto_link_verified_email = excluded.auto_link_verified_email,
         updated_at = excluded.updated_at
       RETURNING *`,
    );
    this.providerById = db.prepare('SELECT * FROM oidc_providers WHERE tenant_id = ? AND id = ?');
    this.providers = db.prepare('SELECT * FROM oidc_providers WHERE tenant_id = ? ORDER BY id');
    this.deleteProvider = db.prepare('DELETE FROM oidc_providers WHERE tenant_id = ? AND id = ?');
    this.insertIdentity = db.prepare(
      `INSERT INTO oidc_identities (tenant_id, issuer, subject, user_id, provider_id, email,
         email_verified, created_at)
       VALUES (@tenant_id, @issuer, @subject, @user_id, @provider_id, @email, @email_verified,
         @created_at)`,
    );
    this.identityByKey = db.prepare(
      'SELECT * FROM oidc_identities WHERE tenant_id = ? AND issuer = ? AND subject = ?',
    );
    this.identityByEmail = db.prepare(
      `SELECT * FROM oidc_identities WHERE tenant_id = ? AND email = ? AND email_verified = 1
       ORDER BY created_at, user_id LIMIT 1`,
    );
    this.identitiesOf = db.prepare(
      'SELECT * FROM oidc_identities WHERE tenant_id = ? AND user_id = ? ORDER BY created_at, provider_id',
    );
    this.deleteIdentity = db.prepare(
      'DELETE FROM oidc_identities WHERE tenant_id = ? AND user_id = ? AND provider_id = ?',
    );
    this.insertTicket = db.prepare(
      `INSERT INTO oidc_tickets (kind, key_hash, tenant_id, payload, expires_at)
       VALUES (@kind, @key_hash, @tenant_id, @payload, @expires_at)`,
    );
    this.deleteTicket = db.prepare(
      'DELETE FROM oidc_tickets WHERE kind = ? AND key_hash = ? RETURNING *',
    );
    this.deleteExpired = db.prepare('DELETE FROM oidc_tickets WHERE expires_at <= ?');
  }

  override async saveProvider(p: OidcProviderConfig): Promise<OidcProviderConfig> {
    const row = this.upsertProvider.get({
      tenant_id: p.tenantId,
      id: p.id,
      display_name: p.displayName,
      issuer: p.issuer,
      client_id: p.clientId,
      client_secret: p.clientSecret,
      allowed_domains: JSON.stringify(p.allowedDomains),
      auto_link_verified_email: p.autoLinkVerifiedEmail ? 1 : 0,
      created_at: toMs(p.createdAt),
      updated_at: toMs(p.updatedAt),
    });
    return toProvider(row!);
  }

  override async findProvider(tenantId: string, id: string): Promise<OidcProviderConfig | null> {
    const row = this.providerById.get(tenantId, id);
    return row ? toProvider(row) : null;
  }

  override async listProviders(tenantId: string): Promise<OidcProviderConfig[]> {
    return this.providers.all(tenantId).map(toProvider);
  }

  override async removeProvider(tenantId: string, id: string): Promise<boolean> {
    return this.deleteProvider.run(tenantId, id).changes > 0;
  }

  override async addIdentity(identity: OidcIdentity): Promise<OidcIdentity> {
    mapConstraintErrors('linked account', () =>
      this.insertIdentity.run({
        tenant_id: identity.tenantId,
        issuer: identity.issuer,
        subject: identity.subject,
        user_id: identity.userId,
        provider_id: identity.providerId,
        email: identity.email,
        email_verified: identity.emailVerified ? 1 : 0,
        created_at: toMs(identity.createdAt),
      }),
    );
    return identity;
  }

  override async findIdentity(
    tenantId: string,
    issuer: string,
    subject: string,
  ): Promise<OidcIdentity | null> {
    const row = this.identityByKey.get(tenantId, issuer, subject);
    return row ? toIdentity(row) : null;
  }

  override async findIdentityByVerifiedEmail(
    tenantId: string,
    email: string,
  ): Promise<OidcIdentity | null> {
    const row = this.identityByEmail.get(tenantId, email);
    return row ? toIdentity(row) : null;
  }

  override async listIdentities(tenantId: string, userId: string): Promise<OidcIdentity[]> {
    return this.identitiesOf.all(tenantId, userId).map(toIdentity);
  }

  override async removeIdentity(
    tenantId: string,
    userId: string,
    providerId: string,
  ): Promise<boolean> {
    return this.deleteIdentity.run(tenantId, userId, providerId).changes > 0;
  }

  override async putTicket(ticket: OidcTicket): Promise<void> {
    mapConstraintErrors('ticket', () =>
      this.insertTicket.run({
        kind: ticket.kind,
        key_hash: ticket.keyHash,
        tenant_id: ticket.tenantId,
        payload: ticket.payload,
        expires_at: toMs(ticket.expiresAt),
      }),
    );
  }

  override async takeTicket(
    kind: OidcTicketKind,
    keyHash: string,
    now: Date,
  ): Promise<OidcTicket | null> {
    const row = this.deleteTicket.get(kind, keyHash);
    this.deleteExpired.run(toMs(now));
    if (!row || row.expires_at <= toMs(now)) return null;
    return {
      kind: row.kind,
      keyHash: row.key_hash,
      tenantId: row.tenant_id,
      payload: row.payload,
      expiresAt: fromMs(row.expires_at),
    };
  }
}
