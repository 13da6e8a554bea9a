import { foldForSearch, searchTokens } from '@chatter/core';
import type { Message, NewMessage } from '@chatter/core';
import type { MessageRecord } from '../schemas/message.schema';

/** Maps a committed message (one with a seq). */
export const toMessage = (r: MessageRecord): Message => ({
  id: r._id,
  tenantId: r.tenantId,
  conversationId: r.conversationId,
  seq: r.seq ?? 0,
  senderId: r.senderId,
  clientMessageId: r.clientMessageId,
  body: r.body ?? null,
  replyToId: r.replyToId ?? null,
  mentions: r.mentions ?? [],
  mentionsAll: r.mentionsAll ?? false,
  call: r.call ?? null,
  threadRootId: r.threadRootId ?? null,
  forwarded: r.forwarded ?? false,
  createdAt: r.createdAt,
  editedAt: r.editedAt ?? null,
  deletedAt: r.deletedAt ?? null,
  expiresAt: r.expiresAt ?? null,
});

/** The claim document of a new message: everything but its seq. */
/** The index tokens of a body (none for a tombstone). */
export const searchTokensOf = (body: string | null): string[] =>
  body === null ? [] : searchTokens(foldForSearch(body));

export const toMessageClaim = (m: NewMessage, claimedAt: Date): MessageRecord => ({
  _id: m.id,
  tenantId: m.tenantId,
  conversationId: m.conversationId,
  senderId: m.senderId,
  clientMessageId: m.clientMessageId,
  body: m.body,
  searchTokens: searchTokensOf(m.body),
  replyToId: m.replyToId,
  mentions: m.mentions.userIds,
  mentionsAll: m.mentions.all,
  mentionedEver: m.mentions.userIds,
  mentionedAllEver: m.mentions.all,
  ...(m.call ? { call: m.call } : {}),
  ...(m.threadRootId ? { threadRootId: m.threadRootId } : {}),
  ...(m.forwarded ? { forwarded: true } : {}),
  createdAt: m.createdAt,
  editedAt: null,
  deletedAt: null,
  ...(m.expiresAt ? { expiresAt: m.expiresAt } : {}),
  lastUpdateSeq: 0,
  bodySeq: 0,
  claimedAt,
});
