import { ConversationKind, MemberRole } from './conversation';

/**
 * Who may mention everyone (`@all`) in a group or channel: ADMINS (owners and admins) or every
 * MEMBER. Direct chats have no `@all`. An `@all` the author may not use is plain text.
 */
export type MentionAllPolicy = 'ADMINS' | 'MEMBERS';

export const MENTION_ALL_POLICIES: readonly MentionAllPolicy[] = ['ADMINS', 'MEMBERS'];

/** Groups let every member use `@all`; channels (often large) only their admins. */
export const defaultMentionAllPolicy = (kind: ConversationKind): MentionAllPolicy =>
  kind === 'CHANNEL' ? 'ADMINS' : 'MEMBERS';

export const mayMentionAll = (
  kind: ConversationKind,
  policy: MentionAllPolicy,
  role: MemberRole,
): boolean => kind !== 'DIRECT' && (policy === 'MEMBERS' || role === 'OWNER' || role === 'ADMIN');
