import { TenantId, UserId } from '../shared/ids';

/** How a device is reached: Web Push (browsers), or a push gateway (native apps via APNs/FCM). */
export type PushDeviceKind = 'WEB_PUSH' | 'GATEWAY';

/**
 * A push subscription of one user's device: a browser's Web Push subscription (RFC 8030), or a
 * native app's pushkey that the push gateway (Matrix Sygnal style) forwards to APNs or FCM.
 */
export interface PushDevice {
  id: string;
  tenantId: TenantId;
  userId: UserId;
  kind: PushDeviceKind;
  /** GATEWAY: the app id the gateway knows (e.g. `com.example.chat.ios`); null for Web Push. */
  appId: string | null;
  /** WEB_PUSH: the push service URL the subscription posts to. GATEWAY: the pushkey. */
  endpoint: string;
  /** The subscription's P-256 public key, base64url (65 bytes decoded); '' for GATEWAY. */
  p256dh: string;
  /** The subscription's auth secret, base64url (16 bytes decoded); '' for GATEWAY. */
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
