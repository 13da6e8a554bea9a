import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const CALL_MODEL = 'Call';

/** A one-to-one call; its state changes by conditional updates (compare-and-set). */
@Schema({ collection: 'calls', versionKey: false })
export class CallRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) conversationId!: string;
  @Prop({ type: String, required: true }) callerId!: string;
  @Prop({ type: String, required: true }) calleeId!: string;
  @Prop({ type: String, default: null }) callerSessionId!: string | null;
  @Prop({ type: String, default: null }) calleeSessionId!: string | null;
  @Prop({ type: String, required: true, enum: ['VOICE', 'VIDEO'] }) media!: string;
  @Prop({ type: String, required: true }) offerSdp!: string;
  @Prop({ type: String, required: true, enum: ['RINGING', 'ACTIVE', 'ENDED'] }) state!: string;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Date, required: true }) expiresAt!: Date;
  @Prop({ type: Date, default: null }) answeredAt!: Date | null;
  @Prop({ type: Date, default: null }) endedAt!: Date | null;
  @Prop({ type: String, default: null }) endReason!: string | null;
}

export const CallSchema = SchemaFactory.createForClass(CallRecord);
CallSchema.index({ tenantId: 1, callerId: 1, state: 1 });
CallSchema.index({ tenantId: 1, calleeId: 1, state: 1 });
CallSchema.index({ state: 1, expiresAt: 1 });
// Answered calls, in id order, for the sweep that ends calls a party left without hanging up.
CallSchema.index({ state: 1, _id: 1 });
