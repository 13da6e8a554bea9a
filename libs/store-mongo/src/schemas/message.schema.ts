import type { CallSummary } from '@chatter/core';
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const MESSAGE_MODEL = 'Message';
export const REACTION_MODEL = 'Reaction';

/**
 * A message. Until `seq` is set the document is only a claim on its idempotency key and invisible
 * to every read (see `conversation-log.ts`).
 */
@Schema({ collection: 'messages', versionKey: false })
export class MessageRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  conversationId!: string;

  /** Seq of its MESSAGE_ADDED entry; absent while the message is only claimed. */
  @Prop({ type: Number })
  seq?: number;

  @Prop({ type: String, required: true })
  senderId!: string;

  @Prop({ type: String, required: true })
  clientMessageId!: string;

  @Prop({ type: String, default: null })
  body!: string | null;

  @Prop({ type: String, default: null })
  replyToId!: string | null;

  /** The root of the thread this message replies in; absent or null for timeline messages. */
  @Prop({ type: String, default: undefined })
  threadRootId?: string | null;

  /** Set on a forwarded copy. */
  @Prop({ type: Boolean, default: undefined })
  forwarded?: boolean;

  /**
   * Search tokens of the folded body (`searchTokens` in core: word prefixes, and unit pairs of
   * unsegmented scripts and emoji); empty once deleted. Absent on messages stored before search
   * in every script, until the startup backfill reaches them.
   */
  @Prop({ type: [String], default: undefined })
  searchTokens?: string[];

  /** Resolved mentions of the stored body (user ids) and its `@all`. */
  @Prop({ type: [String], default: [] })
  mentions!: string[];

  @Prop({ type: Boolean, default: false })
  mentionsAll!: boolean;

  /** The call a call-history message records (CallSummary); absent on ordinary messages. */
  @Prop({ type: Object, default: undefined })
  call?: CallSummary | null;

  /** Every mention any version of the message had: an edit notifies only people not in here. */
  @Prop({ type: [String], default: [] })
  mentionedEver!: string[];

  @Prop({ type: Boolean, default: false })
  mentionedAllEver!: boolean;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  editedAt!: Date | null;

  @Prop({ type: Date, default: null })
  deletedAt!: Date | null;

  /** When the message disappears (its conversation's timer when sent); absent or null: never. */
  @Prop({ type: Date, default: null })
  expiresAt?: Date | null;

  /** Highest seq of a MESSAGE_UPDATED entry committed on this message (commit mark). */
  @Prop({ type: Number, default: 0 })
  lastUpdateSeq!: number;

  /** Seq of the edit or tombstone whose body is stored (a later seq wins). */
  @Prop({ type: Number, default: 0 })
  bodySeq!: number;

  /** When the claim was taken (writer's clock); cleared on commit. */
  @Prop({ type: Date })
  claimedAt?: Date;

  /** Seqs readers voided while this message was claimed: it cannot commit under them. */
  @Prop({ type: [Number], default: undefined })
  voidSeqs?: number[];
}

export const MessageSchema = SchemaFactory.createForClass(MessageRecord);
// The sweeper reads expired messages soonest first; only messages with an expiry are indexed.
MessageSchema.index(
  { expiresAt: 1 },
  { name: 'expiry', partialFilterExpression: { expiresAt: { $type: 'date' } } },
);
// Partial: claims have no seq yet.
MessageSchema.index(
  { tenantId: 1, conversationId: 1, seq: 1 },
  { name: 'tenant_conversation_seq', unique: true, partialFilterExpression: { seq: { $gt: 0 } } },
);
MessageSchema.index(
  { tenantId: 1, senderId: 1, clientMessageId: 1 },
  { name: 'tenant_sender_client_id', unique: true },
);
// Unread mentions of a user in a conversation: scanned within the conversation's seq range.
MessageSchema.index(
  { tenantId: 1, conversationId: 1, mentions: 1, seq: 1 },
  { name: 'tenant_conversation_mentions_seq' },
);
// Search in every script on a standard deployment (no $text: its stemming and word splitting
// know neither CJK nor Thai nor emoji, nor prefixes): tokens of the folded body, multikey.
MessageSchema.index({ tenantId: 1, searchTokens: 1 }, { name: 'tenant_search_tokens' });
// Message retention: a tenant's oldest live messages.
MessageSchema.index({ tenantId: 1, deletedAt: 1, createdAt: 1 }, { name: 'tenant_live_by_age' });
// A thread's replies by seq (summaries, pages, unread counts); only replies carry the field.
MessageSchema.index(
  { tenantId: 1, threadRootId: 1, seq: 1 },
  { name: 'tenant_thread_seq', partialFilterExpression: { threadRootId: { $type: 'string' } } },
);

/**
 * One user's reaction with one emoji. `seq` and `removedSeq` are the seqs of the entries that add
 * and remove it; each takes effect once the message's `lastUpdateSeq` reaches it.
 */
@Schema({ collection: 'message_reactions', versionKey: false })
export class ReactionRecord {
  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  messageId!: string;

  @Prop({ type: String, required: true })
  conversationId!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: String, required: true })
  emoji!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Number })
  seq?: number;

  @Prop({ type: Date })
  claimedAt?: Date;

  @Prop({ type: Number })
  removedSeq?: number;

  /** When the removal happened (the caller's time, for its log entry). */
  @Prop({ type: Date })
  removedAt?: Date;

  /** When a removal was claimed (writer's clock). */
  @Prop({ type: Date })
  removingAt?: Date;
}

export const ReactionSchema = SchemaFactory.createForClass(ReactionRecord);
ReactionSchema.index(
  { tenantId: 1, messageId: 1, userId: 1, emoji: 1 },
  { name: 'tenant_message_user_emoji', unique: true },
);
ReactionSchema.index({ tenantId: 1, messageId: 1, createdAt: 1 }, { name: 'tenant_message_age' });
