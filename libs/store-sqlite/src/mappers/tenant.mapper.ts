import { Tenant } from '@chatter/core';
import { fromMs, toMs } from '../time';

export interface TenantRow {
  id: string;
  name: string;
  signing_secret: string;
  phone_sign_up: number;
  attachment_retention_days: number | null;
  created_at: number;
}

export const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  name: row.name,
  signingSecret: row.signing_secret,
  phoneSignUp: row.phone_sign_up === 1,
  attachmentRetentionDays: row.attachment_retention_days ?? null,
  createdAt: fromMs(row.created_at),
});

export const fromTenant = (tenant: Tenant): TenantRow => ({
  id: tenant.id,
  name: tenant.name,
  signing_secret: tenant.signingSecret,
  phone_sign_up: tenant.phoneSignUp ? 1 : 0,
  attachment_retention_days: tenant.attachmentRetentionDays ?? null,
  created_at: toMs(tenant.createdAt),
});
