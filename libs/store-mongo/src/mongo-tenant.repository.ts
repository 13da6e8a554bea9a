import { Injectable } from '@nestjs/common';
import { Tenant, TenantRepository, TenantSettings } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { fromTenant, toTenant } from './mappers/tenant.mapper';
import { conflictOnDuplicate } from './mongo-errors';
import { writeOptions } from './mongo-write';
import { TENANT_MODEL, TenantRecord } from './schemas/tenant.schema';

@Injectable()
export class MongoTenantRepository extends TenantRepository {
  constructor(@InjectStoreModel(TENANT_MODEL) private readonly tenants: Model<TenantRecord>) {
    super();
  }

  override async create(tenant: Tenant): Promise<Tenant> {
    await conflictOnDuplicate('tenant', () =>
      this.tenants.insertMany([fromTenant(tenant)], writeOptions(undefined)),
    );
    return { ...tenant };
  }

  override async findById(id: string): Promise<Tenant | null> {
    const r = await this.tenants.findOne({ _id: id }).lean<TenantRecord>().exec();
    return r ? toTenant(r) : null;
  }

  override async list(): Promise<Tenant[]> {
    const rs = await this.tenants.find({}).sort({ _id: 1 }).lean<TenantRecord[]>().exec();
    return rs.map(toTenant);
  }

  override async updateSigningSecret(id: string, secret: string): Promise<Tenant | null> {
    const r = await this.tenants
      .findOneAndUpdate(
        { _id: id },
        { $set: { signingSecret: secret } },
        { new: true, ...writeOptions(undefined) },
      )
      .lean<TenantRecord>()
      .exec();
    return r ? toTenant(r) : null;
  }

  override async updateSettings(id: string, settings: TenantSettings): Promise<Tenant | null> {
    const r = await this.tenants
      .findOneAndUpdate(
        { _id: id },
        {
          $set: {
            phoneSignUp: settings.phoneSignUp,
            attachmentRetentionDays: settings.attachmentRetentionDays,
          },
        },
        { new: true, ...writeOptions(undefined) },
      )
      .lean<TenantRecord>()
      .exec();
    return r ? toTenant(r) : null;
  }
}
