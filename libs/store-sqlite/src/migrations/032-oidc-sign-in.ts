import { Migration } from './migration';

/**
 * OpenID Connect sign-in: a tenant's providers (client secret stored like the tenant's other
 * secrets), identities keyed by (tenant, issuer, subject), and single-use flow tickets.
 */
export const oidcSignInMigration: Migration = {
  version: 32,
  name: 'oidc-sign-in',
  up(db) {
    db.exec(`
      CREATE TABLE oidc_providers (
        tenant_id TEXT NOT NULL,
        id TEXT NOT NULL,
        display_name TEXT NOT NULL,
        issuer TEXT NOT NULL,
        client_id TEXT NOT NULL,
        client_secret TEXT NOT NULL,
        allowed_domains TEXT NOT NULL,
        auto_link_verified_email INTEGER NOT NULL CHECK (auto_link_verified_email IN (0, 1)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE oidc_identities (
        tenant_id TEXT NOT NULL,
        issuer TEXT NOT NULL,
        subject TEXT NOT NULL,
        user_id TEXT NOT NULL,
        provider_id TEXT NOT NULL,
        email TEXT,
        email_verified INTEGER NOT NULL CHECK (email_verified IN (0, 1)),
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, issuer, subject),
        UNIQUE (tenant_id, user_id, provider_id),
        FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX oidc_identities_verified_email ON oidc_identities (tenant_id, email, created_at)
        WHERE email_verified = 1;
      CREATE TABLE oidc_tickets (
        kind TEXT NOT NULL CHECK (kind IN ('FLOW', 'HANDOFF')),
        key_hash TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (kind, key_hash)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX oidc_tickets_expiry ON oidc_tickets (expires_at);
    `);
  },
};
