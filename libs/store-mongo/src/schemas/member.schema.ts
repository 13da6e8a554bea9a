import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ConversationKind, MemberRole } from '@chatter/core';

export const MEMBER_MODEL = 'Member';

/**
 * A user's membership of a conversation. Leaving keeps the document with `active: false`, so the
 * `opSeq` commit mark of its last MEMBERSHIP_CHANGED entry survives (see `conversation-log.ts`).
 */
@Schema({ collection: 'conversation_members', versionKey: false })
export class MemberRecord {
  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  conversationId!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  /** The conversation's kind (immutable), for peer lookups without a join. */
  @Prop({ type: String, required: true, enum: ['DIRECT', 'GROUP', 'CHANNEL'] })
  kind!: ConversationKind;

  @Prop({ type: Boolean, required: true })
  active!: boolean;

  @Prop({ type: String, required: true, enum: ['OWNER', 'ADMIN', 'MODERATOR', 'MEMBER'] })
  role!: MemberRole;

  @Prop({ type: Date, required: true })
  joinedAt!: Date;

  /** The member sees the log after this seq (Member.historyFromSeq); documents from before it: 0. */
  @Prop({ type: Number, default: 0 })
  historyFromSeq?: number;

  @Prop({ type: Number, default: 0 })
  readSeq!: number;

  @Prop({ type: Number, default: 0 })
  deliveredSeq!: number;

  @Prop({ type: Boolean, default: false })
  muted!: boolean;

  @Prop({ type: Boolean, default: false })
  pinned!: boolean;

  @Prop({ type: Boolean, default: false })
  archived!: boolean;

  /**
   * Former-member record (FormerMember): the closed periods of past memberships the user keeps
   * reading, and how the latest one ended. Kept when the member is added again.
   */
  @Prop({ type: [{ _id: false, fromSeq: Number, toSeq: Number }], default: undefined })
  readPeriods?: { fromSeq: number; toSeq: number }[];

  @Prop({ type: String, enum: ['REMOVED', 'LEFT'] })
  exitChange?: 'REMOVED' | 'LEFT';

  @Prop({ type: String })
  exitActorId?: string | null;

  @Prop({ type: Date })
  exitedAt?: Date;

  /** Seq of the last MEMBERSHIP_CHANGED entry applied to this member (its commit mark). */
  @Prop({ type: Number, default: 0 })
  opSeq!: number;

  /** Copy of the conversation's lastActivityAt, so a user's conversations list from one index. */
  @Prop({ type: Date, required: true })
  lastActivityAt!: Date;

  /** Seq of the message that set `lastActivityAt` (copies only move forward). */
  @Prop({ type: Number, default: 0 })
  activitySeq!: number;
}

export const MemberSchema = SchemaFactory.createForClass(MemberRecord);
MemberSchema.index(
  { tenantId: 1, conversationId: 1, userId: 1 },
  { name: 'tenant_conversation_user', unique: true },
);
// A user's conversations, most recent activity first.
MemberSchema.index(
  { tenantId: 1, userId: 1, lastActivityAt: -1, conversationId: 1 },
  { name: 'tenant_user_activity', partialFilterExpression: { active: true } },
);
// The conversations a user left or was removed from, latest first.
MemberSchema.index(
  { tenantId: 1, userId: 1, exitedAt: -1 },
  { name: 'tenant_user_exited', partialFilterExpression: { active: false } },
);
// A conversation's members by join time.
MemberSchema.index(
  { tenantId: 1, conversationId: 1, joinedAt: 1, userId: 1 },
  { name: 'tenant_conversation_joined', partialFilterExpression: { active: true } },
);
