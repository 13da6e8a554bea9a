import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type {
  ConversationKind,
  HistoryVisibility,
  MemberRole,
  MentionAllPolicy,
} from '@chatter/core';

export const CONVERSATION_MODEL = 'Conversation';

/** A member the conversation was created with, kept until its member document is written. */
export class PendingMemberRecord {
  userId!: string;
  role!: MemberRole;
}

/**
 * A conversation. `lastSeq` is the seq counter of its log: seqs are reserved with an atomic `$inc`
 * on this document, so there is no global lock.
 */
@Schema({ collection: 'conversations', versionKey: false })
export class ConversationRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true, enum: ['DIRECT', 'GROUP', 'CHANNEL'] })
  kind!: ConversationKind;

  @Prop({ type: String, default: null })
  title!: string | null;

  /** Lower-cased title (Unicode-aware, in JS) for case-insensitive channel search. */
  @Prop({ type: String, default: null })
  titleFolded!: string | null;

  /** Seq of the CONVERSATION_CHANGED entry whose title is applied (the commit mark of that entry). */
  @Prop({ type: Number, default: 0 })
  titleSeq!: number;

  /** Absent (not null) when the conversation has none, so the partial unique index skips it. */
  @Prop({ type: String })
  uniqueKey?: string;

  @Prop({ type: Number, default: 0 })
  lastSeq!: number;

  @Prop({ type: String, default: null })
  lastMessageId!: string | null;

  @Prop({ type: Date, required: true })
  lastActivityAt!: Date;

  @Prop({ type: Number, default: 0 })
  memberCount!: number;

  /** Seq of the CONVERSATION_CHANGED entry whose history visibility is applied (its commit mark). */
  @Prop({ type: Number, default: 0 })
  historyVisibilitySeq?: number;

  /** What members added from now on see of earlier history; documents from before it: FULL. */
  @Prop({ type: String, enum: ['FULL', 'SINCE_JOINED'], default: 'FULL' })
  historyVisibility?: HistoryVisibility;

  /** Seq of the CONVERSATION_CHANGED entry whose `@all` policy is applied (its commit mark). */
  @Prop({ type: Number, default: 0 })
  mentionAllSeq?: number;

  /** Who may mention everyone; documents from before it: the kind's default. */
  @Prop({ type: String, enum: ['ADMINS', 'MEMBERS'] })
  mentionAll?: MentionAllPolicy;
  /** What the group or channel is about; absent or null when none. */
  @Prop({ type: String, default: null })
  description?: string | null;

  /** Disappearing-messages timer in seconds; absent or null: off. */
  @Prop({ type: Number, default: null })
  disappearAfterSeconds?: number | null;

  /** Commit mark of the latest timer change (see conversation-log.ts). */
  @Prop({ type: Number, default: 0 })
  disappearingSeq?: number;

  /** Commit mark of the latest description change (see conversation-log.ts). */
  @Prop({ type: Number, default: 0 })
  descriptionSeq?: number;

  /** A channel's unique-name key (`channelNameKey`); absent for other kinds and for channels
   * that shared a name before names were unique. */
  @Prop({ type: String })
  channelNameKey?: string;

  @Prop({ type: String, default: null })
  createdBy!: string | null;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /** Initial members still to be written (present only while a creation is incomplete). */
  @Prop({ type: [{ _id: false, userId: String, role: String }], default: undefined })
  pendingMembers?: PendingMemberRecord[];
}

export const ConversationSchema = SchemaFactory.createForClass(ConversationRecord);
// One DM per pair and one general channel per tenant.
ConversationSchema.index(
  { tenantId: 1, uniqueKey: 1 },
  {
    name: 'tenant_unique_key',
    unique: true,
    partialFilterExpression: { uniqueKey: { $exists: true } },
  },
);
// One channel per name and tenant.
ConversationSchema.index(
  { tenantId: 1, channelNameKey: 1 },
  {
    name: 'tenant_channel_name',
    unique: true,
    partialFilterExpression: { channelNameKey: { $exists: true } },
  },
);
// Public channels by title.
ConversationSchema.index({ tenantId: 1, kind: 1, title: 1, _id: 1 }, { name: 'tenant_kind_title' });
