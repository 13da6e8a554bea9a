import { TenantId, UserId } from '../../shared/ids';
import { Webhook, WebhookDelivery } from './webhook';

/** Outgoing webhooks and their delivery log, scoped by tenant. */
export abstract class WebhookRepository {
  abstract create(webhook: Webhook): Promise<Webhook>;
  abstract findById(tenantId: TenantId, id: string): Promise<Webhook | null>;
  /** A bot's webhooks, oldest first. */
  abstract listByBot(tenantId: TenantId, botId: UserId): Promise<Webhook[]>;
  /** Webhooks that chose this conversation. */
  abstract listForConversation(tenantId: TenantId, conversationId: string): Promise<Webhook[]>;
  abstract addDelivery(delivery: WebhookDelivery): Promise<void>;
  /** A webhook's delivery attempts, newest first, at most `limit`. */
  abstract listDeliveries(
    tenantId: TenantId,
    webhookId: string,
    limit: number,
  ): Promise<WebhookDelivery[]>;
}
