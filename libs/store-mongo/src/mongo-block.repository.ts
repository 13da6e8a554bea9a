import { Injectable } from '@nestjs/common';
import { BlockRelations, BlockRepository, TenantId, UserId } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { isDuplicateKey } from './mongo-errors';
import { writeOptions } from './mongo-write';
import { BLOCK_MODEL, BlockRecord } from './schemas/contact.schema';

const MAX_LISTED = 1000;

@Injectable()
export class MongoBlockRepository extends BlockRepository {
  constructor(@InjectStoreModel(BLOCK_MODEL) private readonly blocks: Model<BlockRecord>) {
    super();
  }

  override async block(
    tenantId: TenantId,
    blockerId: UserId,
    blockedId: UserId,
    at: Date,
  ): Promise<boolean> {
    try {
      const result = await this.blocks
        .updateOne(
          { tenantId, blockerId, blockedId },
          { $setOnInsert: { createdAt: at } },
          { upsert: true, ...writeOptions(undefined) },
        )
        .exec();
      return result.upsertedCount === 1;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  override async unblock(
    tenantId: TenantId,
    blockerId: UserId,
    blockedId: UserId,
  ): Promise<boolean> {
    const result = await this.blocks
      .deleteOne({ tenantId, blockerId, blockedId }, writeOptions(undefined))
      .exec();
    return result.deletedCount === 1;
  }

  override async isBlockedEitherWay(tenantId: TenantId, a: UserId, b: UserId): Promise<boolean> {
    const found = await this.blocks
      .exists({
        tenantId,
        $or: [
          { blockerId: a, blockedId: b },
          { blockerId: b, blockedId: a },
        ],
      })
      .exec();
    return found !== null;
  }

  override async hasBlocked(
    tenantId: TenantId,
    blockerId: UserId,
    blockedId: UserId,
  ): Promise<boolean> {
    return (await this.blocks.exists({ tenantId, blockerId, blockedId }).exec()) !== null;
  }

  override async listBlocked(tenantId: TenantId, blockerId: UserId): Promise<UserId[]> {
    const rs = await this.blocks
      .find({ tenantId, blockerId })
      .sort({ createdAt: -1, blockedId: -1 })
      .limit(MAX_LISTED)
      .lean<BlockRecord[]>()
      .exec();
    return rs.map((r) => r.blockedId);
  }

  override async blocksAmong(
    tenantId: TenantId,
    userId: UserId,
    others: readonly UserId[],
  ): Promise<BlockRelations> {
    const result: BlockRelations = { blocked: new Set(), blockedBy: new Set() };
    if (others.length === 0) return result;
    const ids = [...others];
    const rs = await this.blocks
      .find(
        {
          tenantId,
          $or: [
            { blockerId: userId, blockedId: { $in: ids } },
            { blockedId: userId, blockerId: { $in: ids } },
          ],
        },
        { blockerId: 1, blockedId: 1 },
      )
      .lean<Pick<BlockRecord, 'blockerId' | 'blockedId'>[]>()
      .exec();
    for (const r of rs) {
      if (r.blockerId === userId) result.blocked.add(r.blockedId);
      if (r.blockedId === userId) result.blockedBy.add(r.blockerId);
    }
    return result;
  }
}
