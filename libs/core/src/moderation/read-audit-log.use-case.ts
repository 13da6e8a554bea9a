import { Actor } from '../shared/actor';
import { forbidden, invalid } from '../shared/domain-error';
import { isWellFormedId } from '../shared/ids';
import { Page, pageSize } from '../shared/page';
import { UseCase } from '../shared/use-case';
import { AUDIT_ACTIONS, AuditEntry, AuditFilter } from './audit-entry';
import { AuditLogRepository } from './audit-log.repository';
import { tenantRoleCan } from './permissions';
import { TenantRoleRepository } from './tenant-role.repository';

/** Reading the audit log: tenant owners and admins (`audit.read`), newest first, filtered. */
@UseCase()
export class ReadAuditLog {
  constructor(
    private readonly log: AuditLogRepository,
    private readonly roles: TenantRoleRepository,
  ) {}

  async list(
    actor: Actor,
    filter: AuditFilter,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<AuditEntry>> {
    const mine = await this.roles.find(actor.tenantId, actor.userId);
    if (!tenantRoleCan(mine?.role ?? null, 'audit.read'))
      throw forbidden('only tenant owners and admins can read the audit log');
    if (filter.action && !AUDIT_ACTIONS.includes(filter.action))
      throw invalid('action', 'unknown audit action');
    for (const field of ['actorId', 'targetUserId'] as const) {
      const id = filter[field];
      if (id !== null && id !== undefined && !isWellFormedId(id))
        return { items: [], cursors: [], hasNextPage: false };
    }
    for (const field of ['since', 'before'] as const) {
      const date = filter[field];
      if (date !== null && date !== undefined && Number.isNaN(date.getTime()))
        throw invalid(field, `${field} must be a date`);
    }
    return this.log.list(actor.tenantId, filter, {
      first: pageSize(first, 100),
      after: after ?? null,
    });
  }
}
