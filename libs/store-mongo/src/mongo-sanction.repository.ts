import { Injectable } from '@nestjs/common';
import { SanctionRepository, UserSanction } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { writeOptions } from './mongo-write';
import { SANCTION_MODEL, SanctionRecord } from './schemas/sanction.schema';

const toSanction = (r: SanctionRecord): UserSanction => ({
  tenantId: r.tenantId,
  userId: r.userId,
  kind: r.kind,
  until: r.until ?? null,
  reason: r.reason ?? null,
  by: r.by ?? null,
  at: r.at,
});

@Injectable()
export class MongoSanctionRepository extends SanctionRepository {
  constructor(@InjectStoreModel(SANCTION_MODEL) private readonly sanctions: Model<SanctionRecord>) {
    super();
  }

  override async find(tenantId: string, userId: string): Promise<UserSanction | null> {
    const r = await this.sanctions.findOne({ tenantId, userId }).lean<SanctionRecord>().exec();
    return r ? toSanction(r) : null;
  }

  override async set(s: UserSanction): Promise<UserSanction> {
    const r = await this.sanctions
      .findOneAndUpdate(
        { tenantId: s.tenantId, userId: s.userId },
        { $set: { kind: s.kind, until: s.until, reason: s.reason, by: s.by, at: s.at } },
        { new: true, upsert: true, ...writeOptions(undefined) },
      )
      .lean<SanctionRecord>()
      .exec();
    return toSanction(r!);
  }

  override async remove(tenantId: string, userId: string): Promise<boolean> {
    const result = await this.sanctions
      .deleteOne({ tenantId, userId }, writeOptions(undefined))
      .exec();
    return result.deletedCount > 0;
  }

  override async list(tenantId: string, limit: number): Promise<UserSanction[]> {
    const rs = await this.sanctions
      .find({ tenantId })
      .sort({ at: -1, userId: 1 })
      .limit(Math.max(0, Math.trunc(limit)))
      .lean<SanctionRecord[]>()
      .exec();
    return rs.map(toSanction);
  }
}
