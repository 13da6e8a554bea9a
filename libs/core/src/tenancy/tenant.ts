import { TenantId } from '../shared/ids';

export const DEFAULT_TENANT = 'default';
/** Tenant ids are slugs: they appear in bus subjects and URLs. */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export interface Tenant {
  id: TenantId;
  name: string;
  /** Secret with which the tenant's own backend signs app-issued user tokens (HS256). */
  signingSecret: string;
  createdAt: Date;
}
