import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, forbidden, invalid, notFound } from '../../shared/domain-error';
import { isWellFormedId } from '../../shared/ids';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { BlockRepository } from '../../identity/contact.repository';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceWriteLimit } from '../../limits/write-limit';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { Conversation, otherMemberOf } from '../conversation';
import { ConversationAccess, Membership } from '../conversation-access';
import { Message } from '../message';
import { MessageRepository } from '../message.repository';
import { SendMessages } from '../messages/messages.use-cases';
import { Poll, POLL_VOTERS_PAGE, PollView, pollView } from './poll';
import { checkBallot, checkPollInput, PollInput } from './poll-input';
import { PollChange, PollRepository } from './poll.repository';

export interface SendPollInput extends PollInput {
  conversationId: string;
  clientMessageId: string;
}

/**
 * Polls: a message whose body is the question, with options members vote on. Every vote, change,
 * retraction and close is a MESSAGE_UPDATED entry of the conversation's log (as reactions are),
 * so live streams and resuming clients see the new results.
 */
@UseCase()
export class Polls {
  constructor(
    private readonly polls: PollRepository,
    private readonly messages: MessageRepository,
    private readonly send: SendMessages,
    private readonly access: ConversationAccess,
    private readonly blocks: BlockRepository,
    private readonly publisher: RealtimePublisher,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /**
   * Sends a poll message. Idempotent on (sender, clientMessageId) like any message: a retry
   * returns the first poll; reusing the key for something else is a CONFLICT.
   */
  async create(actor: Actor, input: SendPollInput): Promise<Message> {
    const checked = checkPollInput(input);
    const { message } = await this.send.send(
      actor,
      {
        conversationId: input.conversationId,
        clientMessageId: input.clientMessageId,
        body: checked.question,
      },
      {
        // Also on a retry (the send checked it is the same message): a retry that races the
        // first request, or follows one that stopped between the message and its poll, stores
        // the poll; `create` keeps whichever came first, and a different poll is a reused key.
        complete: async (stored) => {
          const [existing] = await this.polls.findByMessageIds(actor.tenantId, [stored.id]);
          if (existing) {
            if (!samePoll(existing, checked)) throw reused();
            return;
          }
          const kept = await this.polls.create({
            tenantId: actor.tenantId,
            messageId: stored.id,
            conversationId: stored.conversationId,
            creatorId: actor.userId,
            question: checked.question,
            options: checked.options,
            multipleChoice: checked.multipleChoice,
            anonymous: checked.anonymous,
            createdAt: stored.createdAt,
            closedAt: null,
          });
          if (!samePoll(kept, checked)) throw reused();
        },
      },
    );
    return message;
  }

  /** Replaces my votes on the poll; an empty list retracts them. */
  async vote(actor: Actor, messageId: string, optionIds: readonly string[]): Promise<Message> {
    const { message, membership, poll } = await this.load(actor, messageId);
    const ballot = checkBallot(optionIds, poll.options, poll.multipleChoice);
    if (poll.closedAt) throw closed();
    await this.checkNotBlocked(actor, membership.conversation);
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const change = await this.polls.vote(
      actor.tenantId,
      message.id,
      actor.userId,
      ballot,
      this.clock.now(),
    );
    if (change.kind === 'CLOSED') throw closed();
    return this.publish(membership.conversation, change, message);
  }

  /** Closes the poll: its creator, or an owner or admin of the conversation. */
  async close(actor: Actor, messageId: string): Promise<Message> {
    const { message, membership, poll } = await this.load(actor, messageId);
    const role = membership.member.role;
    if (poll.creatorId !== actor.userId && role !== 'OWNER' && role !== 'ADMIN')
      throw forbidden('only the poll creator or a conversation admin can close a poll');
    if (poll.closedAt) return message;
    await enforceWriteLimit(this.limiter, this.settings, actor);
    const change = await this.polls.close(actor.tenantId, message.id, this.clock.now());
    return this.publish(membership.conversation, change, message);
  }

  /**
   * The polls of these messages as the actor sees them (see {@link pollView}), one batched read;
   * a message that is not a poll has none. For messages the actor can already see.
   */
  async views(actor: Actor, messageIds: readonly string[]): Promise<PollView[]> {
    const [polls, results] = await Promise.all([
      this.polls.findByMessageIds(actor.tenantId, messageIds),
      this.polls.results(actor.tenantId, messageIds, actor.userId, POLL_VOTERS_PAGE),
    ]);
    const byId = new Map(results.map((r) => [r.messageId, r]));
    return polls.flatMap((poll) => {
      const found = byId.get(poll.messageId);
      return found ? [pollView(poll, found)] : [];
    });
  }

  private async load(
    actor: Actor,
    id: string,
  ): Promise<{ message: Message; membership: Membership; poll: Poll }> {
    if (typeof id !== 'string' || !isWellFormedId(id)) throw notFound('message');
    const message = await this.messages.findById(actor.tenantId, id);
    if (!message) throw notFound('message');
    let membership: Membership;
    try {
      membership = await this.access.member(actor, message.conversationId);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') throw notFound('message');
      throw error;
    }
    const [poll] = await this.polls.findByMessageIds(actor.tenantId, [message.id]);
    if (!poll) throw invalid('messageId', 'this message is not a poll');
    if (message.deletedAt) throw invalid('messageId', 'this poll was deleted');
    return { message, membership, poll };
  }

  private async checkNotBlocked(actor: Actor, conversation: Conversation): Promise<void> {
    const other = otherMemberOf(conversation, actor.userId);
    if (other && (await this.blocks.isBlockedEitherWay(actor.tenantId, actor.userId, other))) {
      throw new DomainError('BLOCKED', 'you cannot message this user');
    }
  }

  private async publish(
    conversation: Conversation,
    change: PollChange,
    unchanged: Message,
  ): Promise<Message> {
    if (change.kind === 'ABSENT') throw notFound('message');
    if (change.kind !== 'CHANGED') return unchanged;
    const message =
      (await this.messages.findById(conversation.tenantId, unchanged.id)) ?? unchanged;
    await this.publisher.logged(conversation, change.event, message);
    return message;
  }
}

const closed = () => new DomainError('POLL_CLOSED', 'this poll is closed', { field: 'messageId' });

const reused = () =>
  new DomainError(
    'CONFLICT',
    'this clientMessageId was already used for a different message; use a new one',
    { field: 'clientMessageId', reason: 'CLIENT_MESSAGE_ID_REUSED' },
  );

const samePoll = (
  poll: Poll,
  checked: {
    question: string;
    options: { text: string }[];
    multipleChoice: boolean;
    anonymous: boolean;
  },
): boolean =>
  poll.question === checked.question &&
  poll.multipleChoice === checked.multipleChoice &&
  poll.anonymous === checked.anonymous &&
  poll.options.length === checked.options.length &&
  poll.options.every((o, i) => o.text === checked.options[i]!.text);
