import { ConversationId, TenantId, UserId } from '../../shared/ids';
import { ScheduledMessage } from './scheduled-message';

/** Persistence of scheduled messages: the durable timer of "send later". */
export abstract class ScheduledMessageRepository {
  /**
   * Stores a new PENDING message. Idempotent on (tenant, sender, clientMessageId): when one
   * exists, it is returned with created=false and nothing changes.
   */
  abstract create(
    message: ScheduledMessage,
  ): Promise<{ scheduled: ScheduledMessage; created: boolean }>;
  abstract findById(tenantId: TenantId, id: string): Promise<ScheduledMessage | null>;
  /** The sender's scheduled messages (any state), optionally of one conversation, soonest first. */
  abstract listBySender(
    tenantId: TenantId,
    senderId: UserId,
    conversationId: ConversationId | null,
    limit: number,
  ): Promise<ScheduledMessage[]>;
  /** How many PENDING or SENDING messages the sender has in the tenant. */
  abstract countPending(tenantId: TenantId, senderId: UserId): Promise<number>;
  /**
   * Changes body and/or sendAt of a message that is still PENDING (atomically); null when it is
   * absent, not the sender's, or no longer PENDING.
   */
  abstract update(
    tenantId: TenantId,
    id: string,
    senderId: UserId,
    change: { body?: string; sendAt?: Date },
    at: Date,
  ): Promise<ScheduledMessage | null>;
  /** Removes a PENDING or FAILED message of the sender; false when there was none. */
  abstract cancel(tenantId: TenantId, id: string, senderId: UserId): Promise<boolean>;
  /**
   * Claims up to `limit` due messages (any tenant) for this caller: PENDING with sendAt ≤ now, or
   * SENDING whose lease ended. Each becomes SENDING with `claimedUntil = leaseUntil`; the update
   * is atomic per message, so two instances never claim the same message at once.
   */
  abstract claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ScheduledMessage[]>;
  /** Deletes a message that was sent (its claim is done). */
  abstract completeSent(tenantId: TenantId, id: string): Promise<void>;
  /** Marks a claimed message FAILED with the reason. */
  abstract markFailed(tenantId: TenantId, id: string, failure: string, at: Date): Promise<void>;
  /** Gives a claim back (PENDING again) so a later tick retries it. */
  abstract release(tenantId: TenantId, id: string): Promise<void>;
}
