import { PresencePrivacy, User } from '@chatter/core';
import { fromMs, fromMsOrNull, toMs, toMsOrNull } from '../time';

export interface UserRow {
  tenant_id: string;
  id: string;
  phone: string | null;
  external_id: string | null;
  is_bot: number;
  name: string;
  avatar_url: string | null;
  status_text: string | null;
  status_emoji: string | null;
  presence_privacy: PresencePrivacy;
  last_seen_at: number | null;
  created_at: number;
  updated_at: number;
}

export const toUser = (row: UserRow): User => ({
  id: row.id,
  tenantId: row.tenant_id,
  phone: row.phone,
  externalId: row.external_id,
  isBot: row.is_bot === 1,
  name: row.name,
  avatarUrl: row.avatar_url,
  statusText: row.status_text,
  statusEmoji: row.status_emoji,
  presencePrivacy: row.presence_privacy,
  lastSeenAt: fromMsOrNull(row.last_seen_at),
  createdAt: fromMs(row.created_at),
  updatedAt: fromMs(row.updated_at),
});

export const fromUser = (user: User): UserRow => ({
  tenant_id: user.tenantId,
  id: user.id,
  phone: user.phone,
  external_id: user.externalId,
  is_bot: user.isBot ? 1 : 0,
  name: user.name,
  avatar_url: user.avatarUrl,
  status_text: user.statusText,
  status_emoji: user.statusEmoji,
  presence_privacy: user.presencePrivacy,
  last_seen_at: toMsOrNull(user.lastSeenAt),
  created_at: toMs(user.createdAt),
  updated_at: toMs(user.updatedAt),
});
