import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { SanctionKind } from '@chatter/core';

export const SANCTION_MODEL = 'UserSanction';

/** A user's current suspension or ban; one per user. */
@Schema({ collection: 'user_sanctions', versionKey: false })
export class SanctionRecord {
  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: String, required: true, enum: ['SUSPENDED', 'BANNED'] })
  kind!: SanctionKind;

  @Prop({ type: Date, default: null })
  until!: Date | null;

  @Prop({ type: String, default: null })
  reason!: string | null;

  @Prop({ type: String, default: null })
  by!: string | null;

  @Prop({ type: Date, required: true })
  at!: Date;
}

export const SanctionSchema = SchemaFactory.createForClass(SanctionRecord);
SanctionSchema.index({ tenantId: 1, userId: 1 }, { name: 'tenant_user', unique: true });
SanctionSchema.index({ tenantId: 1, at: -1 }, { name: 'tenant_recent' });
