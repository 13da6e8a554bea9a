import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { BotScope } from '@chatter/core';

export const BOT_MODEL = 'Bot';

/** A bot account's token and grant; `_id` is the bot's user id, every query also matches `tenantId`. */
@Schema({ collection: 'bots', versionKey: false })
export class BotRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  tenantId!: string;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: [String], required: true })
  scopes!: BotScope[];

  @Prop({ type: [String], default: null })
  conversationIds!: string[] | null;

  @Prop({ type: String, required: true })
  tokenHash!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  revokedAt!: Date | null;
}

export const BotSchema = SchemaFactory.createForClass(BotRecord);
BotSchema.index({ tenantId: 1, createdAt: 1 }, { name: 'tenant_created' });
