import { Injectable } from '@nestjs/common';
import {
  Attachment,
  AttachmentKind,
  AttachmentMedia,
  AttachmentRepository,
  ConversationId,
  MessageId,
  NewAttachment,
  TenantId,
  UserId,
} from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { toAttachment } from './mappers/attachment.mapper';
import { writeOptions } from './mongo-write';
import { ATTACHMENT_MODEL, AttachmentRecord } from './schemas/attachment.schema';

const MAX_IDS = 1000;

@Injectable()
export class MongoAttachmentRepository extends AttachmentRepository {
  constructor(
    @InjectStoreModel(ATTACHMENT_MODEL) private readonly attachments: Model<AttachmentRecord>,
  ) {
    super();
  }

  override async create(a: NewAttachment): Promise<Attachment> {
    const record: AttachmentRecord = {
      _id: a.id,
      tenantId: a.tenantId,
      conversationId: a.conversationId,
      uploaderId: a.uploaderId,
      name: a.name,
      declaredType: a.declaredType,
      declaredSize: a.declaredSize,
      status: 'PENDING',
      contentType: null,
      byteSize: null,
      kind: a.kind,
      storageKey: a.storageKey,
      claimKey: null,
      messageId: null,
      position: 0,
      accountedBytes: a.declaredSize,
      width: null,
      height: null,
      durationMs: null,
      thumbnailKey: null,
      placeholder: null,
      createdAt: a.createdAt,
      expiresAt: a.expiresAt,
    };
    await this.attachments.insertMany([record], writeOptions(undefined));
    return toAttachment(record);
  }

  override async findById(tenantId: TenantId, id: string): Promise<Attachment | null> {
    const r = await this.attachments.findOne({ tenantId, _id: id }).lean<AttachmentRecord>().exec();
    return r ? toAttachment(r) : null;
  }

  override async findByIds(tenantId: TenantId, ids: readonly string[]): Promise<Attachment[]> {
    if (ids.length === 0) return [];
    const rows = await this.attachments
      .find({ tenantId, _id: { $in: ids.slice(0, MAX_IDS) } })
      .lean<AttachmentRecord[]>()
      .exec();
    return rows.map(toAttachment);
  }

  override async markReady(
    tenantId: TenantId,
    id: string,
    facts: { byteSize: number; contentType: string; kind: AttachmentKind },
  ): Promise<Attachment | null> {
    const r = await this.attachments
      .findOneAndUpdate(
        { tenantId, _id: id, status: 'PENDING' },
        { $set: { status: 'READY', ...facts, accountedBytes: facts.byteSize } },
        { new: true, ...writeOptions(undefined) },
      )
      .lean<AttachmentRecord>()
      .exec();
    return r ? toAttachment(r) : null;
  }

  override async expireUploadedBefore(tenantId: TenantId, before: Date, at: Date): Promise<number> {
    const r = await this.attachments
      .updateMany(
        { tenantId, createdAt: { $lt: before }, expiresAt: null },
        { $set: { expiresAt: at } },
        writeOptions(undefined),
      )
      .exec();
    return r.modifiedCount;
  }

  override async markPlainFile(tenantId: TenantId, id: string): Promise<Attachment | null> {
    const r = await this.attachments
      .findOneAndUpdate(
        { tenantId, _id: id },
        { $set: { kind: 'FILE' } },
        { new: true, ...writeOptions(undefined) },
      )
      .lean<AttachmentRecord>()
      .exec();
    return r ? toAttachment(r) : null;
  }

  override async setMedia(
    tenantId: TenantId,
    id: string,
    media: AttachmentMedia,
  ): Promise<Attachment | null> {
    const r = await this.attachments
      .findOneAndUpdate(
        { tenantId, _id: id },
        { $set: { ...media } },
        { new: true, ...writeOptions(undefined) },
      )
      .lean<AttachmentRecord>()
      .exec();
    return r ? toAttachment(r) : null;
  }

  override async claim(
    tenantId: TenantId,
    ids: readonly string[],
    owner: { uploaderId: UserId; conversationId: ConversationId; claimKey: string },
  ): Promise<boolean> {
    // Each claim is one atomic document update; a refused one releases those this call took.
    const taken: string[] = [];
    for (const id of ids) {
      const result = await this.attachments
        .updateOne(
          {
            tenantId,
            _id: id,
            uploaderId: owner.uploaderId,
            conversationId: owner.conversationId,
            status: 'READY',
            claimKey: { $in: [null, owner.claimKey] },
          },
          { $set: { claimKey: owner.claimKey } },
          writeOptions(undefined),
        )
        .exec();
      if (result.matchedCount !== 1) {
        if (taken.length > 0) {
          await this.attachments
            .updateMany(
              { tenantId, _id: { $in: taken }, claimKey: owner.claimKey, messageId: null },
              { $set: { claimKey: null } },
              writeOptions(undefined),
            )
            .exec();
        }
        return false;
      }
      if (result.modifiedCount === 1) taken.push(id);
    }
    return true;
  }

  override async bind(
    tenantId: TenantId,
    ids: readonly string[],
    claimKey: string,
    messageId: MessageId,
  ): Promise<void> {
    await this.attachments.bulkWrite(
      ids.map((id, position) => ({
        updateOne: {
          filter: { tenantId, _id: id, claimKey, messageId: { $in: [null, messageId] } },
          update: { $set: { messageId, position, expiresAt: null } },
        },
      })),
      writeOptions(undefined),
    );
  }

  override async listByMessages(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
  ): Promise<Attachment[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.attachments
      .find({ tenantId, messageId: { $in: messageIds.slice(0, MAX_IDS) } })
      .sort({ messageId: 1, position: 1 })
      .lean<AttachmentRecord[]>()
      .exec();
    return rows.map(toAttachment);
  }

  override async delete(tenantId: TenantId, id: string): Promise<void> {
    await this.attachments.deleteOne({ tenantId, _id: id }, writeOptions(undefined)).exec();
  }

  override async expireWithMessage(
    tenantId: TenantId,
    messageId: MessageId,
    at: Date,
  ): Promise<number> {
    const result = await this.attachments
      .updateMany({ tenantId, messageId }, { $set: { expiresAt: at } }, writeOptions(undefined))
      .exec();
    return result.modifiedCount;
  }

  override async listExpired(now: Date, limit: number): Promise<Attachment[]> {
    const rows = await this.attachments
      .find({ expiresAt: { $ne: null, $lte: now } })
      .sort({ expiresAt: 1 })
      .limit(Math.max(1, Math.min(limit, MAX_IDS)))
      .lean<AttachmentRecord[]>()
      .exec();
    return rows.map(toAttachment);
  }

  override async usage(tenantId: TenantId, uploaderId: UserId | null): Promise<number> {
    const match = uploaderId === null ? { tenantId } : { tenantId, uploaderId };
    const [row] = await this.attachments
      .aggregate<{ bytes: number }>([
        { $match: match },
        { $group: { _id: null, bytes: { $sum: '$accountedBytes' } } },
      ])
      .exec();
    return row?.bytes ?? 0;
  }
}
