import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ScheduledMessageState } from '@chatter/core';

export const SCHEDULED_MESSAGE_MODEL = 'ScheduledMessage';

/** A message waiting to be sent (or that failed); `_id` is its id. */
@Schema({ collection: 'scheduledMessages', versionKey: false })
export class ScheduledMessageRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) conversationId!: string;
  @Prop({ type: String, required: true }) senderId!: string;
  @Prop({ type: String, required: true }) clientMessageId!: string;
  @Prop({ type: String, required: true }) body!: string;
  @Prop({ type: Date, required: true }) sendAt!: Date;
  @Prop({ type: String, required: true, enum: ['PENDING', 'SENDING', 'FAILED'] })
  state!: ScheduledMessageState;
  @Prop({ type: String, default: null }) failure!: string | null;
  @Prop({ type: Date, default: null }) claimedUntil!: Date | null;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Date, required: true }) updatedAt!: Date;
}

export const ScheduledMessageSchema = SchemaFactory.createForClass(ScheduledMessageRecord);
ScheduledMessageSchema.index(
  { tenantId: 1, senderId: 1, clientMessageId: 1 },
  { unique: true, name: 'tenant_sender_client_id' },
);
ScheduledMessageSchema.index(
  { tenantId: 1, senderId: 1, sendAt: 1, _id: 1 },
  { name: 'tenant_sender_send_at' },
);
ScheduledMessageSchema.index({ state: 1, sendAt: 1 }, { name: 'state_send_at' });
ScheduledMessageSchema.index({ state: 1, claimedUntil: 1 }, { name: 'state_claimed_until' });
