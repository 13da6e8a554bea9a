import { ConversationId, TenantId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { DomainService } from '../shared/domain-service';
import { ConversationRepository } from '../messaging/conversation.repository';

/** Something that follows conversations and can fetch what it missed from the store. */
export interface ConversationFollower {
  /** The store holds events past what this follower delivered: catch up from the store. */
  nudge(conversationId: ConversationId): void;
}

interface Watched {
  tenantId: TenantId;
  followers: Set<ConversationFollower>;
  /** Highest seq this instance has seen delivered for the conversation. */
  observed: number;
  /** Polls in a row that found the store ahead without progress (a seq hole). */
  stalls: number;
  /** The store's lastSeq when the previous poll found it ahead of `observed` (null: it was not). */
  behind: number | null;
}

const BATCH = 500;
const MAX_STALLS = 3;

/**
 * The safety net behind the at-most-once bus: this instance periodically reads the lastSeq of
 * every conversation its clients follow (one batched query per tenant and 500 conversations)
 * and nudges followers of conversations where the store is ahead of what was delivered. So a
 * message stored by an instance that died before publishing still reaches connected clients
 * within two poll intervals, without them reconnecting or waiting for a later message.
 */
@DomainService()
export class ConversationWatch {
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly settings: CoreSettings,
  ) {}

  add(
    tenantId: TenantId,
    conversationId: ConversationId,
    follower: ConversationFollower,
    deliveredSeq: number,
  ): void {
    const key = `${tenantId}:${conversationId}`;
    let entry = this.watched.get(key);
    if (!entry) {
      entry = { tenantId, followers: new Set(), observed: deliveredSeq, stalls: 0, behind: null };
      this.watched.set(key, entry);
    }
    entry.followers.add(follower);
    entry.observed = Math.max(entry.observed, deliveredSeq);
    this.ensureTimer();
  }

  remove(tenantId: TenantId, conversationId: ConversationId, follower: ConversationFollower): void {
    const key = `${tenantId}:${conversationId}`;
    const entry = this.watched.get(key);
    if (!entry) return;
    entry.followers.delete(follower);
    if (entry.followers.size === 0) this.watched.delete(key);
    if (this.watched.size === 0) this.stop();
  }

  /** A follower delivered `seq` of this conversation. */
  observe(tenantId: TenantId, conversationId: ConversationId, seq: number): void {
    const entry = this.watched.get(`${tenantId}:${conversationId}`);
    if (entry && seq > entry.observed) {
      entry.observed = seq;
      entry.stalls = 0;
    }
  }

  /** One reconciliation pass (also called by tests). Returns how many conversations were nudged. */
  async poll(): Promise<number> {
    if (this.polling) return 0;
    this.polling = true;
    let nudged = 0;
    try {
      const byTenant = new Map<TenantId, string[]>();
      for (const [key, entry] of this.watched) {
        const ids = byTenant.get(entry.tenantId) ?? [];
        ids.push(key.slice(entry.tenantId.length + 1));
        byTenant.set(entry.tenantId, ids);
      }
      for (const [tenantId, ids] of byTenant) {
        for (let i = 0; i < ids.length; i += BATCH) {
          const found = await this.conversations.findByIds(tenantId, ids.slice(i, i + BATCH));
          for (const conversation of found) {
            const entry = this.watched.get(`${tenantId}:${conversation.id}`);
            if (!entry) continue;
            if (conversation.lastSeq <= entry.observed) {
              entry.behind = null;
              continue;
            }
            // The store is ahead. Under load that is mostly a live event still on its way, so
            // followers are nudged (a store read each) only when what the previous poll already
            // saw ahead has still not been delivered: within two intervals for a lost event.
            const previous = entry.behind;
            entry.behind = conversation.lastSeq;
            if (previous === null || entry.observed >= previous) continue;
            if (++entry.stalls > MAX_STALLS) {
              // Nothing arrives for these seqs: reserved by a writer that died (a hole). Skip them.
              entry.observed = conversation.lastSeq;
              entry.stalls = 0;
              continue;
            }
            nudged++;
            for (const follower of entry.followers) follower.nudge(conversation.id);
          }
        }
      }
    } finally {
      this.polling = false;
    }
    return nudged;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private ensureTimer(): void {
    if (this.timer || this.settings.reconcileIntervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.poll().catch(() => undefined); // the store may be briefly away; the next pass retries
    }, this.settings.reconcileIntervalMs);
    this.timer.unref();
  }
}
