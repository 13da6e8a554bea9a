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
  MEMBER = 'MEMBER',
}
export enum MembershipChangeEnum {
  ADDED = 'ADDED',
  REMOVED = 'REMOVED',
  LEFT = 'LEFT',
  ROLE_CHANGED = 'ROLE_CHANGED',
}

registerEnumType(PresenceStatusEnum, { name: 'PresenceStatus' });
registerEnumType(PresencePrivacyEnum, { name: 'PresencePrivacy', description: 'Who may see my presence and last-seen time.' });
registerEnumType(ConversationKindEnum, { name: 'ConversationKind' });
registerEnumType(MemberRoleEnum, { name: 'MemberRole' });
registerEnumType(MembershipChangeEnum, { name: 'MembershipChange' });
