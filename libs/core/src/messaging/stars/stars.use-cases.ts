import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError } from '../../shared/domain-error';
import { MessageId } from '../../shared/ids';
import { decodeKeyset, encodeCursor, pageSize } from '../../shared/page';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceWriteLimit } from '../../limits/write-limit';
import { ConversationAccess } from '../conversation-access';
import { Message } from '../message';
import { MessageRepository } from '../message.repository';
import { canReadSeq } from '../read-periods';
import { ReadableMessages } from '../messages/readable-message';
import { StarRepository } from './star.repository';

/** Most starred messages one page holds. */
export const MAX_STARRED_PAGE = 50;

/** Starred messages: private to each user, listed across conversations they can still read. */
@UseCase()
export class StarMessages {
  constructor(
    private readonly stars: StarRepository,
    private readonly messages: MessageRepository,
    private readonly readable: ReadableMessages,
    private readonly access: ConversationAccess,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  async setStarred(actor: Actor, messageId: string, starred: boolean): Promise<Message> {
    const { message } = await this.readable.load(actor, messageId);
    if (starred && message.deletedAt)
      throw new DomainError('VALIDATION_FAILED', 'a deleted message cannot be starred', {
        field: 'messageId',
        reason: 'MESSAGE_DELETED',
      });
    await enforceWriteLimit(this.limiter, this.settings, actor);
    if (starred)
      await this.stars.star({
        tenantId: actor.tenantId,
        userId: actor.userId,
        messageId: message.id,
        conversationId: message.conversationId,
        starredAt: this.clock.now(),
      });
    else await this.stars.unstar(actor.tenantId, actor.userId, message.id);
    return message;
  }

  /** Which of the messages the viewer starred. */
  starredAmong(actor: Actor, ids: readonly MessageId[]): Promise<Set<MessageId>> {
    return this.stars.starredAmong(actor.tenantId, actor.userId, ids);
  }

  /**
   * My starred messages, newest star first: only live messages I can still read (a star on a
   * message of a conversation I can no longer read stays, hidden, until I can again).
   */
  async list(
    actor: Actor,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ messages: Message[]; cursors: string[]; hasNextPage: boolean }> {
    const limit = pageSize(first, MAX_STARRED_PAGE);
    let cursor = after ? keysetOf(after) : null;
    const messages: Message[] = [];
    const cursors: string[] = [];
    const periods = new Map<string, Awaited<ReturnType<ConversationAccess['reader']>> | null>();
    let more = false;
    for (let round = 0; round < 5; round++) {
      const batch = await this.stars.list(actor.tenantId, actor.userId, cursor, limit + 1);
      const found = await this.messages.findByIds(
        actor.tenantId,
        batch.map((s) => s.messageId),
      );
      const byId = new Map(found.map((m) => [m.id, m]));
      for (const star of batch) {
        cursor = { starredAt: star.starredAt, messageId: star.messageId };
        const message = byId.get(star.messageId);
        if (!message || message.deletedAt) continue;
        if (!periods.has(message.conversationId))
          periods.set(
            message.conversationId,
            await this.access.reader(actor, message.conversationId).catch((error: unknown) => {
              if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
              throw error;
            }),
          );
        const readership = periods.get(message.conversationId);
        if (!readership || !canReadSeq(readership.periods, message.seq)) continue;
        if (messages.length === limit) {
          more = true;
          break;
        }
        messages.push(message);
        cursors.push(encodeCursor([star.starredAt.getTime(), star.messageId]));
      }
      if (more || batch.length < limit + 1) break;
    }
    return { messages, cursors, hasNextPage: more };
  }
}

const keysetOf = (after: string) => {
  const [ms, messageId] = decodeKeyset(after, ['number', 'string'] as const);
  return { starredAt: new Date(ms), messageId };
};
