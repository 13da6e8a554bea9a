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
}

export type WebhookDeliveryStatus = 'DELIVERED' | 'RETRYING' | 'FAILED';

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
