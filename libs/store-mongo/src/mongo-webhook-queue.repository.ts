import { Injectable } from '@nestjs/common';
import { QueuedWebhookDelivery, TenantId, WebhookQueueRepository } from '@chatter/core';
import type { Model } from 'mongoose';
import { deleteOldest } from './delete-oldest';
import { InjectStoreModel } from './inject-store-model';
import { isDuplicateKey } from './mongo-errors';
import { writeOptions } from './mongo-write';
import { WEBHOOK_QUEUE_MODEL, WebhookQueueRecord } from './schemas/webhook-queue.schema';

const WRITE = writeOptions(undefined);

const toQueued = (r: WebhookQueueRecord): QueuedWebhookDelivery => ({
  id: r._id,
  tenantId: r.tenantId,
  webhookId: r.webhookId,
  conversationId: r.conversationId,
  eventId: r.eventId,
  eventType: r.eventType,
  body: r.body,
  attempt: r.attempt,
  nextAttemptAt: r.nextAttemptAt,
  leaseOwner: r.leaseOwner ?? null,
  leaseUntil: r.leaseUntil ?? null,
  status: r.status,
  createdAt: r.createdAt,
});

/** The webhook queue in MongoDB: each claim is one findOneAndUpdate (atomic on the server). */
@Injectable()
export class MongoWebhookQueueRepository extends WebhookQueueRepository {
  constructor(
    @InjectStoreModel(WEBHOOK_QUEUE_MODEL) private readonly queue: Model<WebhookQueueRecord>,
  ) {
    super();
  }

  override async enqueue(d: QueuedWebhookDelivery): Promise<void> {
    const { id, ...rest } = d;
    try {
      await this.queue.insertMany([{ _id: id, ...rest }], WRITE);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // stored by an earlier try: nothing more to do
    }
  }

  override async claimDue(
    now: Date,
    owner: string,
    leaseUntil: Date,
    limit: number,
  ): Promise<QueuedWebhookDelivery[]> {
    const claimed: QueuedWebhookDelivery[] = [];
    const due = {
      status: 'PENDING',
      nextAttemptAt: { $lte: now },
      $or: [{ leaseUntil: null }, { leaseUntil: { $lte: now } }],
    };
    for (let i = 0; i < Math.trunc(limit); i++) {
      const r = await this.queue
        .findOneAndUpdate(
          due,
          { $set: { leaseOwner: owner, leaseUntil } },
          { new: true, sort: { nextAttemptAt: 1, createdAt: 1, _id: 1 }, ...WRITE },
        )
        .lean<WebhookQueueRecord>()
        .exec();
      if (!r) break;
      claimed.push(toQueued(r));
    }
    return claimed;
  }

  override async remove(tenantId: TenantId, id: string, owner: string): Promise<boolean> {
    const r = await this.queue.deleteOne({ _id: id, tenantId, leaseOwner: owner }, WRITE).exec();
    return r.deletedCount === 1;
  }

  override async reschedule(
    tenantId: TenantId,
    id: string,
    owner: string,
    attempt: number,
    at: Date,
  ): Promise<boolean> {
    const r = await this.queue
      .updateOne(
        { _id: id, tenantId, leaseOwner: owner, status: 'PENDING' },
        { $set: { attempt, nextAttemptAt: at, leaseOwner: null, leaseUntil: null } },
        WRITE,
      )
      .exec();
    return r.modifiedCount === 1;
  }

  override async markDead(tenantId: TenantId, id: string, owner: string): Promise<boolean> {
    const r = await this.queue
      .updateOne(
        { _id: id, tenantId, leaseOwner: owner, status: 'PENDING' },
        { $set: { status: 'DEAD', leaseOwner: null, leaseUntil: null } },
        WRITE,
      )
      .exec();
    return r.modifiedCount === 1;
  }

  override async pruneDead(before: Date, limit: number): Promise<number> {
    return deleteOldest(
      this.queue,
      { status: 'DEAD', createdAt: { $lt: before } },
      'createdAt',
      limit,
    );
  }

  override async listByWebhook(
    tenantId: TenantId,
    webhookId: string,
    limit: number,
  ): Promise<QueuedWebhookDelivery[]> {
    const rs = await this.queue
      .find({ tenantId, webhookId })
      .sort({ createdAt: 1, _id: 1 })
      .limit(Math.max(1, Math.trunc(limit)))
      .lean<WebhookQueueRecord[]>()
      .exec();
    return rs.map(toQueued);
  }
}
