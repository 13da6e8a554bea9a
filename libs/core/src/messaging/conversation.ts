import { ConversationId, TenantId, UserId } from '../shared/ids';

export type ConversationKind = 'DIRECT' | 'GROUP' | 'CHANNEL';
export type MemberRole = 'OWNER' | 'ADMIN' | 'MEMBER';

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
  createdBy: UserId | null;
  createdAt: Date;
}

export interface Member {
  tenantId: TenantId;
  conversationId: ConversationId;
  userId: UserId;
  role: MemberRole;
  joinedAt: Date;
  /** Highest seq this member has read (only moves forward). */
  readSeq: number;
  /** Highest seq a client of this member acknowledged receiving (only moves forward). */
  deliveredSeq: number;
  muted: boolean;
  pinned: boolean;
  archived: boolean;
}

export type MemberSettingsPatch = Partial<Pick<Member, 'muted' | 'pinned' | 'archived'>>;

export const directKey = (a: UserId, b: UserId): string => (a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`);
export const GENERAL_CHANNEL_KEY = 'channel:general';

/** The other participant of a direct conversation; null for groups, channels and non-members. */
export const otherMemberOf = (conversation: Conversation, userId: UserId): UserId | null => {
  if (conversation.kind !== 'DIRECT' || !conversation.uniqueKey?.startsWith('dm:')) return null;
  const [, a, b] = conversation.uniqueKey.split(':');
  if (!a || !b) return null;
  if (a === userId) return b;
  return b === userId ? a : null;
};
