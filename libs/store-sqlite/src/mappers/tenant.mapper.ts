import { Tenant } from '@chatter/core';
import { fromMs, toMs } from '../time';

export interface TenantRow {
  id: string;
  name: string;
  signing_secret: string;
  created_at: number;
}

export const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  name: row.name,
  signingSecret: row.signing_secret,
  createdAt: fromMs(row.created_at),
});

export const fromTenant = (tenant: Tenant): TenantRow => ({
  id: tenant.id,
  name: tenant.name,
  signing_secret: tenant.signingSecret,
  created_at: toMs(tenant.createdAt),
});
