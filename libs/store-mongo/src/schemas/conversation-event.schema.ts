import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type {
  ConversationAttribute,
  LoggedEvent,
  MemberRole,
  MembershipChange,
} from '@chatter/core';

export const CONVERSATION_EVENT_MODEL = 'ConversationEvent';

/** One entry of a conversation's ordered log. */
@Schema({ collection: 'conversation_events', versionKey: false })
export class ConversationEventRecord {
  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  conversationId!: string;

  @Prop({ type: Number, required: true })
  seq!: number;

  @Prop({
    type: String,
    required: true,
    enum: [
      'MESSAGE_ADDED',
      'MESSAGE_UPDATED',
      'MEMBERSHIP_CHANGED',
      'CONVERSATION_CHANGED',
      'VOID',
    ],
  })
  /** VOID: a seq a reader gave up waiting for; it never shows, and nothing can commit under it. */
  kind!: LoggedEvent['kind'] | 'VOID';

  @Prop({ type: String })
  messageId?: string;

  @Prop({ type: String })
  userId?: string;

  @Prop({ type: String, enum: ['ADDED', 'REMOVED', 'LEFT', 'ROLE_CHANGED'] })
  change?: MembershipChange;

  @Prop({ type: Date, required: true })
  at!: Date;

  /** Who made a membership or conversation change (absent in entries recorded before it was kept). */
  @Prop({ type: String })
  actorId?: string;

  /** The new role of a ROLE_CHANGED. */
  @Prop({ type: String, enum: ['OWNER', 'ADMIN', 'MODERATOR', 'MEMBER'] })
  role?: MemberRole;

  /** Which attribute a CONVERSATION_CHANGED changed, and its new value. */
  @Prop({ type: String, enum: ['TITLE', 'HISTORY_VISIBILITY', 'DESCRIPTION', 'DISAPPEARING'] })
  attribute?: ConversationAttribute;

  @Prop({ type: String })
  value?: string;
}

export const ConversationEventSchema = SchemaFactory.createForClass(ConversationEventRecord);
ConversationEventSchema.index(
  { tenantId: 1, conversationId: 1, seq: 1 },
  { name: 'tenant_conversation_seq', unique: true },
);
// The timeline's reads skip message entries.
ConversationEventSchema.index(
  { tenantId: 1, conversationId: 1, kind: 1, seq: 1 },
  { name: 'tenant_conversation_kind_seq' },
);
