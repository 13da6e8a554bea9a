import { Injectable } from '@nestjs/common';
import {
  ATTACHMENT_KINDS,
  checkAttachmentKinds,
  SafetySettingsRepository,
  TenantSafetySettings,
} from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { writeOptions } from './mongo-write';
import { SAFETY_SETTINGS_MODEL, SafetySettingsRecord } from './schemas/safety-settings.schema';

const toSettings = (r: SafetySettingsRecord): TenantSafetySettings => ({
  tenantId: r.tenantId,
  wordFilterMode: r.wordFilterMode,
  filterWords: [...(r.filterWords ?? [])],
  messageRetentionDays: r.messageRetentionDays ?? null,
  channelCreation: r.channelCreation,
  allowedAttachmentKinds: checkAttachmentKinds(r.allowedAttachmentKinds ?? ATTACHMENT_KINDS),
  updatedBy: r.updatedBy ?? null,
  updatedAt: r.updatedAt ?? null,
});

@Injectable()
export class MongoSafetySettingsRepository extends SafetySettingsRepository {
  constructor(
    @InjectStoreModel(SAFETY_SETTINGS_MODEL)
    private readonly settings: Model<SafetySettingsRecord>,
  ) {
    super();
  }

  override async find(tenantId: string): Promise<TenantSafetySettings | null> {
    const r = await this.settings.findOne({ tenantId }).lean<SafetySettingsRecord>().exec();
    return r ? toSettings(r) : null;
  }

  override async save(s: TenantSafetySettings): Promise<TenantSafetySettings> {
    const r = await this.settings
      .findOneAndUpdate(
        { tenantId: s.tenantId },
        {
          $set: {
            wordFilterMode: s.wordFilterMode,
            filterWords: s.filterWords,
            messageRetentionDays: s.messageRetentionDays,
            channelCreation: s.channelCreation,
            allowedAttachmentKinds: s.allowedAttachmentKinds,
            updatedBy: s.updatedBy,
            updatedAt: s.updatedAt,
          },
        },
        { new: true, upsert: true, ...writeOptions(undefined) },
      )
      .lean<SafetySettingsRecord>()
      .exec();
    return toSettings(r!);
  }

  override async withRetention(): Promise<{ tenantId: string; days: number }[]> {
    const rs = await this.settings
      .find({ messageRetentionDays: { $ne: null } })
      .sort({ tenantId: 1 })
      .lean<SafetySettingsRecord[]>()
      .exec();
    return rs
      .filter((r) => typeof r.messageRetentionDays === 'number')
      .map((r) => ({ tenantId: r.tenantId, days: r.messageRetentionDays! }));
  }
}
