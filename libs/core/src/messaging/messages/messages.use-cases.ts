import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, forbidden, invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId, newId } from '../../shared/ids';
import { CoreSettings } from '../../shared/settings';
import { checkText } from '../../shared/text';
import { UseCase } from '../../shared/use-case';
import { BlockRepository } from '../../identity/contact.repository';
import { ManageContacts } from '../../identity/contacts/contacts.use-cases';
import { UserRepository } from '../../identity/user.repository';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceRateLimit } from '../../limits/rate-limit';
import { enforceWriteLimit } from '../../limits/write-limit';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { UserActivity } from '../../events/user-activity.port';
import { Conversation, otherMemberOf } from '../conversation';
import { ConversationRepository } from '../conversation.repository';
import { ConversationAccess, Membership } from '../conversation-access';
import { ConversationModeration } from '../../moderation/conversation-moderation';
import { AuditTrail } from '../../moderation/audit-trail';
import { Message } from '../message';
import { MessageMutation, MessageRepository } from '../message.repository';
import { checkEmoji } from '../../shared/emoji';
import { ResolveMentions } from '../mentions/resolve-mentions';
import { MessageNotifier } from '../message-notifier.port';
import { announceSeenChanged, MessageRequests } from '../conversations/message-requests.use-cases';
import { AttachmentAccess } from '../../media/attachment-access.use-cases';
import { AttachmentLifecycle } from '../../media/attachment-lifecycle.use-cases';
import { TenantSafety } from '../../safety/tenant-safety';
import { canReadSeq, readablePeriods } from '../read-periods';
import { ThreadActivity } from '../threads/thread-activity';
import { PollRepository } from '../polls/poll.repository';

export const CLIENT_MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export const MAX_BODY_LENGTH = 4000;

/** Sending and changing messages. Every change is an ordered event of its conversation. */
@UseCase()
export class SendMessages {
  constructor(
    private readonly messages: MessageRepository,
    private readonly access: ConversationAccess,
    private readonly blocks: BlockRepository,
    private readonly contacts: ManageContacts,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly mentions: ResolveMentions,
    private readonly attachments: AttachmentAccess,
    private readonly lifecycle: AttachmentLifecycle,
    private readonly activity: UserActivity,
    private readonly notifier: MessageNotifier,
    private readonly moderation: ConversationModeration,
    private readonly audit: AuditTrail,
    private readonly safety: TenantSafety,
    private readonly threads: ThreadActivity,
    private readonly polls: PollRepository,
  ) {}

  /**
   * Idempotent on (sender, clientMessageId): a retry returns the first message. Attachments
   * (the sender's finalized uploads to this conversation) go with one message only; with at
   * least one, the body (a caption) may be empty. Sending is activity: an AWAY sender is ONLINE
   * again (best effort; presence never fails a send).
   */
  async send(
    actor: Actor,
    input: {
      conversationId: string;
      clientMessageId: string;
      body: string;
      replyToId?: string | null;
      attachmentIds?: readonly string[] | null;
      /** Sends the message as a reply in the thread under this root. */
      threadRootId?: string | null;
    },
    options: {
      /** A scheduled send fires without its sender present: it is no sign of activity. */
      scheduled?: boolean;
      forwarded?: boolean;
      /**
       * Runs once the message is stored (also on a retry), before anyone is told about it: what
       * a message carries besides its body (a poll) is in place when members first see it.
       */
      complete?: (message: Message, created: boolean) => Promise<void>;
    } = {},
  ): Promise<{ message: Message; created: boolean }> {
    const withAttachments = (input.attachmentIds?.length ?? 0) > 0;
    if (
      typeof input.clientMessageId !== 'string' ||
      !CLIENT_MESSAGE_ID.test(input.clientMessageId)
    ) {
      throw invalid(
        'clientMessageId',
        'clientMessageId must be 1–64 characters of A–Z, a–z, 0–9, _ . : -',
      );
    }
    const written = checkText('body', input.body, {
      min: withAttachments ? 0 : 1,
      max: MAX_BODY_LENGTH,
      multiline: true,
      keepVerbatim: true,
    });
    // The tenant's word filter: refuses (BLOCK) or masks (MASK) before anything is stored.
    const body = await this.safety.filter(actor.tenantId, 'body', written);
    const membership = await this.access.member(actor, input.conversationId);
    const { conversation } = membership;
    await this.checkNotBlocked(actor, conversation);
    let replyToId: string | null = null;
    if (input.replyToId !== undefined && input.replyToId !== null) {
      const replyTo = isWellFormedId(input.replyToId)
        ? await this.messages.findById(actor.tenantId, input.replyToId)
        : null;
      if (!replyTo || replyTo.conversationId !== conversation.id) {
        throw invalid('replyToId', 'a reply must quote a message of the same conversation');
      }
      replyToId = replyTo.id;
    }
    const root =
      input.threadRootId === undefined || input.threadRootId === null
        ? null
        : await this.threadRoot(actor, membership, input.threadRootId);
    await enforceRateLimit(
      this.limiter,
      `send:${actor.tenantId}:${actor.userId}`,
      this.settings.sendsPerUser,
      'messages',
    );
    // After the rate limit: resolving reads up to MAX_MENTIONS memberships.
    const mentions = await this.mentions.resolve(membership, body);
    const attachmentIds = await this.attachments.reserve(
      actor,
      conversation.id,
      input.attachmentIds,
      input.clientMessageId,
    );
    const now = this.clock.now();
    const ttl = conversation.disappearAfterSeconds;
    const result = await this.messages.append({
      id: newId(),
      tenantId: actor.tenantId,
      conversationId: conversation.id,
      senderId: actor.userId,
      clientMessageId: input.clientMessageId,
      body,
      replyToId,
      mentions,
      threadRootId: root?.id ?? null,
      forwarded: options.forwarded === true,
      createdAt: now,
      expiresAt: ttl ? new Date(now.getTime() + ttl * 1000) : null,
    });
    if (!result.created)
      checkTrueRetry(result.message, conversation.id, [body, written], replyToId, root?.id ?? null);
    await this.attachments.bind(actor, attachmentIds, input.clientMessageId, result.message.id);
    if (options.complete) await options.complete(result.message, result.created);
    if (result.created && result.event) {
      await this.publisher.logged(conversation, result.event, result.message);
      if (root) await this.threads.replied(conversation, root, result.message);
      // A message in a DM shares the sender's details with the recipient (a reply accepts a
      // message request); it never adds the sender to the recipient's contacts.
      const recipient = otherMemberOf(conversation, actor.userId);
      if (recipient && (await this.contacts.shareWith(actor.tenantId, actor.userId, recipient))) {
        await announceSeenChanged(this.publisher, conversation, [actor.userId, recipient]);
      }
      // Awaited: in a cluster the jobs are durable once queued, so a send that answered is never
      // lost to a crash before its notifications were planned.
      await this.notifier.messageAdded(conversation, result.message).catch(() => undefined);
    }
    if (!options.scheduled) void this.activity.active(actor).catch(() => undefined);
    return { message: result.message, created: result.created };
  }

  async edit(actor: Actor, id: string, body: string): Promise<Message> {
    const text = await this.safety.filter(
      actor.tenantId,
      'body',
      checkText('body', body, {
        min: 1,
        max: MAX_BODY_LENGTH,
        multiline: true,
        keepVerbatim: true,
      }),
    );
    const { message, membership } = await this.load(actor, id);
    if (message.senderId !== actor.userId) throw forbidden('only the sender can edit a message');
    if (message.deletedAt) throw invalid('id', 'a deleted message cannot be edited');
    if (message.call) throw invalid('id', 'a call record cannot be edited');
    if ((await this.polls.findByMessageIds(actor.tenantId, [message.id])).length > 0)
      throw invalid('id', 'a poll cannot be edited');
    await this.checkNotBlocked(actor, membership.conversation);
    await this.writeLimit(actor);
    const mentions = await this.mentions.resolve(membership, text);
    const mutation = await this.messages.edit(
      actor.tenantId,
      message.id,
      text,
      mentions,
      this.clock.now(),
    );
    const edited = await this.publish(membership.conversation, mutation, message);
    const added = mutation?.addedMentions;
    if (added && (added.all || added.userIds.length > 0))
      await this.notifier
        .mentionsAdded(membership.conversation, edited, {
          userIds: added.userIds,
          everyone: added.all,
        })
        .catch(() => undefined);
    return edited;
  }

  /**
   * The sender deletes their own message; members whose role allows it, and tenant owners and
   * admins in public channels (member or not), delete anyone's (permission `messages.delete.any`).
   */
  async delete(actor: Actor, id: string): Promise<Message> {
    const message = isWellFormedId(id) ? await this.messages.findById(actor.tenantId, id) : null;
    const visible = message ? await this.access.visible(actor, message.conversationId) : null;
    if (!message || !visible) throw notFound('message');
    const { conversation, member } = visible;
    const own = member !== null && message.senderId === actor.userId;
    if (!own && !(await this.moderation.can(actor, conversation, member, 'messages.delete.any'))) {
      // Not a member: a former one hears NOT_A_MEMBER, anyone else that there is no such message.
      if (!member) await this.load(actor, id);
      throw forbidden('only the sender or a moderator can delete a message');
    }
    if (message.deletedAt) return message;
    await this.writeLimit(actor);
    const mutation = await this.messages.tombstone(actor.tenantId, message.id, this.clock.now());
    if (mutation) await this.lifecycle.messageDeleted(actor.tenantId, message.id);
    const deleted = await this.publish(conversation, mutation, message);
    if (mutation) await this.threads.replyRemoved(conversation, message);
    if (mutation && message.senderId !== actor.userId)
      await this.audit.record({
        tenantId: actor.tenantId,
        actorId: actor.userId,
        action: 'MESSAGE_DELETED',
        targetUserId: message.senderId,
        conversationId: conversation.id,
        messageId: message.id,
      });
    return deleted;
  }

  async react(actor: Actor, messageId: string, emoji: string, add: boolean): Promise<Message> {
    const checked = checkEmoji(emoji);
    const { message, membership } = await this.load(actor, messageId);
    if (message.deletedAt) throw invalid('messageId', 'a deleted message cannot get reactions');
    await this.checkNotBlocked(actor, membership.conversation);
    await this.writeLimit(actor);
    const at = this.clock.now();
    const mutation = add
      ? await this.messages.addReaction(actor.tenantId, message.id, actor.userId, checked, at)
      : await this.messages.removeReaction(actor.tenantId, message.id, actor.userId, checked, at);
    return this.publish(membership.conversation, mutation, message);
  }

  private async load(
    actor: Actor,
    id: string,
  ): Promise<{ message: Message; membership: Membership }> {
    const message = isWellFormedId(id) ? await this.messages.findById(actor.tenantId, id) : null;
    if (!message) throw notFound('message');
    try {
      return { message, membership: await this.access.member(actor, message.conversationId) };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') throw notFound('message');
      throw error;
    }
  }

  /**
   * The root of a thread reply: a live message of the same conversation that the sender can read
   * and that is not itself a reply (threads are one level deep).
   */
  private async threadRoot(actor: Actor, membership: Membership, rootId: string): Promise<Message> {
    const root = isWellFormedId(rootId)
      ? await this.messages.findById(actor.tenantId, rootId)
      : null;
    if (
      !root ||
      root.conversationId !== membership.conversation.id ||
      !canReadSeq(readablePeriods(membership.member, null), root.seq)
    )
      throw new DomainError('NOT_FOUND', 'thread root not found', { field: 'threadRootId' });
    if (root.deletedAt)
      throw new DomainError('VALIDATION_FAILED', 'a deleted message cannot get a thread', {
        field: 'threadRootId',
        reason: 'THREAD_ROOT_DELETED',
      });
    if (root.threadRootId)
      throw new DomainError('VALIDATION_FAILED', 'a thread reply cannot have a thread of its own', {
        field: 'threadRootId',
        reason: 'THREAD_ROOT_IS_REPLY',
      });
    return root;
  }

  private async checkNotBlocked(actor: Actor, conversation: Conversation): Promise<void> {
    const other = otherMemberOf(conversation, actor.userId);
    if (other && (await this.blocks.isBlockedEitherWay(actor.tenantId, actor.userId, other))) {
      throw new DomainError('BLOCKED', 'you cannot message this user');
    }
  }

  private async writeLimit(actor: Actor): Promise<void> {
    await enforceWriteLimit(this.limiter, this.settings, actor);
  }

  private async publish(
    conversation: Conversation,
    mutation: MessageMutation | null,
    unchanged: Message,
  ): Promise<Message> {
    if (!mutation) return unchanged;
    await this.publisher.logged(conversation, mutation.event, mutation.message);
    return mutation.message;
  }
}

/** Read pointers, delivery acknowledgements and typing. */
@UseCase()
export class Receipts {
  private readonly typingSent = new Map<string, number>();

  constructor(
    private readonly conversations: ConversationRepository,
    private readonly access: ConversationAccess,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly users: UserRepository,
    private readonly requests: MessageRequests,
  ) {}

  async markRead(actor: Actor, conversationId: string, seq: number): Promise<Conversation> {
    checkSeq(seq);
    const { conversation, member } = await this.access.member(actor, conversationId);
    const updated = await this.conversations.advanceRead(
      actor.tenantId,
      conversation.id,
      actor.userId,
      seq,
    );
    if (updated && updated.readSeq > member.readSeq) {
      await Promise.all([
        this.publisher.toConversation({
          type: 'READ_RECEIPT',
          tenantId: actor.tenantId,
          conversationId: conversation.id,
          userId: actor.userId,
          seq: updated.readSeq,
        }),
        this.publisher.toUser(actor.userId, {
          type: 'MEMBER_SETTINGS_CHANGED',
          tenantId: actor.tenantId,
          conversationId: conversation.id,
          userId: actor.userId,
          conversation,
        }),
      ]);
    }
    return conversation;
  }

  /**
   * Moves my delivered pointer to `seq` (never back). A seq past the end of the conversation's
   * log is refused (`reason: 'SEQ_PAST_END'`). When the pointer moved, the members of a direct
   * chat or group are told (DELIVERY_RECEIPT), so senders see their messages delivered. While a
   * direct chat is a message request to me, nothing moves: a stranger learns from ticks neither
   * that my device is online nor that I got it (as with my CONTACTS-only presence).
   */
  async markDelivered(actor: Actor, conversationId: string, seq: number): Promise<boolean> {
    checkSeq(seq);
    await enforceRateLimit(
      this.limiter,
      `delivered:${actor.tenantId}:${actor.userId}`,
      this.settings.deliveredPerUser,
      'delivery receipts',
    );
    const { conversation, member } = await this.access.member(actor, conversationId);
    if (seq > conversation.lastSeq) {
      throw new DomainError('VALIDATION_FAILED', 'seq is past the end of the conversation', {
        field: 'seq',
        reason: 'SEQ_PAST_END',
        lastSeq: conversation.lastSeq,
      });
    }
    if (
      conversation.kind === 'DIRECT' &&
      (await this.requests.isRequest(conversation, actor.userId))
    )
      return true;
    const updated = await this.conversations.advanceDelivered(
      actor.tenantId,
      conversation.id,
      actor.userId,
      seq,
    );
    if (updated && updated.deliveredSeq > member.deliveredSeq && conversation.kind !== 'CHANNEL') {
      await this.publisher.toConversation({
        type: 'DELIVERY_RECEIPT',
        tenantId: actor.tenantId,
        conversationId: conversation.id,
        userId: actor.userId,
        seq: updated.deliveredSeq,
      });
    }
    return true;
  }

  /** Typing is throttled: a repeated `true` is forwarded at most every half TTL. */
  async setTyping(actor: Actor, conversationId: string, typing: boolean): Promise<boolean> {
    if (typeof typing !== 'boolean') throw invalid('typing', 'typing must be a boolean');
    const { conversation } = await this.access.member(actor, conversationId);
    const key = `${actor.tenantId}:${conversation.id}:${actor.userId}`;
    const now = this.clock.now().getTime();
    const last = this.typingSent.get(key);
    if (typing && last !== undefined && now - last < this.settings.typingTtlMs / 2) return true;
    if (!typing && last === undefined) return true;
    await enforceRateLimit(
      this.limiter,
      `typing:${actor.tenantId}:${actor.userId}`,
      { limit: 30, windowMs: 10_000 },
      'typing updates',
    );
    if (typing) {
      if (this.typingSent.size > 100_000) this.typingSent.clear();
      this.typingSent.set(key, now);
    } else {
      this.typingSent.delete(key);
    }
    // The event carries the typist as of now, so rendering it reads nothing.
    const user = await this.users.findById(actor.tenantId, actor.userId);
    if (!user) return true;
    await this.publisher.toConversation({
      type: 'TYPING',
      tenantId: actor.tenantId,
      conversationId: conversation.id,
      userId: actor.userId,
      typing,
      user,
    });
    return true;
  }
}

/**
 * A clientMessageId names one message: reusing it for another conversation, another body or
 * another reply is a CONFLICT, never a silent answer with the first message. A message edited
 * or deleted since keeps answering retries (its original body is no longer known).
 */
function checkTrueRetry(
  existing: Message,
  conversationId: string,
  /** The body as stored now, and as written (a retry after the word filter changed). */
  bodies: readonly string[],
  replyToId: string | null,
  threadRootId: string | null,
): void {
  const unchanged = existing.editedAt === null && existing.deletedAt === null;
  if (
    existing.conversationId !== conversationId ||
    (existing.threadRootId ?? null) !== threadRootId ||
    (unchanged && (!bodies.some((b) => b === existing.body) || existing.replyToId !== replyToId))
  ) {
    throw new DomainError(
      'CONFLICT',
      'this clientMessageId was already used for a different message; use a new one',
      { field: 'clientMessageId', reason: 'CLIENT_MESSAGE_ID_REUSED' },
    );
  }
}

function checkSeq(seq: number): void {
  if (!Number.isInteger(seq) || seq < 0) throw invalid('seq', 'seq must be a non-negative integer');
}
