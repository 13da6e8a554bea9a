import { DomainError, invalid } from '../../shared/domain-error';
import { DEFAULT_TENANT, Tenant, TENANT_ID_PATTERN } from '../../tenancy/tenant';
import { TenantRepository } from '../../tenancy/tenant.repository';

/** Resolves the tenant a sign-in names (default when omitted). */
export async function resolveTenant(tenants: TenantRepository, tenant: string | null | undefined): Promise<Tenant> {
  const id = tenant ?? DEFAULT_TENANT;
  if (typeof id !== 'string' || !TENANT_ID_PATTERN.test(id)) throw invalid('tenant', 'tenant id is not valid');
  const found = await tenants.findById(id);
  if (!found) throw new DomainError('NOT_FOUND', 'tenant not found');
  return found;
}
