import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { TenantRole } from '@chatter/core';

export const TENANT_ROLE_MODEL = 'TenantRole';

/** A user's role in their tenant (owner or admin); one per user. */
@Schema({ collection: 'tenant_roles', versionKey: false })
export class TenantRoleRecord {
  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: String, required: true, enum: ['OWNER', 'ADMIN'] })
  role!: TenantRole;

  @Prop({ type: String, default: null })
  grantedBy!: string | null;

  @Prop({ type: Date, required: true })
  grantedAt!: Date;
}

export const TenantRoleSchema = SchemaFactory.createForClass(TenantRoleRecord);
TenantRoleSchema.index({ tenantId: 1, userId: 1 }, { name: 'tenant_user', unique: true });
TenantRoleSchema.index({ tenantId: 1, role: 1, userId: 1 }, { name: 'tenant_role_user' });
