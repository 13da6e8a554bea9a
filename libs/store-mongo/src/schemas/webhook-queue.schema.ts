import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { WebhookEventType } from '@chatter/core';

export const WEBHOOK_QUEUE_MODEL = 'WebhookQueueItem';

/** One event on its way to one webhook (see `QueuedWebhookDelivery`). */
@Schema({ collection: 'webhook_queue', versionKey: false })
export class WebhookQueueRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) webhookId!: string;
  @Prop({ type: String, required: true }) conversationId!: string;
  @Prop({ type: String, required: true }) eventId!: string;
  @Prop({ type: String, required: true }) eventType!: WebhookEventType;
  @Prop({ type: String, required: true }) body!: string;
  @Prop({ type: Number, required: true }) attempt!: number;
  @Prop({ type: Date, required: true }) nextAttemptAt!: Date;
  @Prop({ type: String, default: null }) leaseOwner!: string | null;
  @Prop({ type: Date, default: null }) leaseUntil!: Date | null;
  @Prop({ type: String, required: true }) status!: 'PENDING' | 'DEAD';
  @Prop({ type: Date, required: true }) createdAt!: Date;
}

export const WebhookQueueSchema = SchemaFactory.createForClass(WebhookQueueRecord);
WebhookQueueSchema.index({ status: 1, nextAttemptAt: 1, createdAt: 1, _id: 1 }, { name: 'due' });
WebhookQueueSchema.index({ tenantId: 1, webhookId: 1, createdAt: 1 }, { name: 'tenant_webhook' });
// Pruning old dead letters (PruneWebhookHistory).
WebhookQueueSchema.index({ status: 1, createdAt: 1 }, { name: 'dead_age' });
