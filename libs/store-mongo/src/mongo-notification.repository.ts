import { Injectable } from '@nestjs/common';
import {
  ConversationId,
  ConversationNotificationOverride,
  DEFAULT_TENANT_NOTIFICATION_OPTIONS,
  MAX_PUSH_DEVICES,
  NO_OVERRIDE,
  NotificationDefaults,
  NotificationRepository,
  NotifyLevel,
  PushDevice,
  TenantId,
  TenantNotificationOptions,
  UserId,
} from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import {
  NOTIFICATION_SETTING_MODEL,
  NotificationSettingRecord,
  PUSH_DEVICE_MODEL,
  PushDeviceRecord,
} from './schemas/notification.schema';

const toDevice = (r: PushDeviceRecord): PushDevice => ({
  id: r._id,
  tenantId: r.tenantId,
  userId: r.userId,
  kind: (r.kind as PushDevice['kind']) ?? 'WEB_PUSH',
  appId: r.appId ?? null,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  label: r.label,
  createdAt: r.createdAt,
  lastSuccessAt: r.lastSuccessAt ?? null,
});

const defaultsId = (t: string, u: string) => `d:${t}:${u}`;
const overrideId = (t: string, u: string, c: string) => `o:${t}:${u}:${c}`;
const tenantId_ = (t: string) => `t:${t}`;

@Injectable()
export class MongoNotificationRepository extends NotificationRepository {
  constructor(
    @InjectStoreModel(NOTIFICATION_SETTING_MODEL)
    private readonly settings: Model<NotificationSettingRecord>,
    @InjectStoreModel(PUSH_DEVICE_MODEL) private readonly devices: Model<PushDeviceRecord>,
  ) {
    super();
  }

  override async getDefaults(
    tenantId: TenantId,
    userId: UserId,
  ): Promise<NotificationDefaults | null> {
    const r = await this.settings
      .findOne({ _id: defaultsId(tenantId, userId), tenantId })
      .lean<NotificationSettingRecord>()
      .exec();
    return r ? (r.defaults as NotificationDefaults) : null;
  }

  override async saveDefaults(
    tenantId: TenantId,
    userId: UserId,
    defaults: NotificationDefaults,
  ): Promise<void> {
    await this.settings
      .updateOne(
        { _id: defaultsId(tenantId, userId) },
        { $set: { tenantId, kind: 'DEFAULTS', defaults } },
        { upsert: true },
      )
      .exec();
  }

  override async getOverride(
    tenantId: TenantId,
    userId: UserId,
    conversationId: ConversationId,
  ): Promise<ConversationNotificationOverride> {
    const r = await this.settings
      .findOne({ _id: overrideId(tenantId, userId, conversationId), tenantId })
      .lean<NotificationSettingRecord>()
      .exec();
    if (!r) return NO_OVERRIDE;
    return { level: (r.level as NotifyLevel | null) ?? null, mutedUntil: r.mutedUntil ?? null };
  }

  override async saveOverride(
    tenantId: TenantId,
    userId: UserId,
    conversationId: ConversationId,
    override: ConversationNotificationOverride,
  ): Promise<void> {
    const _id = overrideId(tenantId, userId, conversationId);
    if (override.level === null && override.mutedUntil === null) {
      await this.settings.deleteOne({ _id }).exec();
      return;
    }
    await this.settings
      .updateOne(
        { _id },
        {
          $set: {
            tenantId,
            kind: 'OVERRIDE',
            level: override.level,
            mutedUntil: override.mutedUntil,
          },
        },
        { upsert: true },
      )
      .exec();
  }

  override async getTenantOptions(tenantId: TenantId): Promise<TenantNotificationOptions> {
    const r = await this.settings
      .findOne({ _id: tenantId_(tenantId) })
      .lean<NotificationSettingRecord>()
      .exec();
    return r ? { omitMessageText: r.omitMessageText } : { ...DEFAULT_TENANT_NOTIFICATION_OPTIONS };
  }

  override async saveTenantOptions(
    tenantId: TenantId,
    options: TenantNotificationOptions,
  ): Promise<void> {
    await this.settings
      .updateOne(
        { _id: tenantId_(tenantId) },
        { $set: { tenantId, kind: 'TENANT', omitMessageText: options.omitMessageText } },
        { upsert: true },
      )
      .exec();
  }

  override async savePushDevice(device: PushDevice): Promise<PushDevice> {
    const saved = await this.devices
      .findOneAndUpdate(
        { tenantId: device.tenantId, endpoint: device.endpoint },
        {
          $set: {
            userId: device.userId,
            kind: device.kind,
            appId: device.appId,
            p256dh: device.p256dh,
            auth: device.auth,
            label: device.label,
          },
          $setOnInsert: {
            _id: device.id,
            createdAt: device.createdAt,
            lastSuccessAt: null,
          },
        },
        { upsert: true, new: true },
      )
      .lean<PushDeviceRecord>()
      .exec();
    const extra = await this.devices
      .find({ tenantId: device.tenantId, userId: device.userId })
      .sort({ createdAt: -1, _id: -1 })
      .skip(MAX_PUSH_DEVICES)
      .select({ _id: 1 })
      .lean<{ _id: string }[]>()
      .exec();
    if (extra.length > 0)
      await this.devices
        .deleteMany({ tenantId: device.tenantId, _id: { $in: extra.map((e) => e._id) } })
        .exec();
    return toDevice(saved!);
  }

  override async anyPushDevices(tenantId: TenantId): Promise<boolean> {
    return (await this.devices.exists({ tenantId }).exec()) !== null;
  }

  override async usersWithPushDevices(
    tenantId: TenantId,
    userIds: readonly UserId[],
  ): Promise<Set<UserId>> {
    if (userIds.length === 0) return new Set();
    const ids = (await this.devices
      .distinct('userId', { tenantId, userId: { $in: userIds.slice(0, 1000) } })
      .exec()) as string[];
    return new Set(ids);
  }

  override async listPushDevices(tenantId: TenantId, userId: UserId): Promise<PushDevice[]> {
    const rows = await this.devices
      .find({ tenantId, userId })
      .sort({ createdAt: 1, _id: 1 })
      .limit(MAX_PUSH_DEVICES)
      .lean<PushDeviceRecord[]>()
      .exec();
    return rows.map(toDevice);
  }

  override async findPushDevice(tenantId: TenantId, id: string): Promise<PushDevice | null> {
    const r = await this.devices.findOne({ tenantId, _id: id }).lean<PushDeviceRecord>().exec();
    return r ? toDevice(r) : null;
  }

  override async removePushDevice(
    tenantId: TenantId,
    id: string,
    userId?: UserId,
  ): Promise<boolean> {
    const filter = userId === undefined ? { tenantId, _id: id } : { tenantId, _id: id, userId };
    const result = await this.devices.deleteOne(filter).exec();
    return result.deletedCount > 0;
  }

  override async markPushDeviceUsed(tenantId: TenantId, id: string, at: Date): Promise<void> {
    await this.devices.updateOne({ tenantId, _id: id }, { $set: { lastSuccessAt: at } }).exec();
  }
}
