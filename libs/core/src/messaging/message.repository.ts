import { ConversationId, MessageId, TenantId, UserId } from '../shared/ids';
import { LoggedEvent, Message, ReactionSummary } from './message';
import { MentionSet } from './mention-syntax';
import type { CallSummary } from '../calls/call';

export interface NewMessage {
  id: MessageId;
  tenantId: TenantId;
  conversationId: ConversationId;
  senderId: UserId;
  clientMessageId: string;
  body: string;
  replyToId: MessageId | null;
  mentions: MentionSet;
  /** The call this message records (call history); absent for ordinary messages. */
  call?: CallSummary | null;
  /** The thread root this message replies to; absent or null for a timeline message. */
  threadRootId?: MessageId | null;
  /** Whether the message is a forwarded copy. */
  forwarded?: boolean;
  createdAt: Date;
  /** When the message disappears (its conversation's timer when sent); absent or null: never. */
  expiresAt?: Date | null;
}

/** A message whose time is up, as the sweeper finds it. */
export interface ExpiredMessageRef {
  tenantId: TenantId;
  conversationId: ConversationId;
  id: MessageId;
  seq: number;
}

/** What a thread's root shows about its replies (deleted replies are not counted). */
export interface ThreadSummaryRow {
  rootId: MessageId;
  replyCount: number;
  lastReplyAt: Date | null;
  /** Seq of the latest live reply (0 without one). */
  lastReplySeq: number;
  /** Senders of live replies, by their first reply, at most MAX_THREAD_PARTICIPANTS. */
  participantIds: UserId[];
}

/** How many participants a thread summary names at most. */
export const MAX_THREAD_PARTICIPANTS = 5;

export interface MessageMutation {
  message: Message;
  event: LoggedEvent;
  /**
   * Edits only: the mentions this version adds that no earlier version of the message had, so
   * each person is notified of a message at most once however often it is edited.
   */
  addedMentions?: MentionSet;
}

export interface SeqRange {
  /** Exclusive lower bound. */
  afterSeq?: number;
  /** Exclusive upper bound. */
  beforeSeq?: number;
  limit: number;
  /** 'forward' returns the lowest seqs of the range first; 'backward' the highest first. */
  direction: 'forward' | 'backward';
  /**
   * Undefined: every message; null: the main timeline only (no thread replies); an id: only the
   * replies of that thread.
   */
  threadRootId?: MessageId | null;
}

export interface SearchHit {
  message: Message;
  rank: number;
}

/** Messages, their reactions and the log entries their changes record. Tenant-scoped. */
export abstract class MessageRepository {
  /**
   * Appends a message: idempotent on (tenant, sender, clientMessageId) — an existing message
   * with that key is returned with created=false and nothing changes. Otherwise the
   * conversation's next seq is assigned atomically, a MESSAGE_ADDED log entry is recorded and
   * the conversation's lastMessageId/lastActivityAt are updated. Safe under concurrency, also
   * across processes sharing the store.
   */
  abstract append(
    input: NewMessage,
  ): Promise<{ message: Message; event: LoggedEvent | null; created: boolean }>;
  abstract findById(tenantId: TenantId, id: MessageId): Promise<Message | null>;
  abstract findByIds(tenantId: TenantId, ids: readonly MessageId[]): Promise<Message[]>;
  /** Messages of the conversation within the range, ordered as `direction` says. */
  abstract listBySeq(
    tenantId: TenantId,
    conversationId: ConversationId,
    range: SeqRange,
  ): Promise<Message[]>;
  /**
   * New body, mentions and editedAt, with a MESSAGE_UPDATED entry; null when absent or deleted.
   * The result's `addedMentions` are the mentions no earlier version had (decided atomically
   * with the edit).
   */
  abstract edit(
    tenantId: TenantId,
    id: MessageId,
    body: string,
    mentions: MentionSet,
    at: Date,
  ): Promise<MessageMutation | null>;
  /**
   * Ids of up to `limit` messages the user sent in the tenant that are not deleted (any order):
   * what "remove all their messages" tombstones, batch after batch.
   */
  abstract listLiveIdsBySender(
    tenantId: TenantId,
    senderId: UserId,
    limit: number,
  ): Promise<MessageId[]>;
  /**
   * Ids of up to `limit` messages of the tenant created before `before` that are not deleted,
   * oldest first: what message retention tombstones, batch after batch.
   */
  abstract listLiveIdsCreatedBefore(
    tenantId: TenantId,
    before: Date,
    limit: number,
  ): Promise<MessageId[]>;
  /** Tombstones (body null, deletedAt set, reactions cleared) with a MESSAGE_UPDATED entry; null when absent or already deleted. */
  abstract tombstone(tenantId: TenantId, id: MessageId, at: Date): Promise<MessageMutation | null>;
  /** Adds the user's reaction with a MESSAGE_UPDATED entry; null when the user already reacted so. */
  abstract addReaction(
    tenantId: TenantId,
    id: MessageId,
    userId: UserId,
    emoji: string,
    at: Date,
  ): Promise<MessageMutation | null>;
  /** Removes it with a MESSAGE_UPDATED entry; null when there was no such reaction. */
  abstract removeReaction(
    tenantId: TenantId,
    id: MessageId,
    userId: UserId,
    emoji: string,
    at: Date,
  ): Promise<MessageMutation | null>;
  /** Reaction summaries for the messages as seen by `viewerId`, grouped per message, emoji by first use. */
  abstract reactions(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
    viewerId: UserId,
  ): Promise<ReactionSummary[]>;
  /**
   * Records a MESSAGE_UPDATED entry for a thread root whose replies changed (a reply added or
   * deleted), so its summary reaches live and resuming readers; null when the root is absent.
   */
  abstract touchThread(
    tenantId: TenantId,
    rootId: MessageId,
    at: Date,
  ): Promise<MessageMutation | null>;
  /** Summaries of the threads under the roots (one per root, zero counts for none), in order. */
  abstract threadSummaries(
    tenantId: TenantId,
    rootIds: readonly MessageId[],
  ): Promise<ThreadSummaryRow[]>;
  /** Live replies of the thread after `afterSeq` not sent by the user. */
  abstract countThreadUnread(
    tenantId: TenantId,
    rootId: MessageId,
    userId: UserId,
    afterSeq: number,
  ): Promise<number>;
  /** Timeline messages (no thread replies) after `afterSeq` not sent by the user and not deleted. */
  abstract countUnread(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    afterSeq: number,
  ): Promise<number>;
  /**
   * Messages after `afterSeq`, not sent by the user and not deleted, that mention the user or
   * everyone.
   */
  abstract countUnreadMentions(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    afterSeq: number,
  ): Promise<number>;
  /**
   * Up to `limit` messages (any tenant) whose expiresAt is at or before `now`, soonest expired
   * first: what the sweeper deletes.
   */
  abstract listExpired(now: Date, limit: number): Promise<ExpiredMessageRef[]>;
  /**
   * Deletes the messages (with their reactions and search entries) that are expired at `now`;
   * no tombstone and no log entry is left. Returns the ids it deleted (a message deleted by
   * another sweeper meanwhile is not among them).
   */
  abstract deleteExpired(
    tenantId: TenantId,
    ids: readonly MessageId[],
    now: Date,
  ): Promise<MessageId[]>;
  /**
   * Full-text search over non-deleted messages in conversations the user is a member of
   * (optionally one conversation), best match first, then newest. `offset` pages.
   */
  abstract search(
    tenantId: TenantId,
    userId: UserId,
    query: string,
    conversationId: ConversationId | null,
    offset: number,
    limit: number,
  ): Promise<SearchHit[]>;
}
