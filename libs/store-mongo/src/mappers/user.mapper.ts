import type { User } from '@chatter/core';
import type { UserRecord } from '../schemas/user.schema';

export const toUser = (r: UserRecord): User => ({
  id: r._id,
  tenantId: r.tenantId,
  phone: r.phone ?? null,
  externalId: r.externalId ?? null,
  isBot: r.isBot === true,
  name: r.name,
  avatarUrl: r.avatarUrl ?? null,
  statusText: r.statusText ?? null,
  statusEmoji: r.statusEmoji ?? null,
  presencePrivacy: r.presencePrivacy,
  lastSeenAt: r.lastSeenAt ?? null,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

export const fromUser = (u: User): UserRecord => ({
  _id: u.id,
  tenantId: u.tenantId,
  phone: u.phone,
  externalId: u.externalId,
  isBot: u.isBot,
  name: u.name,
  avatarUrl: u.avatarUrl,
  statusText: u.statusText,
  statusEmoji: u.statusEmoji,
  presencePrivacy: u.presencePrivacy,
  lastSeenAt: u.lastSeenAt,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});
