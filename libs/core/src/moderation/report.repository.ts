import { TenantId, UserId } from '../shared/ids';
import { Report, ReportOutcome } from './report';

/** Persistence of reports. */
export abstract class ReportRepository {
  abstract create(report: Report): Promise<Report>;
  abstract findById(tenantId: TenantId, id: string): Promise<Report | null>;
  /** Open reports of the tenant, oldest first (at most `limit`). */
  abstract listOpen(tenantId: TenantId, limit: number): Promise<Report[]>;
  /** The reporter's own reports, newest first (at most `limit`). */
  abstract listByReporter(tenantId: TenantId, reporterId: UserId, limit: number): Promise<Report[]>;
  /**
   * Resolves the given open reports with one outcome; reports already resolved keep theirs.
   * Returns the reports it resolved now.
   */
  abstract resolve(
    tenantId: TenantId,
    ids: readonly string[],
    outcome: ReportOutcome,
    by: UserId,
    at: Date,
  ): Promise<Report[]>;
}
