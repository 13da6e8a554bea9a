import type { Tenant } from '@chatter/core';
import type { TenantRecord } from '../schemas/tenant.schema';

export const toTenant = (r: TenantRecord): Tenant => ({
  id: r._id,
  name: r.name,
  signingSecret: r.signingSecret,
  // Tenants stored before the setting existed allow phone sign-up.
  phoneSignUp: r.phoneSignUp ?? true,
  attachmentRetentionDays: r.attachmentRetentionDays ?? null,
  createdAt: r.createdAt,
});

export const fromTenant = (t: Tenant): TenantRecord => ({
  _id: t.id,
  name: t.name,
  signingSecret: t.signingSecret,
  phoneSignUp: t.phoneSignUp,
  attachmentRetentionDays: t.attachmentRetentionDays,
  createdAt: t.createdAt,
});
