import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const POLL_MODEL = 'Poll';

/** One member's ballot, embedded in its poll (keyed by user id). */
export interface BallotRecord {
  /** Chosen option ids. */
  o: string[];
  at: Date;
}

/**
 * A poll and its ballots in one document (`_id` is the poll message's id): a vote is one
 * conditional update on an open poll, so no vote lands after a close, with or without transactions.
 */
@Schema({ collection: 'polls', versionKey: false, minimize: false })
export class PollRecord {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) tenantId!: string;
  @Prop({ type: String, required: true }) conversationId!: string;
  @Prop({ type: String, required: true }) creatorId!: string;
  @Prop({ type: String, required: true }) question!: string;
  @Prop({ type: [{ _id: false, id: String, text: String }], required: true })
  options!: { id: string; text: string }[];
  @Prop({ type: Boolean, required: true }) multipleChoice!: boolean;
  @Prop({ type: Boolean, required: true }) anonymous!: boolean;
  @Prop({ type: Date, required: true }) createdAt!: Date;
  @Prop({ type: Date, default: null }) closedAt!: Date | null;
  @Prop({ type: Object, default: {} }) ballots!: Record<string, BallotRecord>;
}

export const PollSchema = SchemaFactory.createForClass(PollRecord);
PollSchema.index({ tenantId: 1, _id: 1 });
