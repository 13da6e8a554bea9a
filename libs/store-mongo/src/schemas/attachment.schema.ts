import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const ATTACHMENT_MODEL = 'Attachment';

/** An uploaded file; `messageId` is set once a message carries it. */
@Schema({ collection: 'attachments', versionKey: false })
export class AttachmentRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) conversationId!: string;
  @Prop({ type: String, required: true }) uploaderId!: string;
  @Prop({ type: String, required: true }) name!: string;
  @Prop({ type: String, required: true }) declaredType!: string;
  @Prop({ type: Number, required: true }) declaredSize!: number;
  @Prop({ type: String, required: true, enum: ['PENDING', 'READY'] }) status!: string;
  @Prop({ type: String, default: null }) contentType!: string | null;
  @Prop({ type: Number, default: null }) byteSize!: number | null;
  @Prop({ type: String, required: true, enum: ['IMAGE', 'VIDEO', 'AUDIO', 'FILE'] })
  kind!: string;
  @Prop({ type: String, required: true }) storageKey!: string;
  @Prop({ type: String, default: null }) claimKey!: string | null;
  @Prop({ type: String, default: null }) messageId!: string | null;
  @Prop({ type: Number, default: 0 }) position!: number;
  /** Bytes counted against quotas: the declared size until READY, then the stored size. */
  @Prop({ type: Number, required: true }) accountedBytes!: number;
  @Prop({ type: Number, default: null }) width!: number | null;
  @Prop({ type: Number, default: null }) height!: number | null;
  @Prop({ type: Number, default: null }) durationMs!: number | null;
  @Prop({ type: String, default: null }) thumbnailKey!: string | null;
  @Prop({ type: String, default: null }) placeholder!: string | null;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Date, default: null }) expiresAt!: Date | null;
}

export const AttachmentSchema = SchemaFactory.createForClass(AttachmentRecord);
AttachmentSchema.index({ tenantId: 1, _id: 1 });
AttachmentSchema.index({ tenantId: 1, messageId: 1, position: 1 });
AttachmentSchema.index({ tenantId: 1, uploaderId: 1 });
AttachmentSchema.index({ expiresAt: 1 });
