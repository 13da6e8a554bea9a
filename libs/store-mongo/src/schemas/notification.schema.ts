import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

export const NOTIFICATION_SETTING_MODEL = 'NotificationSetting';
export const PUSH_DEVICE_MODEL = 'PushDevice';

/**
 * One notification setting: a user's defaults (`DEFAULTS`, _id `d:<tenant>:<user>`), a user's
 * conversation override (`OVERRIDE`, _id `o:<tenant>:<user>:<conversation>`) or a tenant's
 * options (`TENANT`, _id `t:<tenant>`) or a user's notification e-mail (`EMAIL`, _id
 * `e:<tenant>:<user>`).
 */
@Schema({ collection: 'notification_settings', versionKey: false })
export class NotificationSettingRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true, enum: ['DEFAULTS', 'OVERRIDE', 'TENANT', 'EMAIL'] })
  kind!: string;
  @Prop({ type: MongooseSchema.Types.Mixed, default: null }) defaults!: unknown;
  @Prop({ type: String, default: null }) level!: string | null;
  @Prop({ type: Date, default: null }) mutedUntil!: Date | null;
  @Prop({ type: Boolean, default: false }) omitMessageText!: boolean;
  // EMAIL only:
  @Prop({ type: String }) userId?: string;
  @Prop({ type: String }) address?: string;
  @Prop({ type: Boolean }) verified?: boolean;
  @Prop({ type: Boolean }) digestEnabled?: boolean;
  @Prop({ type: String, default: null }) codeHash?: string | null;
  @Prop({ type: Date, default: null }) codeExpiresAt?: Date | null;
  @Prop({ type: Number, default: 0 }) codeAttempts?: number;
  @Prop({ type: Date, default: null }) lastDigestAt?: Date | null;
  @Prop({ type: Date, default: null }) digestDueAt?: Date | null;
}

export const NotificationSettingSchema = SchemaFactory.createForClass(NotificationSettingRecord);
NotificationSettingSchema.index(
  { tenantId: 1, userId: 1 },
  { partialFilterExpression: { kind: 'EMAIL', verified: true, digestEnabled: true } },
);

/** A push subscription of a user's device; unique per tenant and endpoint. */
@Schema({ collection: 'push_devices', versionKey: false })
export class PushDeviceRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) userId!: string;
  @Prop({ type: String, required: true, enum: ['WEB_PUSH', 'GATEWAY'] }) kind!: string;
  @Prop({ type: String, default: null }) appId!: string | null;
  @Prop({ type: String, required: true }) endpoint!: string;
  @Prop({ type: String, default: '' }) p256dh!: string;
  @Prop({ type: String, default: '' }) auth!: string;
  @Prop({ type: String, required: true }) label!: string;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Date, default: null }) lastSuccessAt!: Date | null;
}

export const PushDeviceSchema = SchemaFactory.createForClass(PushDeviceRecord);
PushDeviceSchema.index({ tenantId: 1, endpoint: 1 }, { unique: true });
PushDeviceSchema.index({ tenantId: 1, userId: 1, createdAt: 1 });
