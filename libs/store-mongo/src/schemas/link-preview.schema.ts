import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const LINK_PREVIEW_MODEL = 'LinkPreview';
export const LINK_PREVIEW_CACHE_MODEL = 'LinkPreviewCache';

/**
 * A message's link preview; `_id` is `<tenantId>:<messageId>` (one per message, ever: a removed
 * one stays with `removed: true`). `seq` is the MESSAGE_UPDATED entry that announced it; readers
 * show it once the message's commit mark (lastUpdateSeq) reached that seq.
 */
@Schema({ collection: 'link_previews', versionKey: false })
export class LinkPreviewRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) messageId!: string;
  @Prop({ type: String, required: true }) url!: string;
  @Prop({ type: String, default: null }) title!: string | null;
  @Prop({ type: String, default: null }) description!: string | null;
  @Prop({ type: String, default: null }) siteName!: string | null;
  @Prop({ type: String, default: null }) imageAttachmentId!: string | null;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Number, default: null }) seq!: number | null;
  @Prop({ type: Boolean, default: false }) removed!: boolean;
}

export const LinkPreviewSchema = SchemaFactory.createForClass(LinkPreviewRecord);
LinkPreviewSchema.index({ tenantId: 1, messageId: 1 }, { name: 'tenant_message' });

/** A fetched page by URL (`_id`); `metadata` null when it gave none. Expired ones are TTL-deleted. */
@Schema({ collection: 'link_preview_cache', versionKey: false })
export class LinkPreviewCacheRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: Object, default: null }) metadata!: Record<string, unknown> | null;
  @Prop({ type: Date, required: true }) expiresAt!: Date;
}

export const LinkPreviewCacheSchema = SchemaFactory.createForClass(LinkPreviewCacheRecord);
LinkPreviewCacheSchema.index({ expiresAt: 1 }, { name: 'expiry', expireAfterSeconds: 0 });
