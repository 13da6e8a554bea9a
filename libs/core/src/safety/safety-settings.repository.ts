import { TenantId } from '../shared/ids';
import { TenantSafetySettings } from './safety-settings';

/** Persistence of each tenant's safety settings: one record per tenant. */
export abstract class SafetySettingsRepository {
  /** The tenant's settings; null when they were never saved (the defaults apply). */
  abstract find(tenantId: TenantId): Promise<TenantSafetySettings | null>;
  /** Stores the tenant's settings whole (upsert on the tenant). */
  abstract save(settings: TenantSafetySettings): Promise<TenantSafetySettings>;
  /** Tenants with message retention on, with their number of days (for the retention sweep). */
  abstract withRetention(): Promise<{ tenantId: TenantId; days: number }[]>;
}
