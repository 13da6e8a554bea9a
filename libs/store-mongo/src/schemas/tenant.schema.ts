import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const TENANT_MODEL = 'Tenant';

/** A tenant; `_id` is the tenant slug. */
@Schema({ collection: 'tenants', versionKey: false })
export class TenantRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: String, required: true })
  signingSecret!: string;

  /** Absent on tenants stored before the setting existed: read as true. */
  @Prop({ type: Boolean, required: false })
  phoneSignUp?: boolean;

  /** Days attachments are kept after upload; absent or null: kept for good. */
  @Prop({ type: Number, required: false, default: null })
  attachmentRetentionDays?: number | null;

  @Prop({ type: Date, required: true })
  createdAt!: Date;
}

export const TenantSchema = SchemaFactory.createForClass(TenantRecord);
