import { Actor } from '../../shared/actor';
import { Clock } from '../../shared/clock';
import { DomainError, invalid } from '../../shared/domain-error';
import { MessageId } from '../../shared/ids';
import { decodeKeyset, encodeCursor, pageSize } from '../../shared/page';
import { CoreSettings } from '../../shared/settings';
import { UseCase } from '../../shared/use-case';
import { RealtimePublisher } from '../../events/realtime-publisher';
import { RateLimiter } from '../../limits/rate-limiter.port';
import { enforceWriteLimit } from '../../limits/write-limit';
import { ConversationAccess } from '../conversation-access';
import { Message } from '../message';
import { MessageRepository, ThreadSummaryRow } from '../message.repository';
import { canReadSeq } from '../read-periods';
import { ReadableMessages } from '../messages/readable-message';
import { ThreadFollowRepository } from './thread-follow.repository';

/** Most replies one page of a thread holds. */
export const MAX_THREAD_PAGE = 100;
/** Most followed threads one page holds. */
export const MAX_FOLLOWED_THREADS_PAGE = 50;

export interface ThreadRepliesArgs {
  first?: number | null;
  after?: number | null;
  last?: number | null;
  before?: number | null;
}

export interface ThreadRepliesPage {
  root: Message;
  /** Oldest first. */
  replies: Message[];
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

/** The viewer's state in a thread. */
export interface ThreadViewerState {
  following: boolean;
  /** Replies by others after the viewer's read pointer; 0 unless following. */
  unreadCount: number;
  readSeq: number;
}

const NOT_FOLLOWING: ThreadViewerState = { following: false, unreadCount: 0, readSeq: 0 };

/** Reading threads: replies by seq, summaries, the viewer's follow and unread state. */
@UseCase()
export class ThreadQueries {
  constructor(
    private readonly messages: MessageRepository,
    private readonly follows: ThreadFollowRepository,
    private readonly readable: ReadableMessages,
    private readonly access: ConversationAccess,
  ) {}

  /**
   * Replies under a root the viewer can read, by seq: `first/after` forward (the default, from the
   * first reply), `last/before` backward. Replies outside the viewer's periods are left out.
   */
  async replies(actor: Actor, rootId: string, args: ThreadRepliesArgs): Promise<ThreadRepliesPage> {
    for (const key of ['first', 'after', 'last', 'before'] as const) {
      const v = args[key];
      if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0))
        throw invalid(key, `${key} must be a non-negative integer`);
    }
    if ((args.first ?? null) !== null && (args.last ?? null) !== null)
      throw invalid('first', 'use either first or last');
    const { message: root, readership } = await this.readable.load(actor, rootId);
    const backward = (args.last ?? null) !== null || (args.before ?? null) !== null;
    const limit = pageSize(backward ? args.last : args.first, MAX_THREAD_PAGE);
    const rows: Message[] = [];
    let afterSeq = args.after ?? root.seq;
    let beforeSeq = args.before ?? undefined;
    let exhausted = false;
    // Replies the viewer may not read (outside their periods) are skipped; a few rounds at most.
    for (let round = 0; round < 5 && rows.length <= limit && !exhausted; round++) {
      const batch = await this.messages.listBySeq(actor.tenantId, root.conversationId, {
        afterSeq,
        beforeSeq,
        limit: limit + 1,
        direction: backward ? 'backward' : 'forward',
        threadRootId: root.id,
      });
      exhausted = batch.length < limit + 1;
      for (const m of batch) if (canReadSeq(readership.periods, m.seq)) rows.push(m);
      const edge = batch[batch.length - 1];
      if (!edge) break;
      if (backward) beforeSeq = edge.seq;
      else afterSeq = edge.seq;
    }
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    if (backward) page.reverse();
    return {
      root,
      replies: page,
      hasPreviousPage: backward ? more : (args.after ?? root.seq) > root.seq,
      hasNextPage: backward ? (args.before ?? null) !== null : more,
    };
  }

  /** Summaries for many roots at once (the caller has already read the roots). */
  async summaries(
    actor: Actor,
    rootIds: readonly MessageId[],
  ): Promise<Map<MessageId, ThreadSummaryRow>> {
    const rows = await this.messages.threadSummaries(actor.tenantId, rootIds);
    return new Map(rows.map((r) => [r.rootId, r]));
  }

  /** The viewer's follow and unread state for many roots at once. */
  async viewerStates(
    actor: Actor,
    rootIds: readonly MessageId[],
  ): Promise<Map<MessageId, ThreadViewerState>> {
    const states = await this.follows.findMany(actor.tenantId, actor.userId, rootIds);
    const byRoot = new Map<MessageId, ThreadViewerState>();
    for (const id of rootIds) byRoot.set(id, NOT_FOLLOWING);
    await Promise.all(
      states.map(async (s) => {
        byRoot.set(s.rootId, {
          following: s.following,
          readSeq: s.readSeq,
          unreadCount: s.following
            ? await this.messages.countThreadUnread(
                actor.tenantId,
                s.rootId,
                actor.userId,
                s.readSeq,
              )
            : 0,
        });
      }),
    );
    return byRoot;
  }

  /**
   * Roots of the threads the viewer follows, most recently followed first, keeping only those
   * they can still read. Cursor: where the previous page ended.
   */
  async followed(
    actor: Actor,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<{ roots: Message[]; cursors: string[]; hasNextPage: boolean }> {
    const limit = pageSize(first, MAX_FOLLOWED_THREADS_PAGE);
    let cursor = after ? keysetOf(after) : null;
    const roots: Message[] = [];
    const cursors: string[] = [];
    const readable = new Map<string, boolean>();
    let more = false;
    for (let round = 0; round < 5; round++) {
      const batch = await this.follows.listFollowed(
        actor.tenantId,
        actor.userId,
        cursor,
        limit + 1,
      );
      const found = await this.messages.findByIds(
        actor.tenantId,
        batch.map((f) => f.rootId),
      );
      const byId = new Map(found.map((m) => [m.id, m]));
      for (const follow of batch.slice(0, limit + 1)) {
        cursor = { followedAt: follow.followedAt, rootId: follow.rootId };
        const root = byId.get(follow.rootId);
        if (!root || !(await this.canRead(actor, root, readable))) continue;
        if (roots.length === limit) {
          more = true;
          break;
        }
        roots.push(root);
        cursors.push(encodeCursor([follow.followedAt.getTime(), follow.rootId]));
      }
      if (more || batch.length < limit + 1) break;
    }
    return { roots, cursors, hasNextPage: more };
  }

  private async canRead(
    actor: Actor,
    message: Message,
    cache: Map<string, boolean>,
  ): Promise<boolean> {
    const key = `${message.conversationId}:${message.seq}`;
    const known = cache.get(key);
    if (known !== undefined) return known;
    const readership = await this.access
      .reader(actor, message.conversationId)
      .catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
        throw error;
      });
    const ok = readership !== null && canReadSeq(readership.periods, message.seq);
    cache.set(key, ok);
    return ok;
  }
}

/** Following threads and reading them. */
@UseCase()
export class FollowThreads {
  constructor(
    private readonly follows: ThreadFollowRepository,
    private readonly messages: MessageRepository,
    private readonly readable: ReadableMessages,
    private readonly limiter: RateLimiter,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
    private readonly publisher: RealtimePublisher,
  ) {}

  async follow(actor: Actor, rootId: string, following: boolean): Promise<Message> {
    const root = await this.root(actor, rootId);
    await enforceWriteLimit(this.limiter, this.settings, actor);
    if (following)
      await this.follows.follow(
        actor.tenantId,
        actor.userId,
        root.conversationId,
        root.id,
        this.clock.now(),
      );
    else await this.follows.unfollow(actor.tenantId, actor.userId, root.id);
    await this.announce(actor, root);
    return root;
  }

  /** Moves my read pointer in the thread to `seq` (default: its latest reply); never back. */
  async markRead(actor: Actor, rootId: string, seq?: number | null): Promise<Message> {
    if (seq !== undefined && seq !== null && (!Number.isInteger(seq) || seq < 0))
      throw invalid('seq', 'seq must be a non-negative integer');
    const root = await this.root(actor, rootId);
    const [summary] = await this.messages.threadSummaries(actor.tenantId, [root.id]);
    const latest = summary?.lastReplySeq ?? 0;
    if (seq !== undefined && seq !== null && seq > Math.max(latest, root.seq))
      throw new DomainError('VALIDATION_FAILED', 'seq is past the end of the thread', {
        field: 'seq',
        reason: 'SEQ_PAST_END',
      });
    await enforceWriteLimit(this.limiter, this.settings, actor);
    await this.follows.markRead(
      actor.tenantId,
      actor.userId,
      root.conversationId,
      root.id,
      seq ?? latest,
      this.clock.now(),
    );
    await this.announce(actor, root);
    return root;
  }

  /** The user's other devices refresh the root's thread state (following, unread count). */
  private async announce(actor: Actor, root: Message): Promise<void> {
    await this.publisher.toUser(actor.userId, {
      type: 'THREAD_STATE_CHANGED',
      tenantId: actor.tenantId,
      userId: actor.userId,
      conversationId: root.conversationId,
      root,
    });
  }

  private async root(actor: Actor, rootId: string): Promise<Message> {
    const { message } = await this.readable.load(actor, rootId);
    if (message.threadRootId)
      throw new DomainError('VALIDATION_FAILED', 'a thread reply has no thread of its own', {
        field: 'rootId',
        reason: 'THREAD_ROOT_IS_REPLY',
      });
    return message;
  }
}

const keysetOf = (after: string) => {
  const [ms, rootId] = decodeKeyset(after, ['number', 'string'] as const);
  return { followedAt: new Date(ms), rootId };
};
