import { Tenant } from './tenant';

/** The settings an operator may change on a tenant. */
export type TenantSettings = Pick<Tenant, 'phoneSignUp' | 'attachmentRetentionDays'>;

/** Persistence of tenants. */
export abstract class TenantRepository {
  /** Creates a tenant; throws DomainError CONFLICT when the id exists. */
  abstract create(tenant: Tenant): Promise<Tenant>;
  abstract findById(id: string): Promise<Tenant | null>;
  /** All tenants ordered by id (operators have few). */
  abstract list(): Promise<Tenant[]>;
  /** Replaces the signing secret (rotation). Returns the updated tenant or null if absent. */
  abstract updateSigningSecret(id: string, secret: string): Promise<Tenant | null>;
  /** Changes the tenant's settings. Returns the updated tenant or null if absent. */
  abstract updateSettings(id: string, settings: TenantSettings): Promise<Tenant | null>;
}
