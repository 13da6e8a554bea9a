import { Clock } from '../../shared/clock';
import { UseCase } from '../../shared/use-case';
import { WebhookQueueRepository } from './webhook-queue.repository';
import { WebhookRepository } from './webhook.repository';

/** What one prune removed. */
export interface PrunedWebhookHistory {
  /** Delivery log entries. */
  deliveries: number;
  /** Dead letters, each with its signed payload (a copy of the message it announced). */
  deadLetters: number;
}

/**
 * Webhook history is kept for a while, not forever: the delivery log (one entry per attempt)
 * and the dead letters, whose payloads copy message text that the sender may since have deleted,
 * are removed once older than the keep period. Pending deliveries are never touched.
 */
@UseCase()
export class PruneWebhookHistory {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly queue: WebhookQueueRepository,
    private readonly clock: Clock,
  ) {}

  /** Removes up to `limit` of each kind older than `keepMs`. */
  async prune(keepMs: number, limit: number): Promise<PrunedWebhookHistory> {
    const before = new Date(this.clock.now().getTime() - keepMs);
    return {
      deliveries: await this.webhooks.pruneDeliveries(before, limit),
      deadLetters: await this.queue.pruneDead(before, limit),
    };
  }
}
