import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, invalid } from '../../shared/domain-error';
import { UserId } from '../../shared/ids';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { BlockRepository, ContactRepository } from '../../identity/contact.repository';
import { ManageBlocks } from '../../identity/contacts/contacts.use-cases';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceWriteLimit } from '../../limits/write-limit';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { Conversation, otherMemberOf } from '../conversation';
import { ConversationRepository } from '../conversation.repository';
import { ConversationAccess } from '../conversation-access';

/**
 * Message requests. A direct conversation someone else opened is a request for you until you
 * consent to that person: by replying, by `accept`, or by adding them to your contacts. Consent
 * is having them in your contacts; it is what lets them see your phone number and your
 * CONTACTS-only presence (see UserViewPolicy). Declining archives the request and may block.
 */
@UseCase()
export class MessageRequests {
  constructor(
    private readonly access: ConversationAccess,
    private readonly conversations: ConversationRepository,
    private readonly contacts: ContactRepository,
    private readonly blocks: BlockRepository,
    private readonly manageBlocks: ManageBlocks,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** Whether `conversation` is, for `userId`, a request still awaiting their consent. */
  async isRequest(conversation: Conversation, userId: UserId): Promise<boolean> {
    const other = otherMemberOf(conversation, userId);
    if (!other || conversation.createdBy === userId) return false;
    return !(await this.contacts.isContact(conversation.tenantId, userId, other));
  }

  /** Consents to the other member of a direct conversation (idempotent). */
  async accept(actor: Actor, conversationId: string): Promise<Conversation> {
    const { conversation, other } = await this.direct(actor, conversationId);
    if (await this.blocks.isBlockedEitherWay(actor.tenantId, actor.userId, other)) {
      throw new DomainError('BLOCKED', 'unblock this user first');
    }
    await this.writeLimit(actor);
    if (await this.contacts.add(actor.tenantId, actor.userId, other, this.clock.now())) {
      await announceSeenChanged(this.publisher, conversation, [actor.userId, other]);
    }
    return conversation;
  }

  /**
   * Declines a pending request: it is archived for the caller (the sender is not told, and
   * learns nothing of the caller), and with `block` the sender is blocked as by blockUser.
   */
  async decline(actor: Actor, conversationId: string, block: boolean): Promise<Conversation> {
    if (typeof block !== 'boolean') throw invalid('block', 'block must be a boolean');
    const { conversation, other } = await this.direct(actor, conversationId);
    if (!(await this.isRequest(conversation, actor.userId))) {
      throw invalid('conversationId', 'this conversation is not a message request');
    }
    await this.writeLimit(actor);
    await this.conversations.updateMemberSettings(actor.tenantId, conversation.id, actor.userId, {
      archived: true,
    });
    await announceSeenChanged(this.publisher, conversation, [actor.userId]);
    if (block) await this.manageBlocks.block(actor, other);
    return conversation;
  }

  private async direct(
    actor: Actor,
    conversationId: string,
  ): Promise<{ conversation: Conversation; other: UserId }> {
    const { conversation } = await this.access.member(actor, conversationId);
    const other = otherMemberOf(conversation, actor.userId);
    if (!other) throw invalid('conversationId', 'only direct conversations have message requests');
    return { conversation, other };
  }

  private async writeLimit(actor: Actor): Promise<void> {
    await enforceWriteLimit(this.limiter, this.settings, actor);
  }
}

/** Tells these members' clients that the conversation, as they see it, changed. */
export async function announceSeenChanged(
  publisher: RealtimePublisher,
  conversation: Conversation,
  userIds: UserId[],
): Promise<void> {
  await Promise.all(
    userIds.map((userId) =>
      publisher.toUser(userId, {
        type: 'MEMBER_SETTINGS_CHANGED',
        tenantId: conversation.tenantId,
        conversationId: conversation.id,
        userId,
        conversation,
      }),
    ),
  );
}
