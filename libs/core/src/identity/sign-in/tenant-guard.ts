import { invalid } from '../../shared/domain-error';
import { DEFAULT_TENANT, TENANT_ID_PATTERN } from '../../tenancy/tenant';

/**
 * The tenant id a sign-in names (default when omitted), checked for shape only: whether the
 * tenant exists is looked up after the rate limits, and an unknown tenant answers like a known
 * one, so sign-in cannot be used to list tenants.
 */
export function signInTenantId(tenant: string | null | undefined): string {
  const id = tenant ?? DEFAULT_TENANT;
  if (typeof id !== 'string' || !TENANT_ID_PATTERN.test(id))
    throw invalid('tenant', 'tenant id is not valid');
  return id;
}
