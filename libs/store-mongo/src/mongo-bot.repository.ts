import { Injectable } from '@nestjs/common';
import { Bot, BotRepository, TenantId, UserId } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { conflictOnDuplicate } from './mongo-errors';
import { writeOptions } from './mongo-write';
import { BOT_MODEL, BotRecord } from './schemas/bot.schema';

const toBot = (r: BotRecord): Bot => ({
  id: r._id,
  tenantId: r.tenantId,
  name: r.name,
  scopes: [...r.scopes],
  conversationIds: r.conversationIds ? [...r.conversationIds] : null,
  tokenHash: r.tokenHash,
  createdAt: r.createdAt,
  revokedAt: r.revokedAt ?? null,
});

@Injectable()
export class MongoBotRepository extends BotRepository {
  constructor(@InjectStoreModel(BOT_MODEL) private readonly bots: Model<BotRecord>) {
    super();
  }

  override async create(bot: Bot): Promise<Bot> {
    const record: BotRecord = {
      _id: bot.id,
      tenantId: bot.tenantId,
      name: bot.name,
      scopes: [...bot.scopes],
      conversationIds: bot.conversationIds ? [...bot.conversationIds] : null,
      tokenHash: bot.tokenHash,
      createdAt: bot.createdAt,
      revokedAt: bot.revokedAt,
    };
    await conflictOnDuplicate('bot', () => this.bots.insertMany([record], writeOptions(undefined)));
    return toBot(record);
  }

  override async findById(tenantId: TenantId, id: UserId): Promise<Bot | null> {
    const r = await this.bots.findOne({ _id: id, tenantId }).lean<BotRecord>().exec();
    return r ? toBot(r) : null;
  }

  override async list(tenantId: TenantId): Promise<Bot[]> {
    const rs = await this.bots
      .find({ tenantId })
      .sort({ createdAt: 1, _id: 1 })
      .lean<BotRecord[]>()
      .exec();
    return rs.map(toBot);
  }

  override async revoke(tenantId: TenantId, id: UserId, at: Date): Promise<Bot | null> {
    // Only an unrevoked bot changes, so the first revocation time stays.
    await this.bots
      .updateOne(
        { _id: id, tenantId, revokedAt: null },
        { $set: { revokedAt: at } },
        writeOptions(undefined),
      )
      .exec();
    return this.findById(tenantId, id);
  }
}
