import { CallSummary, Message, NewMessage } from '@chatter/core';
import { fromMs, fromMsOrNull, toMs } from '../time';

export interface MessageRow {
  tenant_id: string;
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_message_id: string;
  body: string | null;
  reply_to_id: string | null;
  /** JSON array of user ids. */
  mentions: string;
  mentions_all: number;
  /** JSON of the CallSummary a call-history message records; null otherwise. */
  call: string | null;
  thread_root_id: string | null;
  forwarded: number;
  created_at: number;
  edited_at: number | null;
  deleted_at: number | null;
  expires_at: number | null;
}

/** Column list matching MessageRow, for SELECTs (prefix with an alias where joined). */
export const MESSAGE_COLUMNS =
  'tenant_id, id, conversation_id, seq, sender_id, client_message_id, body, reply_to_id, mentions, mentions_all, call, thread_root_id, forwarded, created_at, edited_at, deleted_at, expires_at';

export const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  tenantId: row.tenant_id,
  conversationId: row.conversation_id,
  seq: row.seq,
  senderId: row.sender_id,
  clientMessageId: row.client_message_id,
  body: row.body,
  replyToId: row.reply_to_id,
  mentions: JSON.parse(row.mentions) as string[],
  mentionsAll: row.mentions_all === 1,
  call: row.call === null ? null : (JSON.parse(row.call) as CallSummary),
  threadRootId: row.thread_root_id,
  forwarded: row.forwarded === 1,
  createdAt: fromMs(row.created_at),
  editedAt: fromMsOrNull(row.edited_at),
  deletedAt: fromMsOrNull(row.deleted_at),
  expiresAt: fromMsOrNull(row.expires_at),
});

export const fromNewMessage = (input: NewMessage, seq: number): MessageRow => ({
  tenant_id: input.tenantId,
  id: input.id,
  conversation_id: input.conversationId,
  seq,
  sender_id: input.senderId,
  client_message_id: input.clientMessageId,
  body: input.body,
  reply_to_id: input.replyToId,
  mentions: JSON.stringify(input.mentions.userIds),
  mentions_all: input.mentions.all ? 1 : 0,
  call: input.call ? JSON.stringify(input.call) : null,
  thread_root_id: input.threadRootId ?? null,
  forwarded: input.forwarded ? 1 : 0,
  created_at: toMs(input.createdAt),
  edited_at: null,
  deleted_at: null,
  expires_at: input.expiresAt ? toMs(input.expiresAt) : null,
});
