import { randomBytes } from 'node:crypto';
import {
  Conversation,
  ConversationId,
  GENERAL_CHANNEL_KEY,
  NO_MENTIONS,
  defaultMentionAllPolicy,
  NewMessage,
  RefreshToken,
  Session,
  Tenant,
  TenantId,
  User,
  UserId,
  directKey,
  newId,
} from '@chatter/core';

/*
 * Builders for domain objects. Defaults are unique per call (ids, phones, tenant slugs) and
 * timestamps come from one strictly increasing test clock, so creation order is also time order.
 */

let clockMs = Date.UTC(2030, 0, 1);
let phoneCounter = 0;
let titleCounter = 0;

/** The next instant of the shared test clock: one second after the previous call. */
export const nextTime = (): Date => new Date((clockMs += 1000));

/** A fresh tenant slug (matches TENANT_ID_PATTERN). */
export const aTenantId = (): TenantId => `t-${randomBytes(6).toString('hex')}`;

/** A fresh E.164 number; unique within this process. */
export const aPhone = (): string => `+1555${String(++phoneCounter).padStart(7, '0')}`;

export function aTenant(overrides: Partial<Tenant> = {}): Tenant {
  const id = overrides.id ?? aTenantId();
  return {
    id,
    name: `Tenant ${id}`,
    signingSecret: randomBytes(32).toString('base64url'),
    phoneSignUp: true,
    attachmentRetentionDays: null,
    createdAt: nextTime(),
    ...overrides,
  };
}

export function aUser(tenantId: TenantId, overrides: Partial<User> = {}): User {
  const at = overrides.createdAt ?? nextTime();
  return {
    id: newId(),
    tenantId,
    phone: aPhone(),
    externalId: null,
    isBot: false,
    name: `User ${phoneCounter}`,
    avatarUrl: null,
    statusText: null,
    statusEmoji: null,
    presencePrivacy: 'EVERYONE',
    lastSeenAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A group conversation by default; override `kind`, `title`, `uniqueKey` as needed. */
export function aConversation(
  tenantId: TenantId,
  overrides: Partial<Conversation> = {},
): Conversation {
  const at = overrides.createdAt ?? nextTime();
  return {
    id: newId(),
    tenantId,
    kind: 'GROUP',
    title: `Group ${++titleCounter}`,
    uniqueKey: null,
    lastSeq: 0,
    lastMessageId: null,
    lastActivityAt: at,
    memberCount: 0,
    historyVisibility: 'FULL',
    mentionAll: defaultMentionAllPolicy(overrides.kind ?? 'GROUP'),
    description: null,
    disappearAfterSeconds: null,
    createdBy: null,
    createdAt: at,
    ...overrides,
  };
}

/** The direct conversation of two users (uniqueKey from `directKey`). */
export function aDirectConversation(
  tenantId: TenantId,
  a: UserId,
  b: UserId,
  overrides: Partial<Conversation> = {},
): Conversation {
  return aConversation(tenantId, {
    kind: 'DIRECT',
    title: null,
    uniqueKey: directKey(a, b),
    createdBy: a,
    ...overrides,
  });
}

export function aChannel(
  tenantId: TenantId,
  title: string,
  overrides: Partial<Conversation> = {},
): Conversation {
  return aConversation(tenantId, { kind: 'CHANNEL', title, ...overrides });
}

/** The tenant's default channel (uniqueKey GENERAL_CHANNEL_KEY). */
export function aGeneralChannel(
  tenantId: TenantId,
  overrides: Partial<Conversation> = {},
): Conversation {
  return aChannel(tenantId, 'general', { uniqueKey: GENERAL_CHANNEL_KEY, ...overrides });
}

export function aMessage(
  tenantId: TenantId,
  conversationId: ConversationId,
  senderId: UserId,
  overrides: Partial<NewMessage> = {},
): NewMessage {
  return {
    id: newId(),
    tenantId,
    conversationId,
    senderId,
    clientMessageId: newId(),
    body: 'hello',
    replyToId: null,
    mentions: NO_MENTIONS,
    createdAt: nextTime(),
    ...overrides,
  };
}

export function aSession(
  tenantId: TenantId,
  userId: UserId,
  overrides: Partial<Session> = {},
): Session {
  return { id: newId(), tenantId, userId, createdAt: nextTime(), revokedAt: null, ...overrides };
}

export function aRefreshToken(
  sessionId: string,
  overrides: Partial<RefreshToken> = {},
): RefreshToken {
  const createdAt = overrides.createdAt ?? nextTime();
  return {
    tokenHash: randomBytes(32).toString('hex'),
    sessionId,
    createdAt,
    expiresAt: new Date(createdAt.getTime() + 30 * 24 * 3600_000),
    usedAt: null,
    ...overrides,
  };
}
