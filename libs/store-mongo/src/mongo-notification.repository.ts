import { Injectable } from '@nestjs/common';
import {
  ConversationId,
  ConversationNotificationOverride,
  DEFAULT_TENANT_NOTIFICATION_OPTIONS,
  MAX_PUSH_DEVICES,
  NO_OVERRIDE,
  NotificationDefaults,
  NotificationEmail,
  NotificationRepository,
  NotifyLevel,
  PushDevice,
  TenantId,
  TenantNotificationOptions,
  UserId,
} from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { MEMBER_MODEL, MemberRecord } from './schemas/member.schema';
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

/** Device rows read per step while matching device owners with a conversation's members. */
const OWNER_BATCH = 500;

const defaultsId = (t: string, u: string) => `d:${t}:${u}`;
const overrideId = (t: string, u: string, c: string) => `o:${t}:${u}:${c}`;
const tenantId_ = (t: string) => `t:${t}`;
const emailId = (t: string, u: string) => `e:${t}:${u}`;

@Injectable()
export class MongoNotificationRepository extends NotificationRepository {
  constructor(
    @InjectStoreModel(NOTIFICATION_SETTING_MODEL)
    private readonly settings: Model<NotificationSettingRecord>,
    @InjectStoreModel(PUSH_DEVICE_MODEL) private readonly devices: Model<PushDeviceRecord>,
    @InjectStoreModel(MEMBER_MODEL) private readonly members: Model<MemberRecord>,
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

  override async membersWithPushDevices(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterUserId: UserId | null,
    limit: number,
  ): Promise<UserId[]> {
    const want = Math.min(Math.max(limit, 0), 1000);
    const found: UserId[] = [];
    let after = afterUserId ?? '';
    // The tenant's device owners a batch at a time (tenantId, userId index), each batch matched
    // against the conversation's members by key: reads follow the device owners, not members.
    while (found.length < want) {
      const owners = (await this.devices
        .find({ tenantId, userId: { $gt: after } }, { userId: 1, _id: 0 })
        .sort({ userId: 1 })
        .limit(OWNER_BATCH)
        .lean<{ userId: string }[]>()
        .exec()) as { userId: string }[];
      if (owners.length === 0) break;
      const ids = [...new Set(owners.map((o) => o.userId))];
      const members = (await this.members
        .find(
          { tenantId, conversationId, userId: { $in: ids }, active: true },
          { userId: 1, _id: 0 },
        )
        .lean<{ userId: string }[]>()
        .exec()) as { userId: string }[];
      const isMember = new Set(members.map((m) => m.userId));
      for (const id of ids) if (isMember.has(id) && found.length < want) found.push(id);
      if (owners.length < OWNER_BATCH) break;
      after = owners[owners.length - 1]!.userId;
    }
    return found;
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

  override async getNotificationEmail(
    tenantId: TenantId,
    userId: UserId,
  ): Promise<NotificationEmail | null> {
    const r = await this.settings
      .findOne({ _id: emailId(tenantId, userId), tenantId, kind: 'EMAIL' })
      .lean<NotificationSettingRecord>()
      .exec();
    if (!r || typeof r.address !== 'string') return null;
    return {
      tenantId,
      userId,
      address: r.address,
      verified: r.verified === true,
      digestEnabled: r.digestEnabled === true,
      codeHash: r.codeHash ?? null,
      codeExpiresAt: r.codeExpiresAt ?? null,
      codeAttempts: r.codeAttempts ?? 0,
      lastDigestAt: r.lastDigestAt ?? null,
    };
  }

  override async saveNotificationEmail(
    tenantId: TenantId,
    userId: UserId,
    email: NotificationEmail | null,
  ): Promise<void> {
    const _id = emailId(tenantId, userId);
    if (email === null) {
      await this.settings.deleteOne({ _id, tenantId }).exec();
      return;
    }
    await this.settings
      .updateOne(
        { _id, tenantId },
        {
          $set: {
            kind: 'EMAIL',
            userId,
            address: email.address,
            verified: email.verified,
            digestEnabled: email.digestEnabled,
            codeHash: email.codeHash,
            codeExpiresAt: email.codeExpiresAt,
            codeAttempts: email.codeAttempts,
          },
          $setOnInsert: { lastDigestAt: null, digestDueAt: null },
        },
        { upsert: true },
      )
      .exec();
  }

  override async scheduleDigest(
    tenantId: TenantId,
    userId: UserId,
    dueAt: Date,
    staleBefore: Date,
  ): Promise<boolean> {
    const result = await this.settings
      .updateOne(
        {
          _id: emailId(tenantId, userId),
          tenantId,
          kind: 'EMAIL',
          $or: [{ digestDueAt: null }, { digestDueAt: { $lt: staleBefore } }],
        },
        { $set: { digestDueAt: dueAt } },
      )
      .exec();
    return result.modifiedCount > 0;
  }

  override async digestDone(
    tenantId: TenantId,
    userId: UserId,
    sentAt: Date | null,
  ): Promise<void> {
    await this.settings
      .updateOne(
        { _id: emailId(tenantId, userId), tenantId, kind: 'EMAIL' },
        { $set: sentAt ? { digestDueAt: null, lastDigestAt: sentAt } : { digestDueAt: null } },
      )
      .exec();
  }

  override async membersWithEmailDigests(
    tenantId: TenantId,
    conversationId: ConversationId,
    afterUserId: UserId | null,
    limit: number,
  ): Promise<UserId[]> {
    const want = Math.min(Math.max(limit, 0), 1000);
    const found: UserId[] = [];
    let after = afterUserId ?? '';
    while (found.length < want) {
      const owners = (await this.settings
        .find(
          { tenantId, kind: 'EMAIL', verified: true, digestEnabled: true, userId: { $gt: after } },
          { userId: 1, _id: 0 },
        )
        .sort({ userId: 1 })
        .limit(OWNER_BATCH)
        .lean<{ userId: string }[]>()
        .exec()) as { userId: string }[];
      if (owners.length === 0) break;
      const ids = owners.map((o) => o.userId);
      const members = (await this.members
        .find(
          { tenantId, conversationId, userId: { $in: ids }, active: true },
          { userId: 1, _id: 0 },
        )
        .lean<{ userId: string }[]>()
        .exec()) as { userId: string }[];
      const isMember = new Set(members.map((m) => m.userId));
      for (const id of ids) if (isMember.has(id) && found.length < want) found.push(id);
      if (owners.length < OWNER_BATCH) break;
      after = owners[owners.length - 1]!.userId;
    }
    return found;
  }
}
