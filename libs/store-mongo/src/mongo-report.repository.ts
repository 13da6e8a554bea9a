import { Injectable } from '@nestjs/common';
import { Report, ReportOutcome, ReportRepository } from '@chatter/core';
import type { Model } from 'mongoose';
import { InjectStoreModel } from './inject-store-model';
import { writeOptions } from './mongo-write';
import { REPORT_MODEL, ReportRecord } from './schemas/report.schema';

const toReport = (r: ReportRecord): Report => ({
  id: r._id,
  tenantId: r.tenantId,
  reporterId: r.reporterId,
  targetUserId: r.targetUserId,
  messageId: r.messageId ?? null,
  conversationId: r.conversationId ?? null,
  reason: r.reason,
  note: r.note ?? null,
  status: r.status,
  outcome: r.outcome ?? null,
  resolvedBy: r.resolvedBy ?? null,
  resolvedAt: r.resolvedAt ?? null,
  createdAt: r.createdAt,
});

@Injectable()
export class MongoReportRepository extends ReportRepository {
  constructor(@InjectStoreModel(REPORT_MODEL) private readonly reports: Model<ReportRecord>) {
    super();
  }

  override async create(r: Report): Promise<Report> {
    const { id, ...rest } = r;
    await this.reports.insertMany([{ _id: id, ...rest }], writeOptions(undefined));
    return { ...r };
  }

  override async findById(tenantId: string, id: string): Promise<Report | null> {
    const r = await this.reports.findOne({ _id: id, tenantId }).lean<ReportRecord>().exec();
    return r ? toReport(r) : null;
  }

  override async listOpen(tenantId: string, limit: number): Promise<Report[]> {
    if (!(limit >= 1)) return [];
    const rs = await this.reports
      .find({ tenantId, status: 'OPEN' })
      .sort({ createdAt: 1, _id: 1 })
      .limit(Math.trunc(limit))
      .lean<ReportRecord[]>()
      .exec();
    return rs.map(toReport);
  }

  override async listByReporter(
    tenantId: string,
    reporterId: string,
    limit: number,
  ): Promise<Report[]> {
    if (!(limit >= 1)) return [];
    const rs = await this.reports
      .find({ tenantId, reporterId })
      .sort({ createdAt: -1, _id: -1 })
      .limit(Math.trunc(limit))
      .lean<ReportRecord[]>()
      .exec();
    return rs.map(toReport);
  }

  override async resolve(
    tenantId: string,
    ids: readonly string[],
    outcome: ReportOutcome,
    by: string,
    at: Date,
  ): Promise<Report[]> {
    const resolved: Report[] = [];
    // One conditional update each: a report resolved meanwhile keeps its outcome.
    for (const id of ids) {
      const r = await this.reports
        .findOneAndUpdate(
          { _id: id, tenantId, status: 'OPEN' },
          { $set: { status: 'RESOLVED', outcome, resolvedBy: by, resolvedAt: at } },
          { new: true, ...writeOptions(undefined) },
        )
        .lean<ReportRecord>()
        .exec();
      if (r) resolved.push(toReport(r));
    }
    return resolved;
  }
}
