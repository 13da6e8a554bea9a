import { WebhookEventType } from './webhook';

/** The event a fan-out was for, by ids. */
export interface WebhookFanOutEvent {
  type: WebhookEventType;
  tenantId: string;
  conversationId: string;
  messageId: string;
}

/**
 * Told when an event could not be queued for outgoing webhooks even after retries (the store
 * stayed unavailable), so that operators learn which event their webhooks did not get.
 */
export abstract class WebhookFanOutFailures {
  abstract report(error: unknown, event: WebhookFanOutEvent): void;
}
