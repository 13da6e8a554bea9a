import { Injectable } from '@nestjs/common';
import {
  TenantId,
  UserId,
  Webhook,
  WebhookDelivery,
  WebhookDisabledReason,
  WebhookRepository,
} from '@chatter/core';
import type { Model } from 'mongoose';
import { deleteOldest } from './delete-oldest';
import { InjectStoreModel } from './inject-store-model';
import { conflictOnDuplicate } from './mongo-errors';
import { writeOptions } from './mongo-write';
import {
  WEBHOOK_DELIVERY_MODEL,
  WEBHOOK_MODEL,
  WebhookDeliveryRecord,
  WebhookRecord,
} from './schemas/webhook.schema';

const toWebhook = (r: WebhookRecord): Webhook => ({
  id: r._id,
  tenantId: r.tenantId,
  botId: r.botId,
  url: r.url,
  secret: r.secret,
  conversationIds: [...r.conversationIds].sort(),
  events: [...r.events],
  createdAt: r.createdAt,
  consecutiveFailures: r.consecutiveFailures ?? 0,
  disabledAt: r.disabledAt ?? null,
  disabledReason: r.disabledReason ?? null,
});

const WRITE = writeOptions(undefined);

const toDelivery = (r: WebhookDeliveryRecord): WebhookDelivery => ({
  id: r._id,
  tenantId: r.tenantId,
  webhookId: r.webhookId,
  eventId: r.eventId,
  eventType: r.eventType,
  attempt: r.attempt,
  status: r.status,
  responseStatus: r.responseStatus ?? null,
  error: r.error ?? null,
  at: r.at,
});

@Injectable()
export class MongoWebhookRepository extends WebhookRepository {
  /** Orders deliveries logged by this process within one millisecond. */
  private counter = 0;

  constructor(
    @InjectStoreModel(WEBHOOK_MODEL) private readonly webhooks: Model<WebhookRecord>,
    @InjectStoreModel(WEBHOOK_DELIVERY_MODEL)
    private readonly deliveries: Model<WebhookDeliveryRecord>,
  ) {
    super();
  }

  override async create(webhook: Webhook): Promise<Webhook> {
    const record: WebhookRecord = {
      _id: webhook.id,
      tenantId: webhook.tenantId,
      botId: webhook.botId,
      url: webhook.url,
      secret: webhook.secret,
      conversationIds: [...new Set(webhook.conversationIds)],
      events: [...webhook.events],
      createdAt: webhook.createdAt,
      consecutiveFailures: webhook.consecutiveFailures,
      disabledAt: webhook.disabledAt,
      disabledReason: webhook.disabledReason,
    };
    await conflictOnDuplicate('webhook', () =>
      this.webhooks.insertMany([record], writeOptions(undefined)),
    );
    return toWebhook(record);
  }

  override async findById(tenantId: TenantId, id: string): Promise<Webhook | null> {
    const r = await this.webhooks.findOne({ _id: id, tenantId }).lean<WebhookRecord>().exec();
    return r ? toWebhook(r) : null;
  }

  override async listByBot(tenantId: TenantId, botId: UserId): Promise<Webhook[]> {
    const rs = await this.webhooks
      .find({ tenantId, botId })
      .sort({ createdAt: 1, _id: 1 })
      .lean<WebhookRecord[]>()
      .exec();
    return rs.map(toWebhook);
  }

  override async listForConversation(
    tenantId: TenantId,
    conversationId: string,
  ): Promise<Webhook[]> {
    const rs = await this.webhooks
      .find({ tenantId, conversationIds: conversationId })
      .sort({ createdAt: 1, _id: 1 })
      .lean<WebhookRecord[]>()
      .exec();
    return rs.map(toWebhook);
  }

  override async addDelivery(d: WebhookDelivery): Promise<void> {
    const order = d.at.getTime() * 1000 + (this.counter++ % 1000);
    await this.deliveries.insertMany(
      [
        {
          _id: d.id,
          tenantId: d.tenantId,
          webhookId: d.webhookId,
          eventId: d.eventId,
          eventType: d.eventType,
          attempt: d.attempt,
          status: d.status,
          responseStatus: d.responseStatus,
          error: d.error,
          at: d.at,
          order,
        },
      ],
      writeOptions(undefined),
    );
  }

  override async pruneDeliveries(before: Date, limit: number): Promise<number> {
    return deleteOldest(this.deliveries, { at: { $lt: before } }, 'at', limit);
  }

  override async listDeliveries(
    tenantId: TenantId,
    webhookId: string,
    limit: number,
  ): Promise<WebhookDelivery[]> {
    const rs = await this.deliveries
      .find({ tenantId, webhookId })
      .sort({ order: -1 })
      .limit(limit)
      .lean<WebhookDeliveryRecord[]>()
      .exec();
    return rs.map(toDelivery);
  }

  override async recordSuccess(tenantId: TenantId, id: string): Promise<void> {
    await this.webhooks
      .updateOne(
        { _id: id, tenantId, consecutiveFailures: { $ne: 0 } },
        { $set: { consecutiveFailures: 0 } },
        WRITE,
      )
      .exec();
  }

  override async recordFailure(
    tenantId: TenantId,
    id: string,
    disableAfter: number,
    at: Date,
  ): Promise<Webhook | null> {
    // The increment is atomic; the disabling is conditional, so racing instances disable once.
    const r = await this.webhooks
      .findOneAndUpdate(
        { _id: id, tenantId },
        { $inc: { consecutiveFailures: 1 } },
        { new: true, ...WRITE },
      )
      .lean<WebhookRecord>()
      .exec();
    if (!r) return null;
    if (r.disabledAt || (r.consecutiveFailures ?? 0) < disableAfter) return toWebhook(r);
    await this.webhooks
      .updateOne(
        { _id: id, tenantId, disabledAt: null },
        { $set: { disabledAt: at, disabledReason: 'FAILING' } },
        WRITE,
      )
      .exec();
    return this.findById(tenantId, id);
  }

  override async disable(
    tenantId: TenantId,
    id: string,
    reason: WebhookDisabledReason,
    at: Date,
  ): Promise<Webhook | null> {
    await this.webhooks
      .updateOne(
        { _id: id, tenantId, disabledAt: null },
        { $set: { disabledAt: at, disabledReason: reason } },
        WRITE,
      )
      .exec();
    return this.findById(tenantId, id);
  }

  override async enable(tenantId: TenantId, id: string): Promise<Webhook | null> {
    const r = await this.webhooks
      .findOneAndUpdate(
        { _id: id, tenantId },
        { $set: { disabledAt: null, disabledReason: null, consecutiveFailures: 0 } },
        { new: true, ...WRITE },
      )
      .lean<WebhookRecord>()
      .exec();
    return r ? toWebhook(r) : null;
  }
}
