import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { AttachmentKind, ChannelCreationPolicy, WordFilterMode } from '@chatter/core';

export const SAFETY_SETTINGS_MODEL = 'TenantSafetySettings';

/** A tenant's safety settings; one document per tenant. */
@Schema({ collection: 'tenant_safety_settings', versionKey: false })
export class SafetySettingsRecord {
  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true, enum: ['OFF', 'BLOCK', 'MASK'] })
  wordFilterMode!: WordFilterMode;

  @Prop({ type: [String], default: [] })
  filterWords!: string[];

  @Prop({ type: Number, default: null })
  messageRetentionDays!: number | null;

  @Prop({ type: String, required: true, enum: ['EVERYONE', 'ADMINS'] })
  channelCreation!: ChannelCreationPolicy;

  /** Absent on documents saved before it existed: every kind. */
  @Prop({ type: [String], enum: ['IMAGE', 'AUDIO', 'VIDEO', 'FILE'], default: undefined })
  allowedAttachmentKinds?: AttachmentKind[];

  @Prop({ type: String, default: null })
  updatedBy!: string | null;

  @Prop({ type: Date, default: null })
  updatedAt!: Date | null;
}

export const SafetySettingsSchema = SchemaFactory.createForClass(SafetySettingsRecord);
SafetySettingsSchema.index({ tenantId: 1 }, { name: 'tenant', unique: true });
