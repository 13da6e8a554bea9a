import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { PresencePrivacy } from '@chatter/core';

export const USER_MODEL = 'User';

/** A user; `_id` is the user id, and every query also matches `tenantId`. */
@Schema({ collection: 'users', versionKey: false })
export class UserRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, default: null })
  phone!: string | null;

  @Prop({ type: String, default: null })
  externalId!: string | null;

  /** Absent on users stored before bots existed: read as false. */
  @Prop({ type: Boolean, default: false })
  isBot!: boolean;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: String, default: null })
  avatarUrl!: string | null;

  @Prop({ type: String, default: null })
  statusText!: string | null;

  @Prop({ type: String, default: null })
  statusEmoji!: string | null;

  @Prop({ type: String, required: true, enum: ['EVERYONE', 'CONTACTS', 'NOBODY'] })
  presencePrivacy!: PresencePrivacy;

  @Prop({ type: Date, default: null })
  lastSeenAt!: Date | null;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}

export const UserSchema = SchemaFactory.createForClass(UserRecord);
// Unique within the tenant, for users that have one (null phones and external ids are many).
UserSchema.index(
  { tenantId: 1, phone: 1 },
  { name: 'tenant_phone', unique: true, partialFilterExpression: { phone: { $type: 'string' } } },
);
UserSchema.index(
  { tenantId: 1, externalId: 1 },
  {
    name: 'tenant_external_id',
    unique: true,
    partialFilterExpression: { externalId: { $type: 'string' } },
  },
);
