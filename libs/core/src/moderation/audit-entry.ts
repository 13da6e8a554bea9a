import { TenantId, UserId } from '../shared/ids';

/** What an administrative or moderation action did. */
export type AuditAction =
  | 'TENANT_ROLE_CHANGED'
  | 'USER_SUSPENDED'
  | 'USER_BANNED'
  | 'SANCTION_LIFTED'
  | 'MESSAGES_REMOVED'
  | 'MESSAGE_DELETED'
  | 'MEMBER_ROLE_CHANGED'
  | 'MEMBER_REMOVED'
  | 'BOT_CREATED'
  | 'BOT_REVOKED'
  | 'WEBHOOK_CREATED'
  | 'WEBHOOK_ENABLED'
  | 'INCOMING_WEBHOOK_CREATED'
  | 'INCOMING_WEBHOOK_REVOKED'
  | 'SAFETY_SETTINGS_CHANGED'
  | 'MESSAGES_EXPIRED'
  | 'OIDC_PROVIDER_SAVED'
  | 'OIDC_PROVIDER_REMOVED';

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'TENANT_ROLE_CHANGED',
  'USER_SUSPENDED',
  'USER_BANNED',
  'SANCTION_LIFTED',
  'MESSAGES_REMOVED',
  'MESSAGE_DELETED',
  'MEMBER_ROLE_CHANGED',
  'MEMBER_REMOVED',
  'BOT_CREATED',
  'BOT_REVOKED',
  'WEBHOOK_CREATED',
  'WEBHOOK_ENABLED',
  'INCOMING_WEBHOOK_CREATED',
  'INCOMING_WEBHOOK_REVOKED',
  'SAFETY_SETTINGS_CHANGED',
  'MESSAGES_EXPIRED',
  'OIDC_PROVIDER_SAVED',
  'OIDC_PROVIDER_REMOVED',
];

/** Small facts about an action (a role, a count, an end time): flat, JSON-safe values only. */
export type AuditDetails = Record<string, string | number | boolean | null>;

/** One append-only record: who did what to whom, when and why. */
export interface AuditEntry {
  id: string;
  tenantId: TenantId;
  /** The tenant user who acted; null when an operator did. */
  actorId: UserId | null;
  action: AuditAction;
  targetUserId: UserId | null;
  conversationId: string | null;
  messageId: string | null;
  reason: string | null;
  details: AuditDetails;
  at: Date;
}

export interface AuditFilter {
  action?: AuditAction | null;
  actorId?: UserId | null;
  targetUserId?: UserId | null;
  /** Entries at or after this time. */
  since?: Date | null;
  /** Entries before this time. */
  before?: Date | null;
}
