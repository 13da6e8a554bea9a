import { Injectable } from '@nestjs/common';
import { ScheduledMessage, ScheduledMessageRepository } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { isDuplicateKey } from './mongo-errors';
import { writeOptions } from './mongo-write';
import {
  SCHEDULED_MESSAGE_MODEL,
  ScheduledMessageRecord,
} from './schemas/scheduled-message.schema';

const toScheduled = (r: ScheduledMessageRecord): ScheduledMessage => ({
  id: r._id,
  tenantId: r.tenantId,
  conversationId: r.conversationId,
  senderId: r.senderId,
  clientMessageId: r.clientMessageId,
  body: r.body,
  sendAt: r.sendAt,
  state: r.state,
  failure: r.failure ?? null,
  claimedUntil: r.claimedUntil ?? null,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const WRITE = writeOptions(undefined);

@Injectable()
export class MongoScheduledMessageRepository extends ScheduledMessageRepository {
  constructor(
    @InjectStoreModel(SCHEDULED_MESSAGE_MODEL)
    private readonly scheduled: Model<ScheduledMessageRecord>,
  ) {
    super();
  }

  override async create(
    s: ScheduledMessage,
  ): Promise<{ scheduled: ScheduledMessage; created: boolean }> {
    const { id, ...rest } = s;
    try {
      await this.scheduled.insertMany([{ _id: id, ...rest }], WRITE);
      return { scheduled: { ...s }, created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const existing = await this.scheduled
        .findOne({ tenantId: s.tenantId, senderId: s.senderId, clientMessageId: s.clientMessageId })
        .lean<ScheduledMessageRecord>()
        .exec();
      if (!existing) throw err;
      return { scheduled: toScheduled(existing), created: false };
    }
  }

  override async findById(tenantId: string, id: string): Promise<ScheduledMessage | null> {
    const r = await this.scheduled
      .findOne({ _id: id, tenantId })
      .lean<ScheduledMessageRecord>()
      .exec();
    return r ? toScheduled(r) : null;
  }

  override async listBySender(
    tenantId: string,
    senderId: string,
    conversationId: string | null,
    limit: number,
  ): Promise<ScheduledMessage[]> {
    if (!(limit >= 1)) return [];
    const rs = await this.scheduled
      .find(
        conversationId === null ? { tenantId, senderId } : { tenantId, senderId, conversationId },
      )
      .sort({ sendAt: 1, _id: 1 })
      .limit(Math.trunc(limit))
      .lean<ScheduledMessageRecord[]>()
      .exec();
    return rs.map(toScheduled);
  }

  override async countPending(tenantId: string, senderId: string): Promise<number> {
    return this.scheduled
      .countDocuments({ tenantId, senderId, state: { $in: ['PENDING', 'SENDING'] } })
      .exec();
  }

  override async update(
    tenantId: string,
    id: string,
    senderId: string,
    change: { body?: string; sendAt?: Date },
    at: Date,
  ): Promise<ScheduledMessage | null> {
    const set: Partial<ScheduledMessageRecord> = { updatedAt: at };
    if (change.body !== undefined) set.body = change.body;
    if (change.sendAt !== undefined) set.sendAt = change.sendAt;
    const r = await this.scheduled
      .findOneAndUpdate(
        { _id: id, tenantId, senderId, state: 'PENDING' },
        { $set: set },
        { new: true, ...WRITE },
      )
      .lean<ScheduledMessageRecord>()
      .exec();
    return r ? toScheduled(r) : null;
  }

  override async cancel(tenantId: string, id: string, senderId: string): Promise<boolean> {
    const r = await this.scheduled
      .deleteOne({ _id: id, tenantId, senderId, state: { $in: ['PENDING', 'FAILED'] } }, WRITE)
      .exec();
    return r.deletedCount > 0;
  }

  override async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<ScheduledMessage[]> {
    const claimed: ScheduledMessage[] = [];
    const due = {
      $or: [
        { state: 'PENDING', sendAt: { $lte: now } },
        { state: 'SENDING', claimedUntil: { $lte: now } },
      ],
    };
    // One findOneAndUpdate per message: the filter and the update are one atomic step on the
    // server, so of two instances racing for a message exactly one gets it.
    for (let i = 0; i < Math.trunc(limit); i++) {
      const r = await this.scheduled
        .findOneAndUpdate(
          due,
          { $set: { state: 'SENDING', claimedUntil: leaseUntil, updatedAt: now } },
          { new: true, sort: { sendAt: 1 }, ...WRITE },
        )
        .lean<ScheduledMessageRecord>()
        .exec();
      if (!r) break;
      claimed.push(toScheduled(r));
    }
    return claimed;
  }

  override async completeSent(tenantId: string, id: string): Promise<void> {
    await this.scheduled.deleteOne({ _id: id, tenantId }, WRITE).exec();
  }

  override async markFailed(
    tenantId: string,
    id: string,
    failure: string,
    at: Date,
  ): Promise<void> {
    await this.scheduled
      .updateOne(
        { _id: id, tenantId, state: 'SENDING' },
        { $set: { state: 'FAILED', failure, claimedUntil: null, updatedAt: at } },
        WRITE,
      )
      .exec();
  }

  override async release(tenantId: string, id: string): Promise<void> {
    await this.scheduled
      .updateOne(
        { _id: id, tenantId, state: 'SENDING' },
        { $set: { state: 'PENDING', claimedUntil: null } },
        WRITE,
      )
      .exec();
  }
}
