import { TenantId } from '../shared/ids';
import { Page, PageRequest } from '../shared/page';
import { AuditEntry, AuditFilter } from './audit-entry';

/** The tenant's audit log: append-only (no update, no delete), read newest first. */
export abstract class AuditLogRepository {
  abstract append(entry: AuditEntry): Promise<void>;
  /** Entries matching every given filter, newest first (by time, then id), keyset-paged. */
  abstract list(
    tenantId: TenantId,
    filter: AuditFilter,
    page: PageRequest,
  ): Promise<Page<AuditEntry>>;
}
