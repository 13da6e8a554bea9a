import { registerEnumType } from '@nestjs/graphql';

export enum PresenceStatusEnum {
  ONLINE = 'ONLINE',
  AWAY = 'AWAY',
  OFFLINE = 'OFFLINE',
}
export enum PresencePrivacyEnum {
  EVERYONE = 'EVERYONE',
  CONTACTS = 'CONTACTS',
  NOBODY = 'NOBODY',
}
export enum ConversationKindEnum {
  DIRECT = 'DIRECT',
  GROUP = 'GROUP',
  CHANNEL = 'CHANNEL',
}
export enum MemberRoleEnum {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  MODERATOR = 'MODERATOR',
  MEMBER = 'MEMBER',
}
export enum SanctionKindEnum {
  SUSPENDED = 'SUSPENDED',
  BANNED = 'BANNED',
}
export enum TenantRoleEnum {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
}
export enum MembershipChangeEnum {
  ADDED = 'ADDED',
  REMOVED = 'REMOVED',
  LEFT = 'LEFT',
  ROLE_CHANGED = 'ROLE_CHANGED',
}

export enum HistoryVisibilityEnum {
  FULL = 'FULL',
  SINCE_JOINED = 'SINCE_JOINED',
}

registerEnumType(HistoryVisibilityEnum, {
  name: 'HistoryVisibility',
  description:
    'What a member sees of the history: FULL (all of it, also what was posted before they joined or while they were out) or SINCE_JOINED (only what follows their latest joining). Applies to members added after it is set.',
});
export enum MentionAllPolicyEnum {
  ADMINS = 'ADMINS',
  MEMBERS = 'MEMBERS',
}

registerEnumType(MentionAllPolicyEnum, {
  name: 'MentionAllPolicy',
  description:
    'Who may mention everyone with @all in a group or channel: ADMINS (owners and admins) or every member. An @all the author may not use stays plain text.',
});
registerEnumType(PresenceStatusEnum, { name: 'PresenceStatus' });
registerEnumType(PresencePrivacyEnum, {
  name: 'PresencePrivacy',
  description: 'Who may see my presence and last-seen time.',
});
registerEnumType(ConversationKindEnum, { name: 'ConversationKind' });
registerEnumType(MemberRoleEnum, {
  name: 'MemberRole',
  description:
    "MODERATOR (appointed by owners) deletes anyone's message; ADMIN also manages members.",
});
registerEnumType(SanctionKindEnum, {
  name: 'SanctionKind',
  description: 'SUSPENDED until a time; BANNED until lifted.',
});
registerEnumType(TenantRoleEnum, {
  name: 'TenantRole',
  description:
    'A role in the tenant: OWNER manages owners and admins; both moderate every public channel.',
});
registerEnumType(MembershipChangeEnum, { name: 'MembershipChange' });
