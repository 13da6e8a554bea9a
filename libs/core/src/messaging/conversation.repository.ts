import type { MentionAllPolicy } from './mention-all-policy';
import { Page, PageRequest } from '../shared/page';
import { ConversationId, TenantId, UserId } from '../shared/ids';
import {
  Conversation,
  HistoryVisibility,
  Member,
  MemberRole,
  MemberSettingsPatch,
} from './conversation';
import { LoggedEvent, MembershipChange, NoticeEvent } from './message';
import { FormerMember } from './read-periods';

export interface NewMember {
  userId: UserId;
  role: MemberRole;
}

/** What `settleSeqs` found: the committed entries; every other seq of the range is void, except `pending`. */
export interface SettledSeqs {
  /** Committed entries of the range, in seq order. */
  entries: LoggedEvent[];
  /**
   * Seqs whose write is under way and can no longer be stopped: they may still commit (the
   * reader waits for them a while longer).
   */
  pending: number[];
}

export interface MemberMutation {
  /** The log entry recorded with the change (its seq orders it in the conversation). */
  event: LoggedEvent;
  member: Member | null;
}

/**
 * Conversations, their members and their ordered log. Every method is tenant-scoped. Methods
 * that change membership or conversation attributes record a log entry with the next seq in
 * the same atomic step.
 */
export abstract class ConversationRepository {
  /**
   * Creates the conversation and its initial members (no log entries: seq starts at 0). A
   * channel whose name (`channelNameKey` of its title) another channel of the tenant has is
   * refused with CONFLICT; so is such a rename in `updateTitle`.
   */
  abstract create(conversation: Conversation, members: NewMember[]): Promise<Conversation>;
  /**
   * Returns the conversation holding `conversation.uniqueKey`, creating it with `members` if
   * absent. Concurrent callers all get the same conversation.
   */
  abstract findOrCreateUnique(
    conversation: Conversation,
    members: NewMember[],
  ): Promise<{ conversation: Conversation; created: boolean }>;
  abstract findById(tenantId: TenantId, id: ConversationId): Promise<Conversation | null>;
  abstract findByIds(tenantId: TenantId, ids: readonly ConversationId[]): Promise<Conversation[]>;
  abstract findByUniqueKey(tenantId: TenantId, key: string): Promise<Conversation | null>;
  /** The user's conversations with their membership, most recent activity first. */
  abstract listForUser(
    tenantId: TenantId,
    userId: UserId,
    page: PageRequest,
  ): Promise<Page<{ conversation: Conversation; member: Member }>>;
  /** Public channels of the tenant whose title contains `query` (case-insensitive), by title. */
  abstract searchChannels(
    tenantId: TenantId,
    query: string | null,
    page: PageRequest,
  ): Promise<Page<Conversation>>;
  /**
   * Ids of the conversations the user is a member of (stream subscriptions), in no particular
   * order; when there are more than `limit`, the `limit` most recently active.
   */
  abstract listIdsForUser(
    tenantId: TenantId,
    userId: UserId,
    limit: number,
  ): Promise<ConversationId[]>;
  /** Ids of users who share a direct or group conversation with the user, at most `limit`. */
  abstract listPeerIds(tenantId: TenantId, userId: UserId, limit: number): Promise<UserId[]>;

  abstract getMember(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
  ): Promise<Member | null>;
  /**
   * What the user keeps of the conversation from past memberships (also while a member again);
   * null when they never left it.
   */
  abstract getFormerMember(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
  ): Promise<FormerMember | null>;
  /** Conversations the user left or was removed from and is not a member of now, at most `limit`. */
  abstract listFormerIdsForUser(
    tenantId: TenantId,
    userId: UserId,
    limit: number,
  ): Promise<ConversationId[]>;
  /** Members by join time. */
  abstract listMembers(
    tenantId: TenantId,
    conversationId: ConversationId,
    page: PageRequest,
  ): Promise<Page<Member>>;
  abstract countMembersWithRole(
    tenantId: TenantId,
    conversationId: ConversationId,
    role: MemberRole,
  ): Promise<number>;

  /**
   * Adds those of `members` who are not members yet, each with an ADDED log entry. Returns one
   * mutation per member actually added, in order. `actorId`, who made a change, is recorded in
   * its log entry here and below (the timeline says "Ada added Dan").
   */
  abstract addMembers(
    tenantId: TenantId,
    conversationId: ConversationId,
    members: NewMember[],
    at: Date,
    actorId?: UserId,
  ): Promise<MemberMutation[]>;
  /**
   * Removes the member with a REMOVED or LEFT log entry; null when not a member. In the same
   * atomic step the user's former-member record gets the period that ends here (`closePeriod`:
   * from their history start to this entry's seq) and how it ended, so they keep reading it.
   */
  abstract removeMember(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    change: Extract<MembershipChange, 'REMOVED' | 'LEFT'>,
    at: Date,
    actorId?: UserId,
  ): Promise<MemberMutation | null>;
  /** Sets the role with a ROLE_CHANGED log entry (which records the role); null when not a member. */
  abstract setRole(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    role: MemberRole,
    at: Date,
    actorId?: UserId,
  ): Promise<MemberMutation | null>;
  /** Per-member settings (not logged: they concern one member only). Null when not a member. */
  abstract updateMemberSettings(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    patch: MemberSettingsPatch,
  ): Promise<Member | null>;
  /**
   * Sets the title with a CONVERSATION_CHANGED log entry (attribute TITLE, the new title); null
   * when the conversation is absent.
   */
  abstract updateTitle(
    tenantId: TenantId,
    conversationId: ConversationId,
    title: string,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null>;
  /**
   * Sets (or with '' clears) the description with a CONVERSATION_CHANGED log entry (attribute
   * DESCRIPTION, the new description); null when the conversation is absent.
   */
  abstract updateDescription(
    tenantId: TenantId,
    conversationId: ConversationId,
    description: string,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null>;
  /**
   * Sets what members added from now on see of the history, with a CONVERSATION_CHANGED log
   * entry; null when the conversation is absent. Members already in keep their history start.
   */
  abstract updateHistoryVisibility(
    tenantId: TenantId,
    conversationId: ConversationId,
    visibility: HistoryVisibility,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null>;
  /**
   * Sets (null: turns off) the disappearing-messages timer with a CONVERSATION_CHANGED log entry
   * (attribute DISAPPEARING, the seconds, '0' when off); null when the conversation is absent.
   */
  abstract updateDisappearing(
    tenantId: TenantId,
    conversationId: ConversationId,
    seconds: number | null,
    at: Date,
    actorId?: UserId,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null>;
  /** Sets who may mention everyone, with a CONVERSATION_CHANGED log entry; null when absent. */
  abstract updateMentionAll(
    tenantId: TenantId,
    conversationId: ConversationId,
    policy: MentionAllPolicy,
    at: Date,
  ): Promise<{ conversation: Conversation; event: LoggedEvent } | null>;
  /**
   * Moves the member's read pointer to max(current, seq) and returns the member; null when not
   * a member. `seq` is clamped to the conversation's lastSeq.
   */
  abstract advanceRead(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    seq: number,
  ): Promise<Member | null>;
  /** Same for the delivered pointer. */
  abstract advanceDelivered(
    tenantId: TenantId,
    conversationId: ConversationId,
    userId: UserId,
    seq: number,
  ): Promise<Member | null>;
  /**
   * Members other than `excludeUserId` who received everything up to `seq`: their deliveredSeq
   * or their readSeq (reading implies receipt) is at least `seq`.
   */
  abstract countDelivered(
    tenantId: TenantId,
    conversationId: ConversationId,
    seq: number,
    excludeUserId: UserId,
  ): Promise<number>;
  /** Members other than `excludeUserId` whose readSeq is at least `seq`. */
  abstract countReaders(
    tenantId: TenantId,
    conversationId: ConversationId,
    seq: number,
    excludeUserId: UserId,
  ): Promise<number>;

  /**
   * Membership and conversation entries (the timeline's lines) with seq > afterSeq in seq
   * order, at most `limit`; message entries are skipped.
   */
  abstract listNotices(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterSeq: number,
    limit: number,
  ): Promise<NoticeEvent[]>;

  /** Log entries with seq > afterSeq in seq order, at most `limit`. */
  abstract listEvents(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterSeq: number,
    limit: number,
  ): Promise<LoggedEvent[]>;

  /**
   * Settles the seqs after `afterSeq` up to `upToSeq` for a reader that waited for them in vain
   * (a stream behind a seq hole): returns the entries committed among them, and makes every other
   * seq of the range void for good, so that a writer still holding one of them can no longer
   * commit under it (it takes a later seq instead) — except `pending` seqs, whose write has gone
   * too far to be stopped and may still commit. Seqs above the conversation's lastSeq have not been
   * given out and are left alone (a reader only asks about seqs below one it has seen). Every instance sharing the store sees the same outcome, so a
   * seq a reader skipped can never show up afterwards, live or on resume.
   */
  abstract settleSeqs(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterSeq: number,
    upToSeq: number,
  ): Promise<SettledSeqs>;
}
