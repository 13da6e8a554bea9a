import { Injectable } from '@nestjs/common';
import { TenantRole, TenantRoleGrant, TenantRoleRepository } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { writeOptions } from './mongo-write';
import { TENANT_ROLE_MODEL, TenantRoleRecord } from './schemas/tenant-role.schema';

const toGrant = (r: TenantRoleRecord): TenantRoleGrant => ({
  tenantId: r.tenantId,
  userId: r.userId,
  role: r.role,
  grantedBy: r.grantedBy ?? null,
  grantedAt: r.grantedAt,
});

const ROLE_ORDER: Record<TenantRole, number> = { OWNER: 0, ADMIN: 1 };

@Injectable()
export class MongoTenantRoleRepository extends TenantRoleRepository {
  constructor(
    @InjectStoreModel(TENANT_ROLE_MODEL) private readonly roles: Model<TenantRoleRecord>,
  ) {
    super();
  }

  override async find(tenantId: string, userId: string): Promise<TenantRoleGrant | null> {
    const r = await this.roles.findOne({ tenantId, userId }).lean<TenantRoleRecord>().exec();
    return r ? toGrant(r) : null;
  }

  override async set(grant: TenantRoleGrant): Promise<TenantRoleGrant> {
    const r = await this.roles
      .findOneAndUpdate(
        { tenantId: grant.tenantId, userId: grant.userId },
        { $set: { role: grant.role, grantedBy: grant.grantedBy, grantedAt: grant.grantedAt } },
        { new: true, upsert: true, ...writeOptions(undefined) },
      )
      .lean<TenantRoleRecord>()
      .exec();
    return toGrant(r!);
  }

  override async remove(tenantId: string, userId: string): Promise<boolean> {
    const result = await this.roles.deleteOne({ tenantId, userId }, writeOptions(undefined)).exec();
    return result.deletedCount > 0;
  }

  override async list(tenantId: string): Promise<TenantRoleGrant[]> {
    // A tenant has few owners and admins: sorted here by role rank, then user id.
    const rs = await this.roles.find({ tenantId }).lean<TenantRoleRecord[]>().exec();
    return rs
      .map(toGrant)
      .sort(
        (a, b) =>
          ROLE_ORDER[a.role] - ROLE_ORDER[b.role] ||
          (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
      );
  }

  override async countWithRole(tenantId: string, role: TenantRole): Promise<number> {
    return this.roles.countDocuments({ tenantId, role }).exec();
  }
}
