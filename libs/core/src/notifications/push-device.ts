import { TenantId, UserId } from '../shared/ids';

/** A browser (or app) push subscription of one user's device (RFC 8030 / Web Push). */
export interface PushDevice {
  id: string;
  tenantId: TenantId;
  userId: UserId;
  /** The push service URL the subscription posts to. */
  endpoint: string;
  /** The subscription's P-256 public key, base64url (65 bytes decoded). */
  p256dh: string;
  /** The subscription's auth secret, base64url (16 bytes decoded). */
  auth: string;
  /** A name the user recognises ("Firefox on laptop"). */
  label: string;
  createdAt: Date;
  lastSuccessAt: Date | null;
}

/** Tenant-wide notification options. */
export interface TenantNotificationOptions {
  /** Leave message text out of push payloads (only "New message from …" is sent). */
  omitMessageText: boolean;
}

export const DEFAULT_TENANT_NOTIFICATION_OPTIONS: TenantNotificationOptions = Object.freeze({
  omitMessageText: false,
});
