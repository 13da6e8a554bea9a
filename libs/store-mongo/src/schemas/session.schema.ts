import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const SESSION_MODEL = 'Session';
export const REFRESH_TOKEN_MODEL = 'RefreshToken';

/** A sign-in on one device; `_id` is the session id. */
@Schema({ collection: 'sessions', versionKey: false })
export class SessionRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  revokedAt!: Date | null;
}

export const SessionSchema = SchemaFactory.createForClass(SessionRecord);
SessionSchema.index({ tenantId: 1, userId: 1 }, { name: 'tenant_user' });

/** A refresh token of a session; `_id` is the token's SHA-256 (the token itself is never stored). */
@Schema({ collection: 'refresh_tokens', versionKey: false })
export class RefreshTokenRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  sessionId!: string;

  @Prop({ type: Date, required: true })
  expiresAt!: Date;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  usedAt!: Date | null;
}

export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshTokenRecord);
RefreshTokenSchema.index({ sessionId: 1 }, { name: 'session' });
