import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const STAR_MODEL = 'Star';

/** A message a user starred; `_id` is `<tenant>:<user>:<message>`. */
@Schema({ collection: 'stars', versionKey: false })
export class StarRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) userId!: string;
  @Prop({ type: String, required: true }) messageId!: string;
  @Prop({ type: String, required: true }) conversationId!: string;
  @Prop({ type: Date, required: true }) starredAt!: Date;
}

export const StarSchema = SchemaFactory.createForClass(StarRecord);
StarSchema.index(
  { tenantId: 1, userId: 1, starredAt: -1, messageId: -1 },
  { name: 'tenant_user_time' },
);
