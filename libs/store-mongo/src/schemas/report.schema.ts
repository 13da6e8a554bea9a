import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { ReportOutcome, ReportStatus } from '@chatter/core';

export const REPORT_MODEL = 'Report';

/** A report of a message or a user; `_id` is the report id. */
@Schema({ collection: 'reports', versionKey: false })
export class ReportRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) reporterId!: string;
  @Prop({ type: String, required: true }) targetUserId!: string;
  @Prop({ type: String, default: null }) messageId!: string | null;
  @Prop({ type: String, default: null }) conversationId!: string | null;
  @Prop({ type: String, required: true }) reason!: string;
  @Prop({ type: String, default: null }) note!: string | null;
  @Prop({ type: String, required: true, enum: ['OPEN', 'RESOLVED'] }) status!: ReportStatus;
  @Prop({
    type: String,
    default: null,
    enum: ['DISMISSED', 'MESSAGE_DELETED', 'USER_SUSPENDED', 'USER_BANNED', null],
  })
  outcome!: ReportOutcome | null;
  @Prop({ type: String, default: null }) resolvedBy!: string | null;
  @Prop({ type: Date, default: null }) resolvedAt!: Date | null;
  @Prop({ type: Date, required: true }) createdAt!: Date;
}

export const ReportSchema = SchemaFactory.createForClass(ReportRecord);
ReportSchema.index({ tenantId: 1, status: 1, createdAt: 1, _id: 1 }, { name: 'tenant_status_age' });
ReportSchema.index({ tenantId: 1, reporterId: 1, createdAt: -1 }, { name: 'tenant_reporter_age' });
