import { TenantId } from '../shared/ids';

export const DEFAULT_TENANT = 'default';
/** Tenant ids are slugs: they appear in bus subjects and URLs. */
export const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export interface Tenant {
  id: TenantId;
  name: string;
  /** Secret with which the tenant's own backend signs app-issued user tokens (HS256). */
  signingSecret: string;
  /**
   * Whether new users may sign up with a phone number and SMS code. Off for tenants whose users
   * come only from app-issued tokens; existing phone users can still sign in.
   */
  phoneSignUp: boolean;
  /** Attachments are deleted this many days after upload; null keeps them. */
  attachmentRetentionDays: number | null;
  createdAt: Date;
}
