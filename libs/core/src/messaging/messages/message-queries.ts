import { parseSearchQuery } from '../search/search-query';
import { SearchSnippet, searchSnippet } from '../search/search-snippet';
import { enforceExpensiveReadLimit } from '../../limits/expensive-reads';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { Actor } from '../../shared/actor';
import { invalid } from '../../shared/domain-error';
import { MessageId } from '../../shared/ids';
import {
  DEFAULT_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  MAX_PAGE_SIZE,
  pageSize,
} from '../../shared/page';
import { CoreSettings } from '../../shared/settings';
import { checkText } from '../../shared/text';
import { UseCase } from '../../shared/use-case';
import { Conversation, Member } from '../conversation';
import { ConversationRepository } from '../conversation.repository';
import { ConversationAccess } from '../conversation-access';
import { isExpired, Message, ReactionSummary } from '../message';
import { Clock } from '../../shared/clock';
import { MessageRepository } from '../message.repository';

export interface HistoryArgs {
  first?: number | null;
  after?: number | null;
  last?: number | null;
  before?: number | null;
}

export interface HistoryPage {
  /** Oldest first. */
  messages: Message[];
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

/** History by seq, search, and the per-viewer facts of messages and conversations. */
@UseCase()
export class MessageQueries {
  constructor(
    private readonly messages: MessageRepository,
    private readonly conversations: ConversationRepository,
    private readonly access: ConversationAccess,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** `first/after` pages forward from a seq; `last/before` backward; neither = the latest page. */
  async history(actor: Actor, conversationId: string, args: HistoryArgs): Promise<HistoryPage> {
    for (const key of ['first', 'after', 'last', 'before'] as const) {
      const v = args[key];
      if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0)) {
        throw invalid(key, `${key} must be a non-negative integer`);
      }
    }
    if ((args.first ?? null) !== null && (args.last ?? null) !== null)
      throw invalid('first', 'use either first or last');
    // A former member reads what they could read while a member (docs/history-visibility.md).
    const { conversation, periods } = await this.access.reader(actor, conversationId);
    const forward =
      (args.first ?? null) !== null ||
      ((args.after ?? null) !== null && (args.last ?? null) === null);
    const limit = pageSize(forward ? args.first : (args.last ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
    // History visibility: only seqs within the reader's periods (nothing before their history
    // start, nothing from while they were out). Messages never sit at a period's start (that seq
    // is the ADDED entry), so the start works as an exclusive bound.
    const start = periods[0]?.fromSeq ?? 0;
    const lastOpen = periods[periods.length - 1];
    const end = lastOpen?.toSeq ?? conversation.lastSeq;
    const after = Math.max(args.after ?? 0, start);
    const rows: Message[] = [];
    for (const period of forward ? periods : [...periods].reverse()) {
      if (rows.length > limit) break;
      const low = Math.max(args.after ?? 0, period.fromSeq);
      const high = Math.min(
        args.before ?? Number.MAX_SAFE_INTEGER,
        period.toSeq === null ? Number.MAX_SAFE_INTEGER : period.toSeq + 1,
      );
      if (high - low <= 1) continue;
      rows.push(
        ...(await this.messages.listBySeq(actor.tenantId, conversation.id, {
          afterSeq: low > 0 ? low : undefined,
          beforeSeq: high === Number.MAX_SAFE_INTEGER ? undefined : high,
          limit: limit + 1 - rows.length,
          direction: forward ? 'forward' : 'backward',
          // Thread replies live in their thread; the root shows their summary.
          threadRootId: null,
        })),
      );
    }
    const more = rows.length > limit;
    // Disappeared messages are left out at once, before the sweeper deletes them.
    const now = this.clock.now();
    const page = rows.slice(0, limit).filter((m) => !isExpired(m, now));
    if (!forward) page.reverse();
    const last = page[page.length - 1]?.seq ?? 0;
    return {
      messages: page,
      hasPreviousPage: forward ? after > start : more,
      hasNextPage: forward ? more : args.before !== undefined && args.before !== null && last < end,
    };
  }

  /**
   * A former member's list preview: the latest message within their periods; null for anyone
   * else who is not a member.
   */
  /**
   * The conversation's latest message as the actor's chat list shows it. A member sees it unless
   * it predates their visible history (history visibility); a former member of a group or direct
   * chat sees the latest message they may still read; a former member of a channel sees none.
   * `member` is the actor's membership (null: not a member), `load` a (batched) message read.
   */
  async lastMessageFor(
    actor: Actor,
    conversation: Conversation,
    member: Pick<Member, 'historyFromSeq'> | null,
    load: (id: MessageId) => Promise<Message | null>,
  ): Promise<Message | null> {
    if (!conversation.lastMessageId) return null;
    if (!member)
      return conversation.kind === 'CHANNEL' ? null : this.formerPreview(actor, conversation);
    const message = await load(conversation.lastMessageId);
    return message && message.seq > member.historyFromSeq ? message : null;
  }

  async formerPreview(actor: Actor, conversation: Conversation): Promise<Message | null> {
    const former = await this.conversations.getFormerMember(
      actor.tenantId,
      conversation.id,
      actor.userId,
    );
    if (!former) return null;
    const page = await this.history(actor, conversation.id, { last: 1 });
    return page.messages[0] ?? null;
  }

  async search(
    actor: Actor,
    query: string,
    conversationId: string | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{
    messages: Message[];
    cursors: string[];
    hasNextPage: boolean;
    snippets: SearchSnippet[];
  }> {
    const text = checkText('query', query, { min: 1, max: 200 });
    const limit = pageSize(first, 50);
    const offset = after ? Number(decodeCursor(after, 1)[0]) : 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > 10_000)
      throw invalid('after', 'malformed cursor');
    if (conversationId !== null && conversationId !== undefined)
      await this.access.member(actor, conversationId);
    // Full-text search is the costliest read: each one that runs (each alias) counts.
    await enforceExpensiveReadLimit(this.limiter, this.settings, actor);
    const hits = await this.messages.search(
      actor.tenantId,
      actor.userId,
      text,
      conversationId ?? null,
      offset,
      limit + 1,
    );
    const now = this.clock.now();
    const page = hits
      .slice(0, limit)
      .map((h) => h.message)
      .filter((m) => !isExpired(m, now));
    const terms = parseSearchQuery(text);
    return {
      snippets: page.map((m) => searchSnippet(m.body ?? '', terms)),
      messages: page,
      cursors: page.map((_, i) => encodeCursor([offset + i + 1])),
      hasNextPage: hits.length > limit,
    };
  }

  /** Summaries for many messages at once, as the viewer sees them. */
  async reactions(
    actor: Actor,
    messageIds: readonly MessageId[],
  ): Promise<Map<MessageId, ReactionSummary[]>> {
    const all = await this.messages.reactions(actor.tenantId, messageIds, actor.userId);
    const grouped = new Map<MessageId, ReactionSummary[]>();
    for (const id of messageIds) grouped.set(id, []);
    for (const r of all) grouped.get(r.messageId)?.push(r);
    return grouped;
  }

  readBy(actor: Actor, message: Message): Promise<number> {
    return this.conversations.countReaders(
      actor.tenantId,
      message.conversationId,
      message.seq,
      message.senderId,
    );
  }

  deliveredTo(actor: Actor, message: Message): Promise<number> {
    return this.conversations.countDelivered(
      actor.tenantId,
      message.conversationId,
      message.seq,
      message.senderId,
    );
  }

  unreadCount(actor: Actor, conversation: Conversation, member: Member | null): Promise<number> {
    if (!member) return Promise.resolve(0);
    return this.messages.countUnread(
      actor.tenantId,
      conversation.id,
      actor.userId,
      Math.max(member.readSeq, member.historyFromSeq),
    );
  }

  /** Unread messages that mention the viewer (by id or `@all`); 0 for non-members. */
  unreadMentionCount(
    actor: Actor,
    conversation: Conversation,
    member: Member | null,
  ): Promise<number> {
    if (!member) return Promise.resolve(0);
    return this.messages.countUnreadMentions(
      actor.tenantId,
      conversation.id,
      actor.userId,
      Math.max(member.readSeq, member.historyFromSeq),
    );
  }

  async byIds(actor: Actor, ids: readonly MessageId[]): Promise<Message[]> {
    const now = this.clock.now();
    return (await this.messages.findByIds(actor.tenantId, ids)).filter((m) => !isExpired(m, now));
  }
}
