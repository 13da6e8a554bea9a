import { Injectable } from '@nestjs/common';
import { IncomingWebhook, IncomingWebhookRepository, TenantId, UserId } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { conflictOnDuplicate } from './mongo-errors';
import { writeOptions } from './mongo-write';
import { INCOMING_WEBHOOK_MODEL, IncomingWebhookRecord } from './schemas/incoming-webhook.schema';

const toHook = (r: IncomingWebhookRecord): IncomingWebhook => ({
  id: r._id,
  tenantId: r.tenantId,
  botId: r.botId,
  conversationId: r.conversationId,
  secretHash: r.secretHash,
  createdAt: r.createdAt,
  revokedAt: r.revokedAt ?? null,
});

@Injectable()
export class MongoIncomingWebhookRepository extends IncomingWebhookRepository {
  constructor(
    @InjectStoreModel(INCOMING_WEBHOOK_MODEL) private readonly hooks: Model<IncomingWebhookRecord>,
  ) {
    super();
  }

  override async create(hook: IncomingWebhook): Promise<IncomingWebhook> {
    const record: IncomingWebhookRecord = {
      _id: hook.id,
      tenantId: hook.tenantId,
      botId: hook.botId,
      conversationId: hook.conversationId,
      secretHash: hook.secretHash,
      createdAt: hook.createdAt,
      revokedAt: hook.revokedAt,
    };
    await conflictOnDuplicate('webhook', () =>
      this.hooks.insertMany([record], writeOptions(undefined)),
    );
    return toHook(record);
  }

  override async findById(id: string): Promise<IncomingWebhook | null> {
    const r = await this.hooks.findOne({ _id: id }).lean<IncomingWebhookRecord>().exec();
    return r ? toHook(r) : null;
  }

  override async listByBot(tenantId: TenantId, botId: UserId): Promise<IncomingWebhook[]> {
    const rs = await this.hooks
      .find({ tenantId, botId })
      .sort({ createdAt: 1, _id: 1 })
      .lean<IncomingWebhookRecord[]>()
      .exec();
    return rs.map(toHook);
  }

  override async revoke(
    tenantId: TenantId,
    botId: UserId,
    id: string,
    at: Date,
  ): Promise<IncomingWebhook | null> {
    await this.hooks
      .updateOne(
        { _id: id, tenantId, botId, revokedAt: null },
        { $set: { revokedAt: at } },
        writeOptions(undefined),
      )
      .exec();
    const r = await this.hooks
      .findOne({ _id: id, tenantId, botId })
      .lean<IncomingWebhookRecord>()
      .exec();
    return r ? toHook(r) : null;
  }
}
