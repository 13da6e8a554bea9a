import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const INCOMING_WEBHOOK_MODEL = 'IncomingWebhook';

/** An incoming webhook; `_id` is its id (the URL names no tenant). */
@Schema({ collection: 'incoming_webhooks', versionKey: false })
export class IncomingWebhookRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) botId!: string;
  @Prop({ type: String, required: true }) conversationId!: string;
  @Prop({ type: String, required: true }) secretHash!: string;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Date, default: null }) revokedAt!: Date | null;
}

export const IncomingWebhookSchema = SchemaFactory.createForClass(IncomingWebhookRecord);
IncomingWebhookSchema.index({ tenantId: 1, botId: 1, createdAt: 1 }, { name: 'tenant_bot' });
