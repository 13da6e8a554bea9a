import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const THREAD_FOLLOW_MODEL = 'ThreadFollow';

/** A user's follow and read state in one thread; `_id` is `<tenant>:<user>:<root>`. */
@Schema({ collection: 'thread_follows', versionKey: false })
export class ThreadFollowRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) userId!: string;
  @Prop({ type: String, required: true }) rootId!: string;
  @Prop({ type: String, required: true }) conversationId!: string;
  @Prop({ type: Boolean, required: true }) following!: boolean;
  @Prop({ type: Number, default: 0 }) readSeq!: number;
  @Prop({ type: Date, required: true }) followedAt!: Date;
}

export const ThreadFollowSchema = SchemaFactory.createForClass(ThreadFollowRecord);
ThreadFollowSchema.index(
  { tenantId: 1, userId: 1, following: 1, followedAt: -1, rootId: -1 },
  { name: 'tenant_user_followed' },
);
