import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { WebhookDeliveryStatus, WebhookDisabledReason, WebhookEventType } from '@chatter/core';

export const WEBHOOK_MODEL = 'Webhook';
export const WEBHOOK_DELIVERY_MODEL = 'WebhookDelivery';

/** An outgoing webhook of a bot; `_id` is its id, every query also matches `tenantId`. */
@Schema({ collection: 'webhooks', versionKey: false })
export class WebhookRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) botId!: string;
  @Prop({ type: String, required: true }) url!: string;
  @Prop({ type: String, required: true }) secret!: string;
  @Prop({ type: [String], required: true }) conversationIds!: string[];
  @Prop({ type: [String], required: true }) events!: WebhookEventType[];
  @Prop({ type: Date, required: true }) createdAt!: Date;
  /** Absent on webhooks stored before the durable queue: read as 0 / null. */
  @Prop({ type: Number, default: 0 }) consecutiveFailures?: number;
  @Prop({ type: Date, default: null }) disabledAt?: Date | null;
  @Prop({ type: String, default: null }) disabledReason?: WebhookDisabledReason | null;
}

export const WebhookSchema = SchemaFactory.createForClass(WebhookRecord);
WebhookSchema.index({ tenantId: 1, botId: 1, createdAt: 1 }, { name: 'tenant_bot' });
WebhookSchema.index({ tenantId: 1, conversationIds: 1 }, { name: 'tenant_conversation' });

/** One delivery attempt; `seq` orders the log (insertion time, then id). */
@Schema({ collection: 'webhook_deliveries', versionKey: false })
export class WebhookDeliveryRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) webhookId!: string;
  @Prop({ type: String, required: true }) eventId!: string;
  @Prop({ type: String, required: true }) eventType!: WebhookEventType;
  @Prop({ type: Number, required: true }) attempt!: number;
  @Prop({ type: String, required: true }) status!: WebhookDeliveryStatus;
  @Prop({ type: Number, default: null }) responseStatus!: number | null;
  @Prop({ type: String, default: null }) error!: string | null;
  @Prop({ type: Date, required: true }) at!: Date;
  @Prop({ type: Number, required: true }) order!: number;
}

export const WebhookDeliverySchema = SchemaFactory.createForClass(WebhookDeliveryRecord);
WebhookDeliverySchema.index(
  { tenantId: 1, webhookId: 1, order: -1 },
  { name: 'tenant_webhook_log' },
);
// Pruning the delivery log by age (PruneWebhookHistory).
WebhookDeliverySchema.index({ at: 1 }, { name: 'age' });
