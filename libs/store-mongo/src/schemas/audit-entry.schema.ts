import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { AuditAction, AuditDetails } from '@chatter/core';

export const AUDIT_ENTRY_MODEL = 'AuditEntry';

/** One audit-log entry; `_id` is the entry id. Written once, never changed. */
@Schema({ collection: 'audit_log', versionKey: false })
export class AuditEntryRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: Date, required: true })
  at!: Date;

  @Prop({ type: String, default: null })
  actorId!: string | null;

  @Prop({ type: String, required: true })
  action!: AuditAction;

  @Prop({ type: String, default: null })
  targetUserId!: string | null;

  @Prop({ type: String, default: null })
  conversationId!: string | null;

  @Prop({ type: String, default: null })
  messageId!: string | null;

  @Prop({ type: String, default: null })
  reason!: string | null;

  @Prop({ type: Object, default: {} })
  details!: AuditDetails;
}

export const AuditEntrySchema = SchemaFactory.createForClass(AuditEntryRecord);
AuditEntrySchema.index({ tenantId: 1, at: -1, _id: -1 }, { name: 'tenant_time' });
AuditEntrySchema.index({ tenantId: 1, action: 1, at: -1, _id: -1 }, { name: 'tenant_action_time' });
AuditEntrySchema.index({ tenantId: 1, actorId: 1, at: -1, _id: -1 }, { name: 'tenant_actor_time' });
AuditEntrySchema.index(
  { tenantId: 1, targetUserId: 1, at: -1, _id: -1 },
  { name: 'tenant_target_time' },
);
