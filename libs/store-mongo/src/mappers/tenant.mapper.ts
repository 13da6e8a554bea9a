import type { Tenant } from '@chatter/core';
import type { TenantRecord } from '../schemas/tenant.schema';

export const toTenant = (r: TenantRecord): Tenant => ({
  id: r._id,
  name: r.name,
  signingSecret: r.signingSecret,
  createdAt: r.createdAt,
});

export const fromTenant = (t: Tenant): TenantRecord => ({
  _id: t.id,
  name: t.name,
  signingSecret: t.signingSecret,
  createdAt: t.createdAt,
});
