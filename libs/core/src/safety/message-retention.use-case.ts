import { Clock } from '../shared/clock';
import { ConversationId, TenantId } from '../shared/ids';
import { UseCase } from '../shared/use-case';
import { RealtimePublisher } from '../events/realtime-publisher';
import { Conversation } from '../messaging/conversation';
import { ConversationRepository } from '../messaging/conversation.repository';
import { MessageRepository } from '../messaging/message.repository';
import { AttachmentLifecycle } from '../media/attachment-lifecycle.use-cases';
import { AuditTrail } from '../moderation/audit-trail';
import { SafetySettingsRepository } from './safety-settings.repository';

const DAY_MS = 86_400_000;

/**
 * Message retention: deletes the messages older than their tenant's `messageRetentionDays`. Each
 * is tombstoned as any deletion is (body gone, a MESSAGE_UPDATED entry with the conversation's
 * next seq, so live clients see it and a client that resumes from its cursor replays it), and
 * its attachments follow the deleted-message path (files deleted after the grace period).
 * Idempotent (a deleted message is never listed again) and capped per run.
 */
@UseCase()
export class MessageRetention {
  constructor(
    private readonly settings: SafetySettingsRepository,
    private readonly messages: MessageRepository,
    private readonly conversations: ConversationRepository,
    private readonly lifecycle: AttachmentLifecycle,
    private readonly publisher: RealtimePublisher,
    private readonly audit: AuditTrail,
    private readonly clock: Clock,
  ) {}

  /** Deletes up to `limit` expired messages over all tenants; returns how many. */
  async sweep(limit = 500): Promise<number> {
    let removed = 0;
    for (const { tenantId, days } of await this.settings.withRetention()) {
      if (removed >= limit) break;
      const n = await this.sweepTenant(tenantId, days, limit - removed);
      removed += n;
    }
    return removed;
  }

  private async sweepTenant(tenantId: TenantId, days: number, limit: number): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - days * DAY_MS);
    const ids = await this.messages.listLiveIdsCreatedBefore(tenantId, cutoff, limit);
    const conversations = new Map<ConversationId, Conversation | null>();
    let removed = 0;
    for (const id of ids) {
      const mutation = await this.messages.tombstone(tenantId, id, this.clock.now());
      if (!mutation) continue; // deleted meanwhile
      removed++;
      await this.lifecycle.messageDeleted(tenantId, id);
      const conversationId = mutation.message.conversationId;
      if (!conversations.has(conversationId))
        conversations.set(
          conversationId,
          await this.conversations.findById(tenantId, conversationId),
        );
      const conversation = conversations.get(conversationId);
      if (conversation) await this.publisher.logged(conversation, mutation.event, mutation.message);
    }
    if (removed > 0)
      await this.audit.record({
        tenantId,
        actorId: null,
        action: 'MESSAGES_EXPIRED',
        details: { count: removed, retentionDays: days, before: cutoff.toISOString() },
      });
    return removed;
  }
}
