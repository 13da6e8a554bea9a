import { TenantId, UserId } from '../../shared/ids';

export type WebhookEventType = 'message.created' | 'message.edited' | 'message.deleted';
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  'message.created',
  'message.edited',
  'message.deleted',
];

/** An outgoing webhook: a bot's subscription to message events of chosen conversations. */
export interface Webhook {
  id: string;
  tenantId: TenantId;
  /** The bot that owns it; events flow only while the bot is a member and its token is live. */
  botId: UserId;
  url: string;
  /** Standard Webhooks signing secret (`whsec_` + base64); shown once at creation. */
  secret: string;
  conversationIds: string[];
  events: WebhookEventType[];
  createdAt: Date;
  /** Failed attempts since the last success; reaching the configured limit disables the webhook. */
  consecutiveFailures: number;
  /** Set when deliveries stopped (a 410 answer or too many failures); an owner re-enables it. */
  disabledAt: Date | null;
  disabledReason: WebhookDisabledReason | null;
}

/** GONE: the receiver answered 410. FAILING: too many consecutive failed attempts. */
export type WebhookDisabledReason = 'GONE' | 'FAILING';

/**
 * DELIVERED: a 2xx answer. RETRYING: failed, another attempt is scheduled. FAILED: not retried
 * (a 410 answer, or the webhook was disabled or its bot lost access). DEAD: the last attempt
 * failed; the dead-letter record of the event.
 */
export type WebhookDeliveryStatus = 'DELIVERED' | 'RETRYING' | 'FAILED' | 'DEAD';

/** One attempt to deliver one event (the delivery log). */
export interface WebhookDelivery {
  id: string;
  tenantId: TenantId;
  webhookId: string;
  /** The `webhook-id` header: the same for every attempt of one event. */
  eventId: string;
  eventType: WebhookEventType;
  attempt: number;
  status: WebhookDeliveryStatus;
  /** The receiver's HTTP status, or null when none came (refused target, timeout, network). */
  responseStatus: number | null;
  error: string | null;
  at: Date;
}

/**
 * A JSON post to an incoming webhook, and an outgoing webhook's answer posted back, are refused
 * above this size (413 for the post).
 */
export const INCOMING_WEBHOOK_MAX_BYTES = 16 * 1024;
