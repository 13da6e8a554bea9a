import { TenantId, UserId } from '../../shared/ids';
import { Webhook, WebhookDelivery, WebhookDisabledReason } from './webhook';

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
  /**
   * Removes up to `limit` delivery log entries (of every tenant) from before `before`, oldest
   * first; returns how many it removed.
   */
  abstract pruneDeliveries(before: Date, limit: number): Promise<number>;
  /** A delivered attempt: the consecutive failure count goes back to 0. */
  abstract recordSuccess(tenantId: TenantId, id: string): Promise<void>;
  /**
   * A failed attempt, counted atomically (attempts of several instances add up). When the count
   * reaches `disableAfter`, the webhook is disabled (`FAILING`, at `at`) unless it already is.
   * Returns the webhook after the update, or null when it does not exist.
   */
  abstract recordFailure(
    tenantId: TenantId,
    id: string,
    disableAfter: number,
    at: Date,
  ): Promise<Webhook | null>;
  /** Disables the webhook (a disabled one keeps its first date and reason); null if unknown. */
  abstract disable(
    tenantId: TenantId,
    id: string,
    reason: WebhookDisabledReason,
    at: Date,
  ): Promise<Webhook | null>;
  /** Enables it again with a failure count of 0; null if unknown. */
  abstract enable(tenantId: TenantId, id: string): Promise<Webhook | null>;
}
