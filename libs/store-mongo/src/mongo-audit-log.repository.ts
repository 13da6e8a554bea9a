import { Injectable } from '@nestjs/common';
import {
  AuditEntry,
  AuditFilter,
  AuditLogRepository,
  decodeKeyset,
  Page,
  PageRequest,
  toPage,
} from '@chatter/core';
import type { FilterQuery, Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { writeOptions } from './mongo-write';
import { AUDIT_ENTRY_MODEL, AuditEntryRecord } from './schemas/audit-entry.schema';

const toEntry = (r: AuditEntryRecord): AuditEntry => ({
  id: r._id,
  tenantId: r.tenantId,
  actorId: r.actorId ?? null,
  action: r.action,
  targetUserId: r.targetUserId ?? null,
  conversationId: r.conversationId ?? null,
  messageId: r.messageId ?? null,
  reason: r.reason ?? null,
  details: r.details ?? {},
  at: r.at,
});

@Injectable()
export class MongoAuditLogRepository extends AuditLogRepository {
  constructor(
    @InjectStoreModel(AUDIT_ENTRY_MODEL) private readonly entries: Model<AuditEntryRecord>,
  ) {
    super();
  }

  override async append(e: AuditEntry): Promise<void> {
    await this.entries.insertMany(
      [
        {
          _id: e.id,
          tenantId: e.tenantId,
          at: e.at,
          actorId: e.actorId,
          action: e.action,
          targetUserId: e.targetUserId,
          conversationId: e.conversationId,
          messageId: e.messageId,
          reason: e.reason,
          details: e.details,
        },
      ],
      writeOptions(undefined),
    );
  }

  override async list(
    tenantId: string,
    filter: AuditFilter,
    page: PageRequest,
  ): Promise<Page<AuditEntry>> {
    const query: FilterQuery<AuditEntryRecord> = { tenantId };
    if (filter.action) query.action = filter.action;
    if (filter.actorId) query.actorId = filter.actorId;
    if (filter.targetUserId) query.targetUserId = filter.targetUserId;
    const at: Record<string, Date> = {};
    if (filter.since) at.$gte = filter.since;
    if (filter.before) at.$lt = filter.before;
    const and: FilterQuery<AuditEntryRecord>[] = [];
    if (Object.keys(at).length > 0) and.push({ at });
    if (page.after) {
      const [ms, id] = decodeKeyset(page.after, ['number', 'string'] as const);
      const when = new Date(ms);
      and.push({ $or: [{ at: { $lt: when } }, { at: when, _id: { $lt: id } }] });
    }
    if (and.length > 0) query.$and = and;
    const rows = await this.entries
      .find(query)
      .sort({ at: -1, _id: -1 })
      .limit(page.first + 1)
      .lean<AuditEntryRecord[]>()
      .exec();
    return toPage(rows, page, toEntry, (r) => [r.at.getTime(), r._id]);
  }
}
