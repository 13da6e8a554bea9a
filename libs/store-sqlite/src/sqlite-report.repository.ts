import type { Database, Statement } from 'better-sqlite3';
import { Report, ReportOutcome, ReportRepository, ReportStatus } from '@chatter/core';
import { fromMs, fromMsOrNull } from './time';

interface ReportRow {
  tenant_id: string;
  id: string;
  reporter_id: string;
  target_user_id: string;
  message_id: string | null;
  conversation_id: string | null;
  reason: string;
  note: string | null;
  status: ReportStatus;
  outcome: ReportOutcome | null;
  resolved_by: string | null;
  resolved_at: number | null;
  created_at: number;
}

const toReport = (r: ReportRow): Report => ({
  id: r.id,
  tenantId: r.tenant_id,
  reporterId: r.reporter_id,
  targetUserId: r.target_user_id,
  messageId: r.message_id,
  conversationId: r.conversation_id,
  reason: r.reason,
  note: r.note,
  status: r.status,
  outcome: r.outcome,
  resolvedBy: r.resolved_by,
  resolvedAt: fromMsOrNull(r.resolved_at),
  createdAt: fromMs(r.created_at),
});

export class SqliteReportRepository extends ReportRepository {
  private readonly insert: Statement<[ReportRow]>;
  private readonly byId: Statement<[string, string], ReportRow>;
  private readonly open: Statement<[string, number], ReportRow>;
  private readonly byReporter: Statement<[string, string, number], ReportRow>;
  private readonly resolveOne: Statement<
    [ReportOutcome, string, number, string, string],
    ReportRow
  >;
  private readonly resolveTx: (
    t: string,
    ids: readonly string[],
    outcome: ReportOutcome,
    by: string,
    at: number,
  ) => ReportRow[];

  constructor(db: Database) {
    super();
    this.insert = db.prepare(
      `INSERT INTO reports (tenant_id, id, reporter_id, target_user_id, message_id, conversation_id, reason, note, status, outcome, resolved_by, resolved_at, created_at)
       VALUES (@tenant_id, @id, @reporter_id, @target_user_id, @message_id, @conversation_id, @reason, @note, @status, @outcome, @resolved_by, @resolved_at, @created_at)`,
    );
    this.byId = db.prepare('SELECT * FROM reports WHERE tenant_id = ? AND id = ?');
    this.open = db.prepare(
      "SELECT * FROM reports WHERE tenant_id = ? AND status = 'OPEN' ORDER BY created_at, id LIMIT ?",
    );
    this.byReporter = db.prepare(
      'SELECT * FROM reports WHERE tenant_id = ? AND reporter_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
    );
    this.resolveOne = db.prepare(
      `UPDATE reports SET status = 'RESOLVED', outcome = ?, resolved_by = ?, resolved_at = ?
       WHERE tenant_id = ? AND id = ? AND status = 'OPEN' RETURNING *`,
    );
    this.resolveTx = db.transaction(
      (t: string, ids: readonly string[], outcome: ReportOutcome, by: string, at: number) =>
        ids.flatMap((id) => {
          const row = this.resolveOne.get(outcome, by, at, t, id);
          return row ? [row] : [];
        }),
    );
  }

  override async create(r: Report): Promise<Report> {
    this.insert.run({
      tenant_id: r.tenantId,
      id: r.id,
      reporter_id: r.reporterId,
      target_user_id: r.targetUserId,
      message_id: r.messageId,
      conversation_id: r.conversationId,
      reason: r.reason,
      note: r.note,
      status: r.status,
      outcome: r.outcome,
      resolved_by: r.resolvedBy,
      resolved_at: r.resolvedAt ? r.resolvedAt.getTime() : null,
      created_at: r.createdAt.getTime(),
    });
    return { ...r };
  }

  override async findById(tenantId: string, id: string): Promise<Report | null> {
    const row = this.byId.get(tenantId, id);
    return row ? toReport(row) : null;
  }

  override async listOpen(tenantId: string, limit: number): Promise<Report[]> {
    return this.open.all(tenantId, Math.max(0, Math.trunc(limit))).map(toReport);
  }

  override async listByReporter(
    tenantId: string,
    reporterId: string,
    limit: number,
  ): Promise<Report[]> {
    return this.byReporter.all(tenantId, reporterId, Math.max(0, Math.trunc(limit))).map(toReport);
  }

  override async resolve(
    tenantId: string,
    ids: readonly string[],
    outcome: ReportOutcome,
    by: string,
    at: Date,
  ): Promise<Report[]> {
    return this.resolveTx(tenantId, ids, outcome, by, at.getTime()).map(toReport);
  }
}
