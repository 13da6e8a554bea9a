import { Message } from '../../messaging/message';
import { WebhookEventType } from './webhook';

/**
 * Told when an event could not be queued for outgoing webhooks even after retries (the store
 * stayed unavailable), so that operators learn which event their webhooks did not get.
 */
export abstract class WebhookFanOutFailures {
  abstract report(error: unknown, type: WebhookEventType, message: Message): void;
}
