import DataLoader from 'dataloader';
import {
  Actor,
  Conversation,
  ConversationRepository,
  Member,
  Message,
  MessageRepository,
  PollView,
  PresenceState,
  ReactionSummary,
  User,
  UserId,
  UserRepository,
  UserView,
} from '@chatter/core';

/** A batch read keyed by user: one call for every user an operation renders. */
export type UserBatch<V> = (users: readonly User[]) => Promise<Map<UserId, V>>;

/** Users rendered by one operation are batched together (a page is at most 100 of them). */
const MAX_USER_BATCH = 500;

/** Per-operation batching and caching of reads (tenant-scoped by the actor). */
export class Loaders {
  private userLoader?: DataLoader<string, User | null>;
  private messageLoader?: DataLoader<string, Message | null>;
  private conversationLoader?: DataLoader<string, Conversation | null>;
  private memberLoader?: DataLoader<string, Member | null>;
  private reactionLoader?: DataLoader<string, ReactionSummary[]>;
  private pollLoader?: DataLoader<string, PollView | null>;
  private viewLoader?: DataLoader<User, UserView, UserId>;
  private presenceLoader?: DataLoader<User, PresenceState, UserId>;
  /** Loaders that resolvers of other features keep here, so `clear()` empties them too. */
  // Created on first use: a socket holds its Loaders for its whole life, and most never need these.
  private extra: Map<symbol, DataLoader<unknown, unknown>> | null = null;
  private named: Map<string, DataLoader<string, unknown>> | null = null;

  constructor(
    private readonly repos: {
      users: UserRepository;
      messages: MessageRepository;
      conversations: ConversationRepository;
    },
  ) {}

  users(actor: Actor): DataLoader<string, User | null> {
    return (this.userLoader ??= new DataLoader(async (ids) => {
      const found = await this.repos.users.findByIds(actor.tenantId, ids);
      const byId = new Map(found.map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    }));
  }

  messages(actor: Actor): DataLoader<string, Message | null> {
    return (this.messageLoader ??= new DataLoader(async (ids) => {
      const found = await this.repos.messages.findByIds(actor.tenantId, ids);
      const byId = new Map(found.map((m) => [m.id, m]));
      return ids.map((id) => byId.get(id) ?? null);
    }));
  }

  conversations(actor: Actor): DataLoader<string, Conversation | null> {
    return (this.conversationLoader ??= new DataLoader(async (ids) => {
      const found = await this.repos.conversations.findByIds(actor.tenantId, ids);
      const byId = new Map(found.map((c) => [c.id, c]));
      return ids.map((id) => byId.get(id) ?? null);
    }));
  }

  /** The actor's own membership, by conversation id. */
  myMembership(actor: Actor): DataLoader<string, Member | null> {
    return (this.memberLoader ??= new DataLoader((ids) =>
      Promise.all(
        ids.map((id) => this.repos.conversations.getMember(actor.tenantId, id, actor.userId)),
      ),
    ));
  }

  reactions(actor: Actor): DataLoader<string, ReactionSummary[]> {
    return (this.reactionLoader ??= new DataLoader(async (ids) => {
      const all = await this.repos.messages.reactions(actor.tenantId, ids, actor.userId);
      const grouped = new Map<string, ReactionSummary[]>(ids.map((id) => [id, []]));
      for (const r of all) grouped.get(r.messageId)?.push(r);
      return ids.map((id) => grouped.get(id) ?? []);
    }));
  }

  /** Polls and their results as the actor sees them, by message id (`load` reads a batch). */
  polls(
    _actor: Actor,
    load: (ids: readonly string[]) => Promise<PollView[]>,
  ): DataLoader<string, PollView | null> {
    return (this.pollLoader ??= new DataLoader(async (ids) => {
      const found = new Map((await load(ids)).map((v) => [v.poll.messageId, v]));
      return ids.map((id) => found.get(id) ?? null);
    }));
  }

  /**
   * The viewer's view of users (contact, blocked, phone and presence visibility): every user
   * field of one operation shares one batch (`load`, the policy's batch read, is used by the
   * first field that asks).
   */
  userViews(load: UserBatch<UserView>): DataLoader<User, UserView, UserId> {
    return (this.viewLoader ??= userLoader(load));
  }

  /** Presence as the viewer may see it, for every user of one operation in one batch. */
  presence(load: UserBatch<PresenceState>): DataLoader<User, PresenceState, UserId> {
    return (this.presenceLoader ??= userLoader(load));
  }

  /**
   * A batch read by message id that a resolver defines (thread summaries, my thread states, my
   * stars): one loader per name and operation, cleared with the others.
   */
  byMessage<V>(
    name: string,
    load: (ids: readonly string[]) => Promise<Map<string, V>>,
    fallback: V,
  ): DataLoader<string, V> {
    let loader = this.named?.get(name) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(async (ids) => {
        const found = await load(ids);
        return ids.map((id) => (found.has(id) ? found.get(id)! : fallback));
      });
      (this.named ??= new Map()).set(name, loader as DataLoader<string, unknown>);
    }
    return loader;
  }

  /**
   * A feature's own loader, made once per operation by `make` and cleared with the others
   * (a subscription renders each event afresh: nothing read for an earlier event is reused).
   */
  scoped<K, V>(key: symbol, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.extra?.get(key) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = make();
      (this.extra ??= new Map()).set(key, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }

  /** Drops cached reads (a subscription reuses one context across events). */
  clear(): void {
    for (const loader of this.extra?.values() ?? []) loader.clearAll();
    for (const loader of this.named?.values() ?? []) loader.clearAll();
    this.userLoader?.clearAll();
    this.messageLoader?.clearAll();
    this.conversationLoader?.clearAll();
    this.memberLoader?.clearAll();
    this.reactionLoader?.clearAll();
    this.pollLoader?.clearAll();
    this.viewLoader?.clearAll();
    this.presenceLoader?.clearAll();
  }
}

function userLoader<V>(load: UserBatch<V>): DataLoader<User, V, UserId> {
  return new DataLoader<User, V, UserId>(
    async (users) => {
      const found = await load(users);
      return users.map((u) => found.get(u.id) ?? new Error(`no answer for user ${u.id}`));
    },
    { cacheKeyFn: (u) => u.id, maxBatchSize: MAX_USER_BATCH },
  );
}
