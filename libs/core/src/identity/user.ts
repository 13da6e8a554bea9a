import { TenantId, UserId } from '../shared/ids';

export type PresencePrivacy = 'EVERYONE' | 'CONTACTS' | 'NOBODY';

export interface User {
  id: UserId;
  tenantId: TenantId;
  /** E.164; null for app-issued identities that have no phone number. */
  phone: string | null;
  /** The tenant's own id for app-issued identities; null for phone sign-ups. */
  externalId: string | null;
  /** A bot account (created by an operator, signs in with a bot token only). */
  isBot: boolean;
  name: string;
  avatarUrl: string | null;
  statusText: string | null;
  statusEmoji: string | null;
  presencePrivacy: PresencePrivacy;
  lastSeenAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A user's presence privacy setting is their own business: others see null. */
export const presencePrivacySeenBy = (
  user: Pick<User, 'id' | 'presencePrivacy'>,
  viewer: UserId,
): PresencePrivacy | null => (user.id === viewer ? user.presencePrivacy : null);

export type ProfilePatch = Partial<
  Pick<User, 'name' | 'avatarUrl' | 'statusText' | 'statusEmoji' | 'presencePrivacy'>
>;
