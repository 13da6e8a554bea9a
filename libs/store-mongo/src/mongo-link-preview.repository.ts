import { Injectable } from '@nestjs/common';
import {
  CachedPage,
  LinkPreview,
  LinkPreviewRepository,
  LoggedEvent,
  MessageId,
  PageMetadata,
  TenantId,
} from '@chatter/core';
import type { ClientSession, Model } from 'mongoose';
import { MongoConversationLog } from './conversation-log';
import { InjectStoreModel } from './inject-store-model';
import { isDuplicateKey } from './mongo-errors';
import { MongoTransactions } from './mongo-transactions';
import { readOptions, writeOptions } from './mongo-write';
import {
  LINK_PREVIEW_CACHE_MODEL,
  LINK_PREVIEW_MODEL,
  LinkPreviewCacheRecord,
  LinkPreviewRecord,
} from './schemas/link-preview.schema';
import { MESSAGE_MODEL, MessageRecord } from './schemas/message.schema';

const MAX_IDS = 1000;
const keyOf = (tenantId: string, messageId: string) => `${tenantId}:${messageId}`;

const toPreview = (r: LinkPreviewRecord): LinkPreview => ({
  tenantId: r.tenantId,
  messageId: r.messageId,
  url: r.url,
  title: r.title ?? null,
  description: r.description ?? null,
  siteName: r.siteName ?? null,
  imageAttachmentId: r.imageAttachmentId ?? null,
  createdAt: r.createdAt,
});

/**
 * Link previews in the log protocol of `conversation-log.ts`: claim the preview document (unique
 * per message), reserve and record the MESSAGE_UPDATED entry, stage its seq on the preview, then
 * raise the message's commit mark — the preview shows once the mark reached its seq.
 */
@Injectable()
export class MongoLinkPreviewRepository extends LinkPreviewRepository {
  constructor(
    @InjectStoreModel(LINK_PREVIEW_MODEL) private readonly previews: Model<LinkPreviewRecord>,
    @InjectStoreModel(LINK_PREVIEW_CACHE_MODEL)
    private readonly cache: Model<LinkPreviewCacheRecord>,
    @InjectStoreModel(MESSAGE_MODEL) private readonly messages: Model<MessageRecord>,
    private readonly log: MongoConversationLog,
    private readonly tx: MongoTransactions,
  ) {
    super();
  }

  override async cachedPage(url: string, now: Date): Promise<CachedPage | null> {
    const r = await this.cache
      .findOne({ _id: url, expiresAt: { $gt: now } })
      .lean<LinkPreviewCacheRecord>()
      .exec();
    return r ? { metadata: (r.metadata as PageMetadata | null) ?? null } : null;
  }

  override async cachePage(
    url: string,
    metadata: PageMetadata | null,
    expiresAt: Date,
  ): Promise<void> {
    await this.cache
      .updateOne(
        { _id: url },
        { $set: { metadata: metadata ? { ...metadata } : null, expiresAt } },
        { upsert: true },
      )
      .exec();
  }

  override async attach(p: LinkPreview): Promise<LoggedEvent | null> {
    return this.tx.run(async (session) => {
      const message = await this.liveMessage(p.tenantId, p.messageId, session);
      if (!message) return null;
      const existing = await this.previews
        .findOne({ _id: keyOf(p.tenantId, p.messageId) }, { _id: 1 }, readOptions(session))
        .lean()
        .exec();
      if (existing) return null;
      try {
        await this.previews.insertMany(
          [
            {
              _id: keyOf(p.tenantId, p.messageId),
              tenantId: p.tenantId,
              messageId: p.messageId,
              url: p.url,
              title: p.title,
              description: p.description,
              siteName: p.siteName,
              imageAttachmentId: p.imageAttachmentId,
              createdAt: p.createdAt,
              seq: null,
              removed: false,
            },
          ],
          writeOptions(session),
        );
      } catch (error) {
        if (isDuplicateKey(error)) return null;
        throw error;
      }
      const event = await this.record(message, p.createdAt, session);
      if (!event) return null;
      await this.previews
        .updateOne(
          { _id: keyOf(p.tenantId, p.messageId) },
          { $set: { seq: event.seq } },
          writeOptions(session),
        )
        .exec();
      await this.raiseMark(message, event.seq, session);
      return event;
    });
  }

  override async remove(
    tenantId: TenantId,
    messageId: MessageId,
    at: Date,
  ): Promise<LoggedEvent | null> {
    return this.tx.run(async (session) => {
      const message = await this.liveMessage(tenantId, messageId, session);
      if (!message) return null;
      const claimed = await this.previews
        .findOneAndUpdate(
          { _id: keyOf(tenantId, messageId), removed: false, seq: { $ne: null } },
          { $set: { removed: true } },
          { new: true, ...writeOptions(session) },
        )
        .lean<LinkPreviewRecord>()
        .exec();
      if (!claimed) {
        // Removed before it arrived (or again): remember it, so it never attaches.
        await this.previews
          .updateOne(
            { _id: keyOf(tenantId, messageId) },
            {
              $setOnInsert: {
                tenantId,
                messageId,
                url: '',
                title: null,
                description: null,
                siteName: null,
                imageAttachmentId: null,
                createdAt: at,
                seq: null,
                removed: true,
              },
            },
            { upsert: true, ...writeOptions(session) },
          )
          .exec();
        return null;
      }
      const event = await this.record(message, at, session);
      if (event) await this.raiseMark(message, event.seq, session);
      return event;
    });
  }

  override async findByMessages(
    tenantId: TenantId,
    messageIds: readonly MessageId[],
  ): Promise<LinkPreview[]> {
    if (messageIds.length === 0) return [];
    const ids = messageIds.slice(0, MAX_IDS);
    const [rows, marks] = await Promise.all([
      this.previews
        .find({ _id: { $in: ids.map((id) => keyOf(tenantId, id)) }, removed: false })
        .lean<LinkPreviewRecord[]>()
        .exec(),
      this.messages
        .find({ tenantId, _id: { $in: ids } }, { lastUpdateSeq: 1 })
        .lean<Pick<MessageRecord, '_id' | 'lastUpdateSeq'>[]>()
        .exec(),
    ]);
    const markOf = new Map(marks.map((m) => [m._id, m.lastUpdateSeq ?? 0]));
    return rows
      .filter(
        (r) => r.seq !== null && r.seq !== undefined && r.seq <= (markOf.get(r.messageId) ?? 0),
      )
      .map(toPreview);
  }

  private liveMessage(
    tenantId: string,
    id: string,
    session: ClientSession | undefined,
  ): Promise<MessageRecord | null> {
    return this.messages
      .findOne({ _id: id, tenantId, seq: { $gt: 0 }, deletedAt: null }, null, readOptions(session))
      .lean<MessageRecord>()
      .exec();
  }

  private async record(
    message: MessageRecord,
    at: Date,
    session: ClientSession | undefined,
  ): Promise<LoggedEvent | null> {
    const logged = await this.log.reserveAndRecord(
      message.tenantId,
      message.conversationId,
      1,
      (seq): LoggedEvent[] => [{ kind: 'MESSAGE_UPDATED', seq, messageId: message._id, at }],
      session,
    );
    return logged ? logged.entries[0]! : null;
  }

  private async raiseMark(
    message: MessageRecord,
    seq: number,
    session: ClientSession | undefined,
  ): Promise<void> {
    await this.messages
      .updateOne(
        { _id: message._id, tenantId: message.tenantId, lastUpdateSeq: { $lt: seq } },
        { $set: { lastUpdateSeq: seq } },
        writeOptions(session),
      )
      .exec();
  }
}
