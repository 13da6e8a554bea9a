import { TenantId } from '../../shared/ids';
import { WebhookEventType } from './webhook';

/**
 * One event on its way to one webhook. PENDING: the attempt numbered `attempt` is due at
 * `nextAttemptAt` (and is being sent while a live lease is held). DEAD: the last attempt failed
 * (the dead-letter record). Delivered and dropped events leave the queue.
 */
export interface QueuedWebhookDelivery {
  id: string;
  tenantId: TenantId;
  webhookId: string;
  conversationId: string;
  /** The `webhook-id` header, the same for every attempt. */
  eventId: string;
  eventType: WebhookEventType;
  /** The signed JSON payload, as sent on every attempt. */
  body: string;
  /** The number of the next (or current) attempt, from 1. */
  attempt: number;
  nextAttemptAt: Date;
  /** The instance sending the current attempt, and until when its claim holds. */
  leaseOwner: string | null;
  leaseUntil: Date | null;
  status: 'PENDING' | 'DEAD';
  createdAt: Date;
}

/**
 * The durable outgoing-webhook queue, shared by every instance on one store. A claim is a lease:
 * while it is live no other instance gets the delivery, and when it runs out (its instance
 * stopped mid-attempt) the same attempt is claimable again. Only the lease owner may settle it.
 */
export abstract class WebhookQueueRepository {
  /** Stores the delivery; enqueueing an id already stored again changes nothing (a retry). */
  abstract enqueue(delivery: QueuedWebhookDelivery): Promise<void>;
  /**
   * Claims up to `limit` PENDING deliveries due at `now` whose lease is free or expired, oldest due
   * first, for `owner` until `leaseUntil`. Two concurrent callers never get the same delivery.
   */
  abstract claimDue(
    now: Date,
    owner: string,
    leaseUntil: Date,
    limit: number,
  ): Promise<QueuedWebhookDelivery[]>;
  /** Removes a delivery (delivered or dropped); false when `owner` no longer holds its lease. */
  abstract remove(tenantId: TenantId, id: string, owner: string): Promise<boolean>;
  /** Schedules attempt `attempt` at `at` and frees the lease; false when not held by `owner`. */
  abstract reschedule(
    tenantId: TenantId,
    id: string,
    owner: string,
    attempt: number,
    at: Date,
  ): Promise<boolean>;
  /** Marks it DEAD (kept as the dead-letter record); false when `owner` no longer holds it. */
  abstract markDead(tenantId: TenantId, id: string, owner: string): Promise<boolean>;
  /**
   * Removes up to `limit` DEAD deliveries (of every tenant) whose event is from before `before`,
   * oldest first, payload included; returns how many it removed. PENDING ones are never touched.
   */
  abstract pruneDead(before: Date, limit: number): Promise<number>;
  /** A webhook's queued deliveries (pending and dead), oldest first, at most `limit`. */
  abstract listByWebhook(
    tenantId: TenantId,
    webhookId: string,
    limit: number,
  ): Promise<QueuedWebhookDelivery[]>;
}
