import { ConversationId, TenantId, UserId } from '../shared/ids';
import type { MentionAllPolicy } from './mention-all-policy';

export type ConversationKind = 'DIRECT' | 'GROUP' | 'CHANNEL';
/**
 * OWNER and ADMIN run a group or channel; a MODERATOR (appointed by an owner) deletes anyone's
 * messages; what each may do is named in `moderation/permissions.ts`.
 */
export type MemberRole = 'OWNER' | 'ADMIN' | 'MODERATOR' | 'MEMBER';

/**
 * What a member sees of the history (docs/realtime.md, "History visibility"). FULL: all of it,
 * including what was posted before they joined or while they were out. SINCE_JOINED: only
 * what follows their latest joining; a removed member who is added again starts over from the
 * new joining. Either way a removed member sees nothing of the conversation until added again.
 * A change of the setting applies to members added after it.
 */
export type HistoryVisibility = 'FULL' | 'SINCE_JOINED';

/** Groups start with SINCE_JOINED (as in WhatsApp); channels and direct chats with FULL. */
export const defaultHistoryVisibility = (kind: ConversationKind): HistoryVisibility =>
  kind === 'GROUP' ? 'SINCE_JOINED' : 'FULL';

export interface Conversation {
  id: ConversationId;
  tenantId: TenantId;
  kind: ConversationKind;
  title: string | null;
  /**
   * Uniqueness key within the tenant: `dm:<a>:<b>` (sorted ids) for direct chats, `channel:general`
   * for the default channel; null otherwise.
   */
  uniqueKey: string | null;
  /** Seq of the latest ordered event of this conversation (0 when none). */
  lastSeq: number;
  lastMessageId: string | null;
  lastActivityAt: Date;
  memberCount: number;
  /** What members added from now on see of the history before their joining. */
  historyVisibility: HistoryVisibility;
  /** Who may mention everyone (`@all`); meaningless in direct chats. */
  mentionAll: MentionAllPolicy;
  /** What the group or channel is about (its topic); null when none. */
  description: string | null;
  /**
   * Disappearing messages: messages sent while this is set expire this many seconds after they
   * were sent (one of the configured timers, `CoreSettings.disappearingTimers`); null when off.
   */
  disappearAfterSeconds: number | null;
  createdBy: UserId | null;
  createdAt: Date;
}

/**
 * The key under which a channel's name is unique in its tenant: compatibility-normalised,
 * trimmed, inner whitespace collapsed and lower-cased, so "Team  News" and "team news" are the
 * same name. Stores keep it beside the title and refuse a second channel with the same key.
 */
export const channelNameKey = (title: string): string =>
  title.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();

export interface Member {
  tenantId: TenantId;
  conversationId: ConversationId;
  userId: UserId;
  role: MemberRole;
  joinedAt: Date;
  /**
   * The member sees the log after this seq: 0 (everything) under FULL, the seq of their ADDED
   * entry under SINCE_JOINED. Set when the member is added; initial members get 0.
   */
  historyFromSeq: number;
  /** Highest seq this member has read (only moves forward). */
  readSeq: number;
  /** Highest seq a client of this member acknowledged receiving (only moves forward). */
  deliveredSeq: number;
  muted: boolean;
  pinned: boolean;
  archived: boolean;
}

export type MemberSettingsPatch = Partial<Pick<Member, 'muted' | 'pinned' | 'archived'>>;

export const directKey = (a: UserId, b: UserId): string =>
  a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
export const GENERAL_CHANNEL_KEY = 'channel:general';

/** The other participant of a direct conversation; null for groups, channels and non-members. */
export const otherMemberOf = (conversation: Conversation, userId: UserId): UserId | null => {
  if (conversation.kind !== 'DIRECT' || !conversation.uniqueKey?.startsWith('dm:')) return null;
  const [, a, b] = conversation.uniqueKey.split(':');
  if (!a || !b) return null;
  if (a === userId) return b;
  return b === userId ? a : null;
};
