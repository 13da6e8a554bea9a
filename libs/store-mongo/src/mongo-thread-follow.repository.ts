import { Injectable } from '@nestjs/common';
import { FollowedThreadsCursor, ThreadFollow, ThreadFollowRepository } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { isDuplicateKey } from './mongo-errors';
import { THREAD_FOLLOW_MODEL, ThreadFollowRecord } from './schemas/thread-follow.schema';

const toFollow = (r: ThreadFollowRecord): ThreadFollow => ({
  tenantId: r.tenantId,
  userId: r.userId,
  rootId: r.rootId,
  conversationId: r.conversationId,
  following: r.following,
  readSeq: r.readSeq ?? 0,
  followedAt: r.followedAt,
});

const keyOf = (tenantId: string, userId: string, rootId: string) =>
  `${tenantId}:${userId}:${rootId}`;

@Injectable()
export class MongoThreadFollowRepository extends ThreadFollowRepository {
  constructor(
    @InjectStoreModel(THREAD_FOLLOW_MODEL) private readonly follows: Model<ThreadFollowRecord>,
  ) {
    super();
  }

  override async follow(
    tenantId: string,
    userId: string,
    conversationId: string,
    rootId: string,
    at: Date,
    readSeq = 0,
  ): Promise<ThreadFollow> {
    const _id = keyOf(tenantId, userId, rootId);
    const base = { tenantId, userId, rootId, conversationId };
    // The start of following moves only for someone who was not following.
    await this.follows
      .updateOne(
        { _id, following: { $ne: true } },
        { $set: { ...base, following: true, followedAt: at }, $setOnInsert: { readSeq: 0 } },
        { upsert: true },
      )
      .exec()
      .catch((error: unknown) => {
        // Already following (the filter missed and the upsert hit the key): handled below.
        if (!isDuplicateKey(error)) throw error;
      });
    return this.raiseRead(_id, readSeq);
  }

  /** Raises the read pointer (never lowers it) and answers the state. */
  private async raiseRead(_id: string, readSeq: number): Promise<ThreadFollow> {
    await this.follows.updateOne({ _id, readSeq: { $lt: readSeq } }, { $set: { readSeq } }).exec();
    const r = await this.follows.findOne({ _id }).lean<ThreadFollowRecord>().exec();
    return toFollow(r!);
  }

  override async unfollow(tenantId: string, userId: string, rootId: string): Promise<boolean> {
    const r = await this.follows
      .updateOne({ _id: keyOf(tenantId, userId, rootId) }, { $set: { following: false } })
      .exec();
    return r.matchedCount > 0;
  }

  override async markRead(
    tenantId: string,
    userId: string,
    conversationId: string,
    rootId: string,
    seq: number,
    at: Date,
  ): Promise<ThreadFollow> {
    const _id = keyOf(tenantId, userId, rootId);
    await this.follows
      .updateOne(
        { _id },
        {
          $setOnInsert: {
            tenantId,
            userId,
            rootId,
            conversationId,
            following: false,
            followedAt: at,
            readSeq: 0,
          },
        },
        { upsert: true },
      )
      .exec()
      .catch((error: unknown) => {
        // A concurrent first write created it: its pointer is raised below.
        if (!isDuplicateKey(error)) throw error;
      });
    return this.raiseRead(_id, seq);
  }

  override async findMany(
    tenantId: string,
    userId: string,
    rootIds: readonly string[],
  ): Promise<ThreadFollow[]> {
    if (rootIds.length === 0) return [];
    const rs = await this.follows
      .find({ _id: { $in: rootIds.map((id) => keyOf(tenantId, userId, id)) } })
      .lean<ThreadFollowRecord[]>()
      .exec();
    return rs.map(toFollow);
  }

  override async listFollowed(
    tenantId: string,
    userId: string,
    after: FollowedThreadsCursor | null,
    limit: number,
  ): Promise<ThreadFollow[]> {
    if (!(limit >= 1)) return [];
    const filter: Record<string, unknown> = { tenantId, userId, following: true };
    if (after)
      filter.$or = [
        { followedAt: { $lt: after.followedAt } },
        { followedAt: after.followedAt, rootId: { $lt: after.rootId } },
      ];
    const rs = await this.follows
      .find(filter)
      .sort({ followedAt: -1, rootId: -1 })
      .limit(Math.trunc(limit))
      .lean<ThreadFollowRecord[]>()
      .exec();
    return rs.map(toFollow);
  }
}
