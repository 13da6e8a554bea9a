import { Actor } from '../shared/actor';
import { Clock } from '../shared/clock';
import { invalid } from '../shared/domain-error';
import { isWellFormedId } from '../shared/ids';
import { CoreSettings } from '../shared/settings';
import { UseCase } from '../shared/use-case';
import { BlockRepository, ContactRepository } from '../identity/contact.repository';
import { UserRepository } from '../identity/user.repository';
import { UserViewPolicy } from '../identity/profile/user-view.policy';
import { ConversationRepository } from '../messaging/conversation.repository';
import { MessageRepository } from '../messaging/message.repository';
import { LoggedEvent, Message } from '../messaging/message';
import { topics } from './event-bus.port';
import { isOrdered, OrderedRealtimeEvent, RealtimeEvent } from './realtime-event';
import { ReplayedEvents } from './replayed-events';
import { TopicRouter } from './topic-router';
import { ConversationFollower, ConversationWatch } from './conversation-watch';

export interface StreamCursor {
  conversationId: string;
  afterSeq: number;
}

/** What a stream hands its client. */
export type StreamItem =
  | { kind: 'event'; event: RealtimeEvent }
  | { kind: 'resync'; conversationId: string; reason: string }
  /** The stream must end with this close code (e.g. 4403 when the session was revoked). */
  | { kind: 'close'; code: number; reason: string };

export const MAX_STREAM_CONVERSATIONS = 5000;
const MAX_PRESENCE_WATCH = 1000;
const MAX_CURSORS = 1000;
const PRESENCE_COALESCE_MS = 250;
/** How long events wait behind a seq hole for the missing write before it counts as abandoned. */
export const HOLE_WAIT_MS = 1_500;

/** Opens resumable event streams (one per connected client). */
@UseCase()
export class ChatStreams {
  constructor(
    private readonly router: TopicRouter,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly contacts: ContactRepository,
    private readonly blocks: BlockRepository,
    private readonly users: UserRepository,
    private readonly policy: UserViewPolicy,
    private readonly watch: ConversationWatch,
    private readonly settings: CoreSettings,
    private readonly clock: Clock,
  ) {}

  /** Validates cursors, then starts a stream that calls `emit` with each item in order. */
  open(actor: Actor, since: StreamCursor[] | null | undefined, emit: (item: StreamItem) => void): ChatStream {
    const cursors = since ?? [];
    if (!Array.isArray(cursors) || cursors.length > MAX_CURSORS) throw invalid('since', `at most ${MAX_CURSORS} cursors`);
    for (const c of cursors) {
      if (!c || typeof c.conversationId !== 'string' || !Number.isInteger(c.afterSeq) || c.afterSeq < 0) {
        throw invalid('since', 'each cursor needs a conversationId and a non-negative afterSeq');
      }
    }
    const stream = new ChatStream(actor, cursors, emit, this);
    return stream;
  }

  readonly repos = () => ({
    router: this.router,
    conversations: this.conversations,
    messages: this.messages,
    contacts: this.contacts,
    blocks: this.blocks,
    users: this.users,
    policy: this.policy,
    watch: this.watch,
    settings: this.settings,
    clock: this.clock,
    replayed: this.replayed,
  });

  private readonly replayed = new ReplayedEvents();
}

type Task = () => Promise<void> | void;

/**
 * One client's stream. Subscribes to live topics first, replays from the store after each
 * cursor, then releases what arrived meanwhile, dropping anything at or below the seq already
 * delivered for its conversation. A later seq gap (a lost bus message) is filled from the store.
 */
export class ChatStream implements ConversationFollower {
  private readonly deps: ReturnType<ChatStreams['repos']>;
  /** Highest seq delivered per followed conversation. */
  private readonly delivered = new Map<string, number>();
  private readonly unsubscribers = new Map<string, () => Promise<void>>();
  private readonly queue: Task[] = [];
  private draining = false;
  private closed = false;
  private replaying = true;
  private readonly buffered: RealtimeEvent[] = [];
  // The maps below are created on first use: most streams never need them, and an idle
  // connection's memory is mostly what its stream allocates up front.
  private typingTimers: Map<string, NodeJS.Timeout> | null = null;
  /** Ordered events waiting behind a seq hole, per conversation. */
  private held: Map<string, { events: Map<number, OrderedRealtimeEvent | null>; since: number; timer: NodeJS.Timeout | null }> | null = null;
  private blockedCache: Map<string, boolean> | null = null;
  private pendingPresence: Map<string, Extract<RealtimeEvent, { type: 'PRESENCE' }>> | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;
  private detachReconnect: (() => void) | null = null;
  /** Resolves when the initial replay is done (tests and metrics). */
  readonly started: Promise<void>;

  constructor(
    readonly actor: Actor,
    cursors: StreamCursor[],
    private readonly emit: (item: StreamItem) => void,
    factory: ChatStreams,
  ) {
    this.deps = factory.repos();
    this.started = this.start(cursors).catch(() => this.failToStart());
  }

  /** The store (or a closed bus) failed the start: the client must resume with its cursors. */
  private failToStart(): void {
    if (this.closed) return;
    this.emit({ kind: 'close', code: 1013, reason: 'Try again later: the stream could not start' });
    void this.stop();
  }

  private async start(cursors: StreamCursor[]): Promise<void> {
    const { router, conversations, contacts, settings } = this.deps;
    const { tenantId, userId } = this.actor;
    this.detachReconnect = router.onReconnect(() => this.enqueue(() => this.catchUpAll('bus reconnected')));
    await this.follow(topics.user(tenantId, userId), (e) => this.onLive(e));
    const ids = await conversations.listIdsForUser(tenantId, userId, MAX_STREAM_CONVERSATIONS);
    const memberOf = new Set(ids);
    await Promise.all(ids.map((id) => this.followConversation(id)));
    const [contactIds, peerIds] = await Promise.all([
      contacts.listIds(tenantId, userId, MAX_PRESENCE_WATCH),
      conversations.listPeerIds(tenantId, userId, MAX_PRESENCE_WATCH),
    ]);
    const watch = [...new Set([...contactIds, ...peerIds])].filter((id) => id !== userId).slice(0, MAX_PRESENCE_WATCH);
    await Promise.all(watch.map((id) => this.follow(topics.presence(tenantId, id), (e) => this.onLive(e))));
    if (this.closed) return;

    // Replay, in cursor order, everything after each cursor.
    for (const cursor of cursors) {
      if (this.closed) return;
      if (!isWellFormedId(cursor.conversationId) || !memberOf.has(cursor.conversationId)) {
        this.emit({ kind: 'resync', conversationId: cursor.conversationId, reason: 'NOT_A_MEMBER' });
        continue;
      }
      await this.replay(cursor.conversationId, cursor.afterSeq, settings.replayLimit);
    }
    // Conversations without a cursor start live from the store's current position, which is
    // also the baseline for detecting anything the bus loses later.
    const fresh = ids.filter((id) => !this.delivered.has(id));
    for (let i = 0; i < fresh.length; i += 500) {
      for (const conversation of await conversations.findByIds(tenantId, fresh.slice(i, i + 500))) {
        if (!this.delivered.has(conversation.id)) {
          this.delivered.set(conversation.id, conversation.lastSeq);
          this.deps.watch.observe(tenantId, conversation.id, conversation.lastSeq);
        }
      }
    }
    // Release what arrived live during the replay, then go live.
    this.replaying = false;
    const held = this.buffered.splice(0);
    for (const event of held) this.enqueue(() => this.process(event));
  }

  /** Stops delivery and drops every topic interest of this stream. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.detachReconnect?.();
    for (const t of this.typingTimers?.values() ?? []) clearTimeout(t);
    for (const h of this.held?.values() ?? []) if (h.timer) clearTimeout(h.timer);
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
    const all = [...this.unsubscribers.values()];
    for (const topic of this.unsubscribers.keys()) {
      const prefix = `chatter.${this.actor.tenantId}.conv.`;
      if (topic.startsWith(prefix)) this.deps.watch.remove(this.actor.tenantId, topic.slice(prefix.length), this);
    }
    this.unsubscribers.clear();
    await Promise.allSettled(all.map((u) => u()));
  }

  private async follow(topic: string, listener: (e: RealtimeEvent) => void): Promise<void> {
    if (this.closed || this.unsubscribers.has(topic)) return;
    const unsubscribe = await this.deps.router.listen(topic, listener);
    if (this.closed || this.unsubscribers.has(topic)) {
      await unsubscribe();
      return;
    }
    this.unsubscribers.set(topic, unsubscribe);
  }

  private async followConversation(conversationId: string): Promise<void> {
    await this.follow(topics.conversation(this.actor.tenantId, conversationId), (e) => this.onLive(e));
    if (this.isFollowing(conversationId)) {
      this.deps.watch.add(this.actor.tenantId, conversationId, this, this.delivered.get(conversationId) ?? 0);
    }
  }

  /** The store is ahead of what this stream delivered (see ConversationWatch). */
  nudge(conversationId: string): void {
    if (this.closed || this.replaying) return;
    this.enqueue(async () => {
      const from = this.delivered.get(conversationId);
      if (from !== undefined && this.isFollowing(conversationId)) {
        await this.replay(conversationId, from, this.deps.settings.replayLimit);
      } else if (from === undefined && this.isFollowing(conversationId)) {
        // Never delivered anything here yet: start from the store's view of now.
        const conversation = await this.deps.conversations.findById(this.actor.tenantId, conversationId);
        if (conversation) this.deps.watch.observe(this.actor.tenantId, conversationId, conversation.lastSeq);
      }
    });
  }

  private async unfollowConversation(conversationId: string): Promise<void> {
    const topic = topics.conversation(this.actor.tenantId, conversationId);
    const unsubscribe = this.unsubscribers.get(topic);
    this.unsubscribers.delete(topic);
    this.delivered.delete(conversationId);
    const hold = this.held?.get(conversationId);
    if (hold?.timer) clearTimeout(hold.timer);
    this.held?.delete(conversationId);
    this.deps.watch.remove(this.actor.tenantId, conversationId, this);
    if (unsubscribe) await unsubscribe();
  }

  private isFollowing(conversationId: string): boolean {
    return this.unsubscribers.has(topics.conversation(this.actor.tenantId, conversationId));
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
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const task = this.queue.shift()!;
        try {
          await task();
        } catch {
          // A store hiccup must not kill the stream: the next event or reconnect catches up.
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async process(event: RealtimeEvent): Promise<void> {
    if (this.closed) return;
    const me = this.actor.userId;
    if (isOrdered(event)) {
      if (event.type === 'MEMBERSHIP_CHANGED' && event.userId === me) return this.onOwnMembership(event);
      return this.deliverOrdered(event);
    }
    switch (event.type) {
      case 'READ_RECEIPT':
        if (this.isFollowing(event.conversationId)) this.emit({ kind: 'event', event });
        return;
      case 'TYPING':
        if (event.userId === me || !this.isFollowing(event.conversationId)) return;
        if (await this.isBlocked(event.userId)) return;
        this.trackTyping(event);
        this.emit({ kind: 'event', event });
        return;
      case 'MEMBER_SETTINGS_CHANGED':
        if (event.userId === me) this.emit({ kind: 'event', event });
        return;
      case 'SESSION_REVOKED':
        if (event.userId === me && event.sessionId === this.actor.sessionId) {
          this.emit({ kind: 'close', code: 4403, reason: 'Forbidden: session revoked' });
          await this.stop();
        }
        return;
      case 'BLOCKS_CHANGED':
        this.blockedCache?.clear();
        return;
      case 'PRESENCE':
        this.queuePresence(event);
        return;
    }
  }

  private async onOwnMembership(event: Extract<RealtimeEvent, { type: 'MEMBERSHIP_CHANGED' }>): Promise<void> {
    const id = event.conversationId;
    if (event.change === 'ADDED') {
      const known = this.delivered.get(id);
      if (known !== undefined && event.seq <= known) return;
      await this.followConversation(id);
      this.delivered.set(id, Math.max(known ?? 0, event.seq));
      this.emit({ kind: 'event', event });
      return;
    }
    if (event.change === 'REMOVED' || event.change === 'LEFT') {
      if (!this.isFollowing(id)) return;
      this.emit({ kind: 'event', event });
      await this.unfollowConversation(id);
      return;
    }
    await this.deliverOrdered(event);
  }

  private async deliverOrdered(event: OrderedRealtimeEvent): Promise<void> {
    const id = event.conversationId;
    if (!this.isFollowing(id)) return;
    const known = this.delivered.get(id);
    if (known !== undefined && event.seq <= known) return; // already delivered (replay or duplicate)
    if (known !== undefined && event.seq > known + 1) {
      // Something between was missed (bus loss) or is still being written by another
      // instance (seqs are reserved before the write commits): the store may know.
      await this.fetchFromStore(id, known, this.deps.settings.replayLimit, event.seq - 1);
    }
    this.accept(id, event.seq, event);
  }

  /** Delivers stored log entries after `afterSeq`, in order, or ResyncRequired past the bound. */
  private async replay(conversationId: string, afterSeq: number, limit: number): Promise<void> {
    if (!this.delivered.has(conversationId)) this.delivered.set(conversationId, afterSeq);
    await this.fetchFromStore(conversationId, this.delivered.get(conversationId)!, limit);
  }

  /** Reads log entries after `afterSeq` (up to `upTo`) and hands them to accept(). */
  private async fetchFromStore(conversationId: string, afterSeq: number, limit: number, upTo?: number): Promise<void> {
    const { conversations, messages } = this.deps;
    const { tenantId } = this.actor;
    const entries = await conversations.listEvents(tenantId, conversationId, afterSeq, limit + 1);
    const relevant = upTo === undefined ? entries : entries.filter((e) => e.seq <= upTo);
    if (relevant.length > limit) {
      const conversation = await conversations.findById(tenantId, conversationId);
      this.held?.delete(conversationId);
      this.delivered.set(conversationId, conversation?.lastSeq ?? afterSeq);
      this.emit({ kind: 'resync', conversationId, reason: 'TOO_FAR_BEHIND' });
      return;
    }
    // Entries another stream replayed a moment ago are reused (same event object: rendered once).
    const shared = this.deps.replayed;
    const cached = relevant.map((e) => shared.get(tenantId, conversationId, e.seq));
    const messageIds = relevant.flatMap((e, i) =>
      cached[i] === undefined && (e.kind === 'MESSAGE_ADDED' || e.kind === 'MESSAGE_UPDATED') ? [e.messageId] : [],
    );
    const found = messageIds.length ? await messages.findByIds(tenantId, [...new Set(messageIds)]) : [];
    const byId = new Map(found.map((m) => [m.id, m]));
    for (const [i, entry] of relevant.entries()) {
      if (this.closed) return;
      let event = cached[i];
      if (event === undefined) {
        event = this.fromLog(conversationId, entry, byId);
        shared.set(tenantId, conversationId, entry.seq, event);
      }
      this.accept(conversationId, entry.seq, event);
    }
  }

  /**
   * Takes an ordered event (null: a log entry with nothing to show) and delivers everything that
   * is now contiguous. Events behind a hole wait: the hole is usually a write still committing on
   * another instance; if the store still lacks it after HOLE_WAIT_MS, it belongs to a writer that
   * died and is skipped.
   */
  private accept(conversationId: string, seq: number, event: OrderedRealtimeEvent | null): void {
    const delivered = this.delivered.get(conversationId);
    if (delivered === undefined) this.delivered.set(conversationId, seq - 1);
    else if (seq <= delivered) return;
    let hold = this.held?.get(conversationId);
    if (!hold && seq === (delivered ?? seq - 1) + 1) {
      // The usual case: the next seq with nothing waiting. Delivered at once.
      this.release(conversationId, seq, event);
      return;
    }
    if (!hold) {
      hold = { events: new Map(), since: Date.now(), timer: null };
      (this.held ??= new Map()).set(conversationId, hold);
    }
    hold.events.set(seq, event);
    this.flush(conversationId);
  }

  /** Delivers `seq`, the next one of the conversation (null: a log entry with nothing to show). */
  private release(conversationId: string, seq: number, event: OrderedRealtimeEvent | null): void {
    this.delivered.set(conversationId, seq);
    this.deps.watch.observe(this.actor.tenantId, conversationId, seq);
    if (event) this.emit({ kind: 'event', event });
  }

  private flush(conversationId: string): void {
    const hold = this.held?.get(conversationId);
    if (!hold) return;
    let next = (this.delivered.get(conversationId) ?? 0) + 1;
    while (hold.events.has(next)) {
      const event = hold.events.get(next) ?? null;
      hold.events.delete(next);
      this.release(conversationId, next, event);
      next++;
      hold.since = Date.now();
    }
    if (hold.events.size === 0) {
      if (hold.timer) clearTimeout(hold.timer);
      this.held?.delete(conversationId);
      return;
    }
    if (!hold.timer) {
      hold.timer = setTimeout(() => {
        hold.timer = null;
        this.enqueue(() => this.resolveHole(conversationId));
      }, HOLE_WAIT_MS);
      hold.timer.unref?.();
    }
  }

  private async resolveHole(conversationId: string): Promise<void> {
    const hold = this.held?.get(conversationId);
    if (!hold || this.closed) return;
    const waiting = Math.max(...hold.events.keys());
    await this.fetchFromStore(conversationId, this.delivered.get(conversationId) ?? 0, this.deps.settings.replayLimit, waiting);
    const still = this.held?.get(conversationId);
    if (!still || still.events.size === 0) return;
    if (Date.now() - still.since >= HOLE_WAIT_MS) {
      // Nobody will fill it: continue after the hole.
      this.delivered.set(conversationId, Math.min(...still.events.keys()) - 1);
      still.since = Date.now();
    }
    this.flush(conversationId);
  }

  private fromLog(conversationId: string, entry: LoggedEvent, messages: Map<string, Message>): OrderedRealtimeEvent | null {
    const base = { tenantId: this.actor.tenantId, conversationId, seq: entry.seq };
    switch (entry.kind) {
      case 'MESSAGE_ADDED':
      case 'MESSAGE_UPDATED': {
        const message = messages.get(entry.messageId);
        return message ? { ...base, type: entry.kind, message } : null;
      }
      case 'MEMBERSHIP_CHANGED':
        return { ...base, type: 'MEMBERSHIP_CHANGED', userId: entry.userId, change: entry.change };
      case 'CONVERSATION_CHANGED':
        return { ...base, type: 'CONVERSATION_CHANGED' };
    }
  }

  /** After a bus outage: fetch from the store whatever each followed conversation missed. */
  private async catchUpAll(_reason: string): Promise<void> {
    for (const [conversationId, seq] of [...this.delivered.entries()]) {
      if (this.closed) return;
      await this.replay(conversationId, seq, this.deps.settings.replayLimit);
    }
  }

  private trackTyping(event: Extract<RealtimeEvent, { type: 'TYPING' }>): void {
    const key = `${event.conversationId}:${event.userId}`;
    const existing = this.typingTimers?.get(key);
    if (existing) clearTimeout(existing);
    this.typingTimers?.delete(key);
    if (!event.typing) return;
    // Typing expires by itself when the typist stops refreshing it (or vanished).
    const timer = setTimeout(() => {
      this.typingTimers?.delete(key);
      if (!this.closed) this.emit({ kind: 'event', event: { ...event, typing: false } });
    }, this.deps.settings.typingTtlMs);
    timer.unref?.();
    (this.typingTimers ??= new Map()).set(key, timer);
  }

  private async isBlocked(otherId: string): Promise<boolean> {
    const cached = this.blockedCache?.get(otherId);
    if (cached !== undefined) return cached;
    const blocked = await this.deps.blocks.isBlockedEitherWay(this.actor.tenantId, this.actor.userId, otherId);
    (this.blockedCache ??= new Map()).set(otherId, blocked);
    return blocked;
  }

  /** Bursts of presence changes are coalesced: the latest state per user wins. */
  private queuePresence(event: Extract<RealtimeEvent, { type: 'PRESENCE' }>): void {
    (this.pendingPresence ??= new Map()).set(event.userId, event);
    if (this.presenceTimer) return;
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = null;
      const pending = this.pendingPresence ?? new Map<string, Extract<RealtimeEvent, { type: 'PRESENCE' }>>();
      this.pendingPresence = null;
      this.enqueue(async () => {
        const users = await this.deps.users.findByIds(this.actor.tenantId, [...pending.keys()]);
        for (const user of users) {
          if (await this.deps.policy.canSeePresence(this.actor.userId, user)) {
            const event = pending.get(user.id);
            if (event) this.emit({ kind: 'event', event });
          }
        }
      });
    }, PRESENCE_COALESCE_MS);
    this.presenceTimer.unref?.();
  }
}
