import { grantCoversConversation } from '../shared/bot-grant';
import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { invalid } from '../shared/domain-error';
import { isWellFormedId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { DomainService } from '../shared/domain-service';
import { BlockRepository, ContactRepository } from '../identity/contact.repository';
import { UserViewPolicy } from '../identity/profile/user-view.policy';
import { Conversation, otherMemberOf } from '../messaging/conversation';
import { ConversationRepository } from '../messaging/conversation.repository';
import { MessageRepository } from '../messaging/message.repository';
import { isExpired, LoggedEvent, Message } from '../messaging/message';
import { canReadSeq, insideAt, ReadPeriod, readablePeriods } from '../messaging/read-periods';
import { topics } from '../events/event-bus.port';
import { isOrdered, OrderedRealtimeEvent, RealtimeEvent } from '../events/realtime-event';
import { BusReconnectListener, TopicRouter } from '../events/topic-router';
import { ReplayedEvents } from './replayed-events';
import { ConversationFollower, ConversationWatch } from './conversation-watch';
import { PresenceWatch } from './presence-watch';
import { SeqOrderer, SeqOrdererOutput } from './seq-orderer';

export { HOLE_WAIT_MS } from './seq-orderer';

export interface StreamCursor {
  conversationId: string;
  afterSeq: number;
}

/** What a stream hands its client. */
export type StreamItem =
  | { kind: 'event'; event: RealtimeEvent }
  | { kind: 'resync'; conversationId: string; reason: ResyncReason }
  /** The stream must end with this close code (e.g. 4403 when the session was revoked). */
  | { kind: 'close'; code: number; reason: string };

/**
 * Why a conversation must be refetched (ResyncRequired.reason):
 * - NOT_A_MEMBER: a cursor for a conversation the caller does not belong to (or a malformed id);
 * - TOO_FAR_BEHIND: more to replay than the replay limit;
 * - CURSOR_AHEAD: a cursor past the conversation's last seq (the client's state is not the server's);
 * - HISTORY_CHANGED: what the caller may see of the history differs from what the client holds
 *   (removed and added again: the cursor predates the caller's current membership);
 * - HISTORY_AVAILABLE: the caller was just added and may see history from before the adding.
 */
export type ResyncReason =
  'NOT_A_MEMBER' | 'TOO_FAR_BEHIND' | 'CURSOR_AHEAD' | 'HISTORY_CHANGED' | 'HISTORY_AVAILABLE';

export const MAX_STREAM_CONVERSATIONS = 5000;
const MAX_PRESENCE_WATCH = 1000;
const MAX_CURSORS = 1000;
const PRESENCE_COALESCE_MS = 250;
const FIND_BATCH = 500;

type Presence = Extract<RealtimeEvent, { type: 'PRESENCE' | 'PRESENCE_VISIBILITY' }>;
type Typing = Extract<RealtimeEvent, { type: 'TYPING' }>;
type Membership = Extract<RealtimeEvent, { type: 'MEMBERSHIP_CHANGED' }>;

/** Opens resumable event streams (one per connected client). */
@DomainService()
export class ChatStreams {
  constructor(
    private readonly router: TopicRouter,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly contacts: ContactRepository,
    private readonly blocks: BlockRepository,
    private readonly policy: UserViewPolicy,
    private readonly watch: ConversationWatch,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {
    this.deps = {
      router,
      conversations,
      messages,
      contacts,
      blocks,
      policy,
      watch,
      settings,
      clock,
      replayed: new ReplayedEvents(() => clock.now().getTime()),
    };
  }

  /** Validates cursors, then starts a stream that calls `emit` with each item in order. */
  open(
    actor: Actor,
    since: StreamCursor[] | null | undefined,
    emit: (item: StreamItem) => void,
  ): ChatStream {
    const cursors = since ?? [];
    if (!Array.isArray(cursors) || cursors.length > MAX_CURSORS)
      throw invalid('since', `at most ${MAX_CURSORS} cursors`);
    for (const c of cursors) {
      if (
        !c ||
        typeof c.conversationId !== 'string' ||
        !Number.isInteger(c.afterSeq) ||
        c.afterSeq < 0
      ) {
        throw invalid('since', 'each cursor needs a conversationId and a non-negative afterSeq');
      }
    }
    return new ChatStream(actor, cursors, emit, this.deps);
  }

  private readonly deps: StreamDeps;
}

/** What every stream of an instance shares. */
export interface StreamDeps {
  router: TopicRouter;
  conversations: ConversationRepository;
  messages: MessageRepository;
  contacts: ContactRepository;
  blocks: BlockRepository;
  policy: UserViewPolicy;
  watch: ConversationWatch;
  settings: CoreSettings;
  clock: Clock;
  replayed: ReplayedEvents;
}

type Task = () => Promise<void> | void;

/** A follow with nothing (left) to wait for. */
const LISTENING: Promise<void> = Promise.resolve();

/**
 * One client's stream. Registers its bus interest first, replays from the store after each
 * cursor, then releases what arrived meanwhile. Ordering, duplicates and seq holes are the
 * SeqOrderer's job; this class feeds it (live events, store reads) and decides what the client
 * may see (membership, history visibility, blocks, presence privacy).
 */
export class ChatStream
  implements ConversationFollower, SeqOrdererOutput<OrderedRealtimeEvent>, BusReconnectListener
{
  private readonly orderer: SeqOrderer<OrderedRealtimeEvent>;
  /**
   * The topics this stream listens to, each with its listen (in progress, or LISTENING once
   * done): a second follow of a topic waits for the first. One listener serves every topic.
   */
  private readonly listening = new Map<string, Promise<void>>();
  private readonly live = (event: RealtimeEvent): void => this.onLive(event);
  /** The conversations among the followed topics (checked for every event: no topic string built). */
  private readonly followed = new Set<string>();
  private readonly queue: Task[] = [];
  private draining = false;
  private closed = false;
  private replaying = true;
  private readonly buffered: RealtimeEvent[] = [];
  // The maps below are created on first use: most streams never need them, and an idle
  // connection's memory is mostly what its stream allocates up front.
  /** Typists shown as typing, per `conversation:user`: the event shown and its expiry timer. */
  private typing: Map<string, { event: Typing; cancel: () => void }> | null = null;
  /**
   * Per followed conversation, the periods of its log the caller may read (loaded on demand;
   * docs/history-visibility.md).
   */
  private readable: Map<string, ReadPeriod[]> | null = null;
  /** Periods read for an ADDED of the caller's, per `conversation:seq`, applied on its release. */
  private addedPeriods: Map<string, ReadPeriod[]> | null = null;
  /**
   * Conversations the caller left or was removed from, until an ADDED of theirs is released.
   * They stay followed: changes of messages the caller still reads reach them (read-only).
   */
  private exited: Set<string> | null = null;
  private blockedCache: Map<string, boolean> | null = null;
  private pendingPresence: Map<string, { event: Presence; visibilityChanged: boolean }> | null =
    null;
  /** Per watched user, whether this stream last showed their real presence (true) or hid it. */
  private presenceShown: Map<string, boolean> | null = null;
  private cancelPresenceTimer: (() => void) | null = null;
  /** Whose presence and profile this stream follows (grows with new peers and contacts). */
  private readonly presenceWatch: PresenceWatch;
  /** Resolves when the initial replay is done (tests and metrics). */
  readonly started: Promise<void>;

  constructor(
    readonly actor: Actor,
    cursors: StreamCursor[],
    private readonly emit: (item: StreamItem) => void,
    private readonly deps: StreamDeps,
  ) {
    // The stream is its orderer's output and the router's reconnect listener: no closures
    // per stream for them (every connected client holds one stream).
    this.orderer = new SeqOrderer<OrderedRealtimeEvent>(deps.clock, this);
    this.presenceWatch = new PresenceWatch(actor.userId, MAX_PRESENCE_WATCH, (userId) =>
      this.follow(topics.presence(actor.tenantId, userId)),
    );
    this.started = this.start(cursors).catch(() => this.failToStart());
  }

  /** The store (or a closed bus) failed the start: the client must resume with its cursors. */
  private failToStart(): void {
    if (this.closed) return;
    this.emit({ kind: 'close', code: 1013, reason: 'Try again later: the stream could not start' });
    void this.stop();
  }

  private async start(cursors: StreamCursor[]): Promise<void> {
    const { ids, formerIds } = await this.registerInterest();
    if (this.closed) return;
    const { conversations } = this.deps;
    const { tenantId } = this.actor;
    const memberOf = new Set(ids);
    const current = new Map<string, Conversation>();
    for (let i = 0; i < ids.length; i += FIND_BATCH) {
      for (const c of await conversations.findByIds(tenantId, ids.slice(i, i + FIND_BATCH)))
        current.set(c.id, c);
    }

    // Replay, in cursor order, everything after each cursor that the caller may see.
    for (const cursor of cursors) {
      if (this.closed) return;
      const id = cursor.conversationId;
      const conversation = isWellFormedId(id) && memberOf.has(id) ? current.get(id) : undefined;
      if (!conversation) {
        this.emit({ kind: 'resync', conversationId: id, reason: 'NOT_A_MEMBER' });
        continue;
      }
      if (this.orderer.positionOf(id) !== undefined) continue; // a repeated cursor
      const periods = await this.periodsOf(id);
      if (cursor.afterSeq > conversation.lastSeq) {
        this.resync(id, 'CURSOR_AHEAD', conversation.lastSeq);
        continue;
      }
      // A cursor inside one of the caller's periods, or after the end of one (its client applied
      // the caller's own REMOVED or LEFT and holds the conversation read-only), replays from
      // there; one anywhere else predates what the caller may see now.
      const inside = insideAt(periods, cursor.afterSeq);
      const afterExit = periods.some((p) => p.toSeq !== null && p.toSeq <= cursor.afterSeq);
      if (!inside && !afterExit && cursor.afterSeq < conversation.lastSeq) {
        this.resync(id, 'HISTORY_CHANGED', conversation.lastSeq);
        continue;
      }
      if (!inside) (this.exited ??= new Set()).add(id);
      this.begin(id, cursor.afterSeq);
      if (cursor.afterSeq < conversation.lastSeq)
        await this.replayFrom(id, cursor.afterSeq, conversation.lastSeq);
    }
    // Conversations without a cursor start live from the store's current position, which is
    // also the baseline for detecting anything the bus loses later.
    for (const id of ids) {
      const conversation = current.get(id);
      if (conversation && this.orderer.positionOf(id) === undefined) {
        if (formerIds.has(id)) (this.exited ??= new Set()).add(id);
        this.begin(id, conversation.lastSeq);
      }
    }
    // Release what arrived live during the replay, then go live.
    this.replaying = false;
    const held = this.buffered.splice(0);
    for (const event of held) this.enqueue(() => this.process(event));
  }

  /**
   * Registers this stream's interest on the bus: its own user topic, each of its conversations
   * (those it left or was removed from too: it still reads their history) and the presence of
   * its contacts and peers. Returns the ids of its conversations, and which are former ones.
   */
  private async registerInterest(): Promise<{ ids: string[]; formerIds: Set<string> }> {
    const { router, conversations, contacts } = this.deps;
    const { tenantId, userId } = this.actor;
    router.onReconnect(this);
    await this.follow(topics.user(tenantId, userId));
    // A bot token scoped to some conversations streams only those.
    const covered = (id: string) => grantCoversConversation(this.actor.grant, id);
    const memberIds = (
      await conversations.listIdsForUser(tenantId, userId, MAX_STREAM_CONVERSATIONS)
    ).filter(covered);
    const formerIds =
      memberIds.length < MAX_STREAM_CONVERSATIONS
        ? (
            await conversations.listFormerIdsForUser(
              tenantId,
              userId,
              MAX_STREAM_CONVERSATIONS - memberIds.length,
            )
          ).filter(covered)
        : [];
    const ids = [...memberIds, ...formerIds];
    await Promise.all(ids.map((id) => this.follow(topics.conversation(tenantId, id))));
    const [contactIds, peerIds] = await Promise.all([
      contacts.listIds(tenantId, userId, MAX_PRESENCE_WATCH),
      conversations.listPeerIds(tenantId, userId, MAX_PRESENCE_WATCH),
    ]);
    await this.presenceWatch.add([...contactIds, ...peerIds]);
    return { ids, formerIds: new Set(formerIds) };
  }

  /** Stops delivery and drops every topic interest of this stream. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deps.router.offReconnect(this);
    for (const t of this.typing?.values() ?? []) t.cancel();
    this.orderer.close();
    this.cancelPresenceTimer?.();
    const all = [...this.listening.keys()];
    for (const conversationId of this.followed)
      this.deps.watch.remove(this.actor.tenantId, conversationId, this);
    this.listening.clear();
    this.followed.clear();
    await Promise.allSettled(all.map((topic) => this.deps.router.unlisten(topic, this.live)));
  }

  private follow(topic: string): Promise<void> {
    if (this.closed) return LISTENING;
    const known = this.listening.get(topic);
    if (known) return known;
    const convPrefix = `chatter.${this.actor.tenantId}.conv.`;
    const conversationId = topic.startsWith(convPrefix) ? topic.slice(convPrefix.length) : null;
    if (conversationId !== null && !grantCoversConversation(this.actor.grant, conversationId))
      return LISTENING;
    const listened = this.deps.router.listen(topic, this.live).then(
      () => {
        if (this.closed) return this.deps.router.unlisten(topic, this.live);
        this.listening.set(topic, LISTENING);
        if (conversationId !== null) this.followed.add(conversationId);
      },
      (error: unknown) => {
        if (this.listening.get(topic) === listened) this.listening.delete(topic);
        throw error;
      },
    );
    this.listening.set(topic, listened);
    return listened;
  }

  /** Starts ordered delivery of a followed conversation after `seq`. */
  private begin(conversationId: string, seq: number): void {
    this.orderer.begin(conversationId, seq);
    if (this.isFollowing(conversationId))
      this.deps.watch.add(this.actor.tenantId, conversationId, this, seq);
  }

  /**
   * ResyncRequired for the conversation; live delivery continues after `lastSeq`, as a member or
   * read-only as the caller's periods say there (when known: callers load them first).
   */
  private resync(conversationId: string, reason: ResyncReason, lastSeq: number): void {
    this.emit({ kind: 'resync', conversationId, reason });
    const periods = this.readable?.get(conversationId);
    if (periods && insideAt(periods, lastSeq)) this.exited?.delete(conversationId);
    else if (periods) (this.exited ??= new Set()).add(conversationId);
    if (this.orderer.positionOf(conversationId) === undefined) this.begin(conversationId, lastSeq);
    else this.orderer.skipTo(conversationId, lastSeq);
  }

  /** The store is ahead of what this stream delivered (see ConversationWatch). */
  nudge(conversationId: string): void {
    if (this.closed || this.replaying) return;
    this.enqueue(async () => {
      const from = this.orderer.positionOf(conversationId);
      if (from !== undefined && this.isFollowing(conversationId))
        await this.fetchFromStore(conversationId, from);
    });
  }

  private isFollowing(conversationId: string): boolean {
    return this.followed.has(conversationId);
  }

  private onLive(event: RealtimeEvent): void {
    if (this.closed) return;
    if (this.replaying) {
      this.buffered.push(event);
      return;
    }
    this.enqueue(() => this.process(event));
  }

  /** Every piece of work runs in order, one at a time, so replies keep their order. */
  private enqueue(task: Task): void {
    this.queue.push(task);
    if (!this.draining) this.drain();
  }

  /**
   * Runs the queued tasks in order. A task that finishes at once (most live events: no store
   * read) lets the next one run in the same turn; one that returns a promise holds the rest back
   * until it settles. No promise is made for work that needs none.
   */
  private drain(): void {
    this.draining = true;
    while (this.queue.length > 0 && !this.closed) {
      const task = this.queue.shift()!;
      let pending: Promise<void> | void;
      try {
        pending = task();
      } catch {
        continue; // as below
      }
      if (pending) {
        // A store hiccup must not kill the stream: the next event or reconnect catches up.
        const resume = (this.resumeDrain ??= () => this.drain());
        pending.then(resume, resume);
        return;
      }
    }
    this.draining = false;
  }

  /** Made the first time a task has to wait (most idle streams never do). */
  private resumeDrain: (() => void) | null = null;

  /** Handles one live event; returns a promise only when it has to wait (a store read). */
  private process(event: RealtimeEvent): Promise<void> | void {
    if (this.closed) return;
    const me = this.actor.userId;
    if (isOrdered(event)) {
      if (event.type === 'MEMBERSHIP_CHANGED' && event.userId === me && event.change === 'ADDED')
        return this.onAdded(event);
      return this.deliverOrdered(event);
    }
    switch (event.type) {
      case 'READ_RECEIPT':
      case 'DELIVERY_RECEIPT':
      case 'MESSAGES_EXPIRED':
        if (this.isFollowing(event.conversationId) && !this.exited?.has(event.conversationId))
          this.emit({ kind: 'event', event });
        return;
      case 'TYPING':
        if (event.userId === me || !this.isFollowing(event.conversationId)) return;
        if (this.exited?.has(event.conversationId)) return;
        return this.showTyping(event);
      case 'MEMBER_SETTINGS_CHANGED':
        if (event.userId === me) this.emit({ kind: 'event', event });
        return;
      case 'ATTACHMENT_UPDATED':
        // A sent file: every follower of its conversation; an unsent one: its uploader only.
        if (
          event.attachment.messageId
            ? this.isFollowing(event.conversationId)
            : event.attachment.uploaderId === me
        )
          this.emit({ kind: 'event', event });
        return;
      case 'SESSION_REVOKED':
        if (event.userId === me && event.sessionId === this.actor.sessionId) {
          this.emit({ kind: 'close', code: 4403, reason: 'Forbidden: session revoked' });
          return this.stop();
        }
        return;
      case 'ACCOUNT_SUSPENDED':
        if (event.userId === me) {
          this.emit({ kind: 'close', code: 4403, reason: 'Forbidden: account suspended' });
          return this.stop();
        }
        return;
      case 'BLOCKS_CHANGED':
        this.blockedCache?.clear();
        return;
      case 'CONTACTS_CHANGED':
        // A new contact's presence and profile are followed from now on.
        if (event.userId === me && event.added) return this.presenceWatch.add([event.contactId]);
        return;
      case 'PRESENCE':
      case 'PRESENCE_VISIBILITY':
        this.queuePresence(event);
        return;
      case 'CALL':
        // Only the two parties' devices: the right user, and the device the signal names.
        if (event.userId !== me) return;
        if (event.sessionId !== null && event.sessionId !== this.actor.sessionId) return;
        if (event.exceptSessionId !== null && event.exceptSessionId === this.actor.sessionId)
          return;
        this.emit({ kind: 'event', event });
        return;
      case 'REPORT_RESOLVED':
      case 'THREAD_STATE_CHANGED':
        // The user's own devices only.
        if (event.userId === me) this.emit({ kind: 'event', event });
        return;
      case 'PROFILE_CHANGED':
        // Names and avatars are visible to whoever watches this user (the presence inside the
        // event is resolved for the viewer, under the privacy policy).
        this.emit({ kind: 'event', event });
        return;
    }
  }

  /**
   * The caller was added to a conversation (published on their user topic, and on the
   * conversation's topic when the stream still follows it). From here the client holds what
   * follows the ADDED entry; ResyncRequired tells it to fetch when it may see more than that.
   */
  private async onAdded(event: Membership): Promise<void> {
    const id = event.conversationId;
    const position = this.orderer.positionOf(id);
    if (position !== undefined && event.seq <= position) return; // already delivered
    const member = await this.deps.conversations.getMember(
      this.actor.tenantId,
      id,
      this.actor.userId,
    );
    if (!member || this.closed) return; // removed again since: that event follows
    await this.periodsForAdded(id, event.seq);
    if (this.closed) return;
    if (position !== undefined && this.isFollowing(id)) {
      // Still followed (read-only since the caller's exit): the entries between are delivered
      // in order like any others, from the store when the bus lost them.
      await this.watchPeersOf(event.conversation);
      await this.deliverOrdered(event);
      return;
    }
    if (!this.isFollowing(id)) await this.follow(topics.conversation(this.actor.tenantId, id));
    if (!this.isFollowing(id)) return;
    await this.watchPeersOf(event.conversation);
    if (position === undefined) this.begin(id, event.seq - 1);
    else this.orderer.skipTo(id, event.seq - 1);
    this.orderer.accept(id, event.seq, event);
  }

  private deliverOrdered(event: OrderedRealtimeEvent): Promise<void> | void {
    const id = event.conversationId;
    if (!this.isFollowing(id)) return;
    const position = this.orderer.positionOf(id);
    if (position !== undefined && event.seq <= position) return; // already delivered (replay or duplicate)
    if (position !== undefined && event.seq > position + 1 && !this.orderer.isHolding(id)) {
      // Something between was missed (bus loss) or is still being written by another
      // instance (seqs are reserved before the write commits): the store may know.
      return this.fetchFromStore(id, position, event.seq - 1).then(() => this.acceptOrdered(event));
    }
    return this.acceptOrdered(event);
  }

  private acceptOrdered(event: OrderedRealtimeEvent): Promise<void> | void {
    const id = event.conversationId;
    if (event.type === 'MESSAGE_UPDATED' && !this.readable?.has(id))
      return this.knowPeriods(id).then(() => this.orderer.accept(id, event.seq, event));
    this.orderer.accept(id, event.seq, event);
  }

  /**
   * A hole that waited HOLE_WAIT_MS in vain (the store read found nothing for it): the store
   * settles its seqs — committed ones come back, the others are void for good, for every
   * instance — so skipping them cannot lose a write that commits later (a stalled writer takes
   * a later seq instead). Seqs still being written (`pending`) keep the hole open.
   */
  private async settleHole(conversationId: string): Promise<void> {
    const hole = this.orderer.expiredHole(conversationId);
    if (!hole || this.closed || !this.isFollowing(conversationId)) return;
    const upTo = Math.min(hole.upToSeq, hole.afterSeq + this.deps.settings.replayLimit);
    const { entries, pending } = await this.deps.conversations.settleSeqs(
      this.actor.tenantId,
      conversationId,
      hole.afterSeq,
      upTo,
    );
    await this.acceptEntries(conversationId, entries);
    if (this.closed || !this.isFollowing(conversationId)) return;
    const known = new Set([...entries.map((e) => e.seq), ...pending]);
    for (let seq = hole.afterSeq + 1; seq <= upTo; seq++) {
      // A void seq: nothing to show, and nothing can commit under it any more.
      if (!known.has(seq) && !hole.held.has(seq)) this.orderer.accept(conversationId, seq, null);
    }
  }

  /**
   * Reads log entries after `afterSeq` (up to `upTo`) and hands them to the orderer in order,
   * or ResyncRequired when there are more than the replay limit.
   */
  private async fetchFromStore(
    conversationId: string,
    afterSeq: number,
    upTo?: number,
  ): Promise<void> {
    const { conversations, settings } = this.deps;
    const { tenantId } = this.actor;
    const limit = settings.replayLimit;
    const entries = await conversations.listEvents(tenantId, conversationId, afterSeq, limit + 1);
    const relevant = upTo === undefined ? entries : entries.filter((e) => e.seq <= upTo);
    if (relevant.length > limit) {
      const conversation = await conversations.findById(tenantId, conversationId);
      await this.periodsOf(conversationId, true);
      this.resync(conversationId, 'TOO_FAR_BEHIND', conversation?.lastSeq ?? afterSeq);
      return;
    }
    await this.acceptEntries(conversationId, relevant);
  }

  /**
   * Replays a cursor's conversation from `afterSeq` up to `lastSeq`, its last seq read after this
   * stream's bus interest was registered (anything later arrives live). When other streams
   * replayed every one of those entries a moment ago (the members of a conversation resuming
   * together), their events are taken as they are, without reading the log or the messages again;
   * otherwise the entries are read from the store.
   */
  private async replayFrom(
    conversationId: string,
    afterSeq: number,
    lastSeq: number,
  ): Promise<void> {
    if (lastSeq - afterSeq <= this.deps.settings.replayLimit) {
      const { tenantId } = this.actor;
      const seqs: number[] = [];
      const events: (OrderedRealtimeEvent | null)[] = [];
      for (let seq = afterSeq + 1; seq <= lastSeq; seq++) {
        const event = this.deps.replayed.get(tenantId, conversationId, seq);
        if (event === undefined) break;
        seqs.push(seq);
        events.push(event);
      }
      if (seqs.length === lastSeq - afterSeq)
        return this.acceptEvents(conversationId, seqs, events);
    }
    await this.fetchFromStore(conversationId, afterSeq);
  }

  /** Renders log entries (seq order) into events and hands them to the orderer. */
  private async acceptEntries(conversationId: string, relevant: LoggedEvent[]): Promise<void> {
    const { conversations, messages } = this.deps;
    const { tenantId } = this.actor;
    // Entries another stream replayed a moment ago are reused (same event object: rendered once).
    const shared = this.deps.replayed;
    const cached = relevant.map((e) => shared.get(tenantId, conversationId, e.seq));
    const missing = relevant.filter((_, i) => cached[i] === undefined);
    const messageIds = missing.flatMap((e) =>
      e.kind === 'MESSAGE_ADDED' || e.kind === 'MESSAGE_UPDATED' ? [e.messageId] : [],
    );
    const needsConversation = missing.some(
      (e) => e.kind === 'MEMBERSHIP_CHANGED' || e.kind === 'CONVERSATION_CHANGED',
    );
    const [found, conversation] = await Promise.all([
      messageIds.length
        ? messages.findByIds(tenantId, [...new Set(messageIds)])
        : Promise.resolve([]),
      needsConversation ? conversations.findById(tenantId, conversationId) : Promise.resolve(null),
    ]);
    // A disappeared message is not replayed (its entries show nothing), swept or not.
    const now = this.deps.clock.now();
    const byId = new Map(found.filter((m) => !isExpired(m, now)).map((m) => [m.id, m]));
    const events = relevant.map((entry, i) => {
      let event = cached[i];
      if (event === undefined) {
        event = fromLog(tenantId, conversationId, entry, byId, conversation);
        shared.set(tenantId, conversationId, entry.seq, event);
      }
      return event;
    });
    await this.acceptEvents(
      conversationId,
      relevant.map((e) => e.seq),
      events,
    );
  }

  /** Hands the events of consecutive log entries (seq order) to the orderer. */
  private async acceptEvents(
    conversationId: string,
    seqs: readonly number[],
    events: readonly (OrderedRealtimeEvent | null)[],
  ): Promise<void> {
    // Updates of messages older than this stream's start may concern history the caller may not
    // see; an ADDED of the caller's needs their current membership's history start.
    for (const event of events) {
      if (event?.type === 'MESSAGE_UPDATED') await this.knowPeriods(conversationId);
      if (
        event?.type === 'MEMBERSHIP_CHANGED' &&
        event.userId === this.actor.userId &&
        event.change === 'ADDED'
      ) {
        await this.periodsForAdded(conversationId, event.seq);
      }
    }
    for (const [i, seq] of seqs.entries()) {
      if (this.closed || !this.isFollowing(conversationId)) return;
      this.orderer.accept(conversationId, seq, events[i]!);
    }
  }

  /** The bus reconnected (TopicRouter): events published meanwhile may have been missed. */
  busReconnected(): void {
    this.enqueue(() => this.catchUpAll());
  }

  /** SeqOrdererOutput: a hole waited too long; look in the store (this stream's orderer only). */
  holeTimedOut(conversationId: string, afterSeq: number, upToSeq: number): void {
    this.enqueue(async () => {
      try {
        await this.fetchFromStore(conversationId, afterSeq, upToSeq);
        await this.settleHole(conversationId);
      } finally {
        // Re-arms the timeout while a hole remains (also when the store failed).
        if (!this.closed) this.orderer.settleHole(conversationId);
      }
    });
  }

  /**
   * SeqOrdererOutput: delivers the conversation's next seq (null: a log entry with nothing to
   * show). Called by this stream's orderer only.
   */
  release(conversationId: string, seq: number, event: OrderedRealtimeEvent | null): void {
    this.deps.watch.observe(this.actor.tenantId, conversationId, seq);
    if (!event || this.closed) return;
    const me = this.actor.userId;
    switch (event.type) {
      case 'MESSAGE_ADDED':
        // Posted while the caller was out: not theirs to see (ResyncRequired follows their
        // ADDED when the conversation shows it to them then).
        if (this.exited?.has(conversationId)) return;
        this.typistSent(conversationId, event.message.senderId);
        break;
      case 'MESSAGE_UPDATED': {
        // Shown when the message is one the caller reads (also while out: a former member's
        // copy follows edits, deletions and reactions); not for one from outside their periods.
        const periods = this.readable?.get(conversationId);
        if (periods ? !canReadSeq(periods, event.message.seq) : this.exited?.has(conversationId))
          return;
        break;
      }
      case 'MEMBERSHIP_CHANGED':
        if (event.userId !== me) {
          if (this.exited?.has(conversationId)) return;
          // Someone new in one of the caller's direct or group conversations: a new peer.
          if (
            event.change === 'ADDED' &&
            event.conversation.kind !== 'CHANNEL' &&
            !this.presenceWatch.has(event.userId)
          ) {
            const peer = event.userId;
            this.enqueue(() => this.presenceWatch.add([peer]));
          }
          break;
        }
        if (event.change === 'REMOVED' || event.change === 'LEFT') {
          (this.exited ??= new Set()).add(conversationId);
          // The period open until here ends with this entry (a later one, from an ADDED the
          // store already recorded, stays open).
          const periods = this.readable?.get(conversationId);
          if (periods)
            this.readable!.set(
              conversationId,
              periods.map((p) => (p.toSeq === null && p.fromSeq < seq ? { ...p, toSeq: seq } : p)),
            );
          this.emit({ kind: 'event', event });
          return;
        }
        if (event.change === 'ADDED') {
          this.exited?.delete(conversationId);
          const fresh = this.addedPeriods?.get(`${conversationId}:${seq}`);
          if (fresh) {
            this.addedPeriods!.delete(`${conversationId}:${seq}`);
            (this.readable ??= new Map()).set(conversationId, fresh);
          }
          this.emit({ kind: 'event', event });
          // The client holds its earlier periods and what follows this entry; ResyncRequired
          // when the caller may now read more than that (FULL history).
          const period = this.readable
            ?.get(conversationId)
            ?.find((p) => p.fromSeq <= seq && (p.toSeq === null || seq <= p.toSeq));
          if (period && period.fromSeq < seq - 1)
            this.emit({ kind: 'resync', conversationId, reason: 'HISTORY_AVAILABLE' });
          return;
        }
        if (this.exited?.has(conversationId)) return;
        break;
      case 'CONVERSATION_CHANGED':
        if (this.exited?.has(conversationId)) return;
        break;
    }
    this.emit({ kind: 'event', event });
  }

  /**
   * Follows the presence of the other members of a direct or group conversation the caller was
   * just added to (channels make no peers). A direct conversation names both members in its
   * key; a group's members are read once, up to the watch's cap.
   */
  private async watchPeersOf(conversation: Conversation): Promise<void> {
    if (conversation.kind === 'CHANNEL') return;
    const other = otherMemberOf(conversation, this.actor.userId);
    if (other) return this.presenceWatch.add([other]);
    if (conversation.kind !== 'GROUP') return;
    const { items } = await this.deps.conversations.listMembers(
      this.actor.tenantId,
      conversation.id,
      { first: MAX_PRESENCE_WATCH, after: null },
    );
    await this.presenceWatch.add(items.map((m) => m.userId));
  }

  /**
   * Reloads the periods for an ADDED of the caller's that is about to be ordered, and keeps them
   * for its release: a REMOVED released before it may have closed periods the store has since
   * reopened (a FULL re-add reads everything again).
   */
  private async periodsForAdded(conversationId: string, seq: number): Promise<void> {
    const periods = await this.periodsOf(conversationId, true);
    (this.addedPeriods ??= new Map()).set(`${conversationId}:${seq}`, periods);
  }

  /** The periods of the conversation's log the caller may read (cached; docs/history-visibility.md). */
  private async periodsOf(conversationId: string, refresh = false): Promise<ReadPeriod[]> {
    const known = this.readable?.get(conversationId);
    if (known && !refresh) return known;
    const { tenantId, userId } = this.actor;
    const [member, former] = await Promise.all([
      this.deps.conversations.getMember(tenantId, conversationId, userId),
      this.deps.conversations.getFormerMember(tenantId, conversationId, userId),
    ]);
    const periods = readablePeriods(member, former);
    (this.readable ??= new Map()).set(conversationId, periods);
    return periods;
  }

  /**
   * Makes sure release() can tell whether an updated message is one the caller reads. Loaded
   * once per conversation and kept current on the caller's own membership entries, so an update
   * accepted before the caller's REMOVED is released is judged as of its release.
   */
  private async knowPeriods(conversationId: string): Promise<void> {
    await this.periodsOf(conversationId);
  }

  /** After a bus outage: fetch from the store whatever each followed conversation missed. */
  private async catchUpAll(): Promise<void> {
    for (const [conversationId, seq] of this.orderer.positions()) {
      if (this.closed) return;
      if (this.isFollowing(conversationId)) await this.fetchFromStore(conversationId, seq);
    }
  }

  private trackTyping(event: Typing): void {
    const key = `${event.conversationId}:${event.userId}`;
    this.typing?.get(key)?.cancel();
    this.typing?.delete(key);
    if (!event.typing) return;
    // Typing expires by itself when the typist stops refreshing it (or vanished).
    const cancel = this.deps.clock.setTimer(this.deps.settings.typingTtlMs, () => {
      this.typing?.delete(key);
      if (!this.closed) this.emit({ kind: 'event', event: { ...event, typing: false } });
    });
    (this.typing ??= new Map()).set(key, { event, cancel });
  }

  /** The typist's message arrived: their typing indicator ends with it. */
  private typistSent(conversationId: string, senderId: string): void {
    if (!this.typing) return;
    const key = `${conversationId}:${senderId}`;
    const shown = this.typing.get(key);
    if (!shown) return;
    shown.cancel();
    this.typing.delete(key);
    this.emit({ kind: 'event', event: { ...shown.event, typing: false } });
  }

  /** Shows a typing change unless its typist and the caller block each other. */
  private showTyping(event: Typing): Promise<void> | void {
    const cached = this.blockedCache?.get(event.userId);
    if (cached === undefined)
      return this.deps.blocks
        .isBlockedEitherWay(this.actor.tenantId, this.actor.userId, event.userId)
        .then((blocked) => {
          (this.blockedCache ??= new Map()).set(event.userId, blocked);
          // Cached now: this shows it at once.
          if (!blocked && !this.closed) void this.showTyping(event);
        });
    if (cached) return;
    this.trackTyping(event);
    this.emit({ kind: 'event', event });
  }

  /** Bursts of presence changes are coalesced: the latest state per user wins. */
  private queuePresence(event: Presence): void {
    const pending = (this.pendingPresence ??= new Map());
    const previous = pending.get(event.userId);
    pending.set(event.userId, {
      event,
      visibilityChanged:
        event.type === 'PRESENCE_VISIBILITY' || (previous?.visibilityChanged ?? false),
    });
    if (this.cancelPresenceTimer) return;
    this.cancelPresenceTimer = this.deps.clock.setTimer(PRESENCE_COALESCE_MS, () => {
      this.cancelPresenceTimer = null;
      const batch =
        this.pendingPresence ?? new Map<string, { event: Presence; visibilityChanged: boolean }>();
      this.pendingPresence = null;
      this.enqueue(() => this.showPresence(batch));
    });
  }

  /**
   * Shows presence changes the caller may see. When the caller can no longer see a user's
   * presence (privacy setting, block), they are told once, so their client stops showing the
   * old status: the event renders as OFFLINE for them, as the user's HTTP query does. Users the
   * caller could never see produce nothing (no timing of their activity leaks).
   */
  private async showPresence(
    batch: Map<string, { event: Presence; visibilityChanged: boolean }>,
  ): Promise<void> {
    // One batched read of the caller's relations to every user in the batch.
    const views = await this.deps.policy.viewsOf(
      this.actor.userId,
      [...batch.values()].map((b) => b.event.user),
    );
    for (const [userId, { event, visibilityChanged }] of batch) {
      if (this.closed) return;
      const visible = views.get(userId)?.presenceVisible ?? false;
      const shown = (this.presenceShown ??= new Map()).get(userId);
      this.presenceShown.set(userId, visible);
      if (visible || shown === true || (shown === undefined && visibilityChanged))
        this.emit({ kind: 'event', event });
    }
  }
}

/** The event a log entry stands for (null: nothing to show, e.g. a message since purged). */
function fromLog(
  tenantId: string,
  conversationId: string,
  entry: LoggedEvent,
  messages: Map<string, Message>,
  conversation: Conversation | null,
): OrderedRealtimeEvent | null {
  const base = { tenantId, conversationId, seq: entry.seq };
  switch (entry.kind) {
    case 'MESSAGE_ADDED':
    case 'MESSAGE_UPDATED': {
      const message = messages.get(entry.messageId);
      return message ? { ...base, type: entry.kind, message } : null;
    }
    case 'MEMBERSHIP_CHANGED':
      return conversation
        ? {
            ...base,
            type: 'MEMBERSHIP_CHANGED',
            userId: entry.userId,
            change: entry.change,
            conversation,
          }
        : null;
    case 'CONVERSATION_CHANGED':
      return conversation ? { ...base, type: 'CONVERSATION_CHANGED', conversation } : null;
  }
}
