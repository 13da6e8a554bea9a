import { Injectable } from '@nestjs/common';
import { ProfilePatch, TenantId, User, UserId, UserRepository } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { fromUser, toUser } from './mappers/user.mapper';
import { conflictOnDuplicate } from './mongo-errors';
import { writeOptions } from './mongo-write';
import { USER_MODEL, UserRecord } from './schemas/user.schema';

const PATCHABLE = ['name', 'avatarUrl', 'statusText', 'statusEmoji', 'presencePrivacy'] as const;

@Injectable()
export class MongoUserRepository extends UserRepository {
  constructor(@InjectStoreModel(USER_MODEL) private readonly users: Model<UserRecord>) {
    super();
  }

  override async create(user: User): Promise<User> {
    // A duplicate id, phone or externalId in the tenant all surface as CONFLICT.
    await conflictOnDuplicate('user', () =>
      this.users.insertMany([fromUser(user)], writeOptions(undefined)),
    );
    return { ...user };
  }

  override async findById(tenantId: TenantId, id: UserId): Promise<User | null> {
    return this.one({ _id: id, tenantId });
  }

  override async findByIds(tenantId: TenantId, ids: readonly UserId[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rs = await this.users
      .find({ tenantId, _id: { $in: [...ids] } })
      .lean<UserRecord[]>()
      .exec();
    return rs.map(toUser);
  }

  override async findByPhone(tenantId: TenantId, phone: string): Promise<User | null> {
    return this.one({ tenantId, phone });
  }

  override async findByExternalId(tenantId: TenantId, externalId: string): Promise<User | null> {
    return this.one({ tenantId, externalId });
  }

  override async update(
    tenantId: TenantId,
    id: UserId,
    patch: ProfilePatch,
    at: Date,
  ): Promise<User | null> {
    const set: Partial<UserRecord> = { updatedAt: at };
    for (const key of PATCHABLE) {
      if (patch[key] !== undefined) Object.assign(set, { [key]: patch[key] });
    }
    const r = await this.users
      .findOneAndUpdate(
        { _id: id, tenantId },
        { $set: set },
        { new: true, ...writeOptions(undefined) },
      )
      .lean<UserRecord>()
      .exec();
    return r ? toUser(r) : null;
  }

  override async setLastSeen(tenantId: TenantId, id: UserId, at: Date): Promise<void> {
    await this.users.updateOne({ _id: id, tenantId }, { $set: { lastSeenAt: at } }).exec();
  }

  private async one(filter: Record<string, unknown>): Promise<User | null> {
    const r = await this.users.findOne(filter).lean<UserRecord>().exec();
    return r ? toUser(r) : null;
  }
}
