import { Injectable } from '@nestjs/common';
import { Star, StarCursor, StarRepository } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { isDuplicateKey } from './mongo-errors';
import { writeOptions } from './mongo-write';
import { STAR_MODEL, StarRecord } from './schemas/star.schema';

const toStar = (r: StarRecord): Star => ({
  tenantId: r.tenantId,
  userId: r.userId,
  messageId: r.messageId,
  conversationId: r.conversationId,
  starredAt: r.starredAt,
});

const keyOf = (tenantId: string, userId: string, messageId: string) =>
  `${tenantId}:${userId}:${messageId}`;

@Injectable()
export class MongoStarRepository extends StarRepository {
  constructor(@InjectStoreModel(STAR_MODEL) private readonly stars: Model<StarRecord>) {
    super();
  }

  override async star(star: Star): Promise<boolean> {
    try {
      await this.stars.insertMany(
        [{ _id: keyOf(star.tenantId, star.userId, star.messageId), ...star }],
        writeOptions(undefined),
      );
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  override async unstar(tenantId: string, userId: string, messageId: string): Promise<boolean> {
    const r = await this.stars.deleteOne({ _id: keyOf(tenantId, userId, messageId) }).exec();
    return r.deletedCount > 0;
  }

  override async starredAmong(
    tenantId: string,
    userId: string,
    messageIds: readonly string[],
  ): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rs = await this.stars
      .find({ _id: { $in: messageIds.map((id) => keyOf(tenantId, userId, id)) } }, { messageId: 1 })
      .lean<Pick<StarRecord, 'messageId'>[]>()
      .exec();
    return new Set(rs.map((r) => r.messageId));
  }

  override async list(
    tenantId: string,
    userId: string,
    after: StarCursor | null,
    limit: number,
  ): Promise<Star[]> {
    if (!(limit >= 1)) return [];
    const filter: Record<string, unknown> = { tenantId, userId };
    if (after)
      filter.$or = [
        { starredAt: { $lt: after.starredAt } },
        { starredAt: after.starredAt, messageId: { $lt: after.messageId } },
      ];
    const rs = await this.stars
      .find(filter)
      .sort({ starredAt: -1, messageId: -1 })
      .limit(Math.trunc(limit))
      .lean<StarRecord[]>()
      .exec();
    return rs.map(toStar);
  }
}
