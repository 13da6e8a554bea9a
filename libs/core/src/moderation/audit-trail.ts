import { Clock } from '../shared/clock';
import { DomainService } from '../shared/domain-service';
import { newId } from '../shared/ids';
import { AuditEntry } from './audit-entry';
import { AuditLogRepository } from './audit-log.repository';

export type AuditRecord = Omit<
  AuditEntry,
  'id' | 'at' | 'targetUserId' | 'conversationId' | 'messageId' | 'reason' | 'details'
> &
  Partial<Pick<AuditEntry, 'targetUserId' | 'conversationId' | 'messageId' | 'reason' | 'details'>>;

let lastMs = -1;
let sameMs = 0;

/**
 * An id that sorts in the order entries were recorded by this process, also within one
 * millisecond (the log reads newest first by time, then id): time, a counter, then a UUID.
 */
function orderedId(at: Date): string {
  const ms = at.getTime();
  sameMs = ms === lastMs ? sameMs + 1 : 0;
  lastMs = ms;
  return `${ms.toString(16).padStart(12, '0')}-${sameMs.toString(16).padStart(6, '0')}-${newId()}`;
}

/** Writes the audit log: every administrative and moderation use case records what it did. */
@DomainService()
export class AuditTrail {
  constructor(
    private readonly log: AuditLogRepository,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditRecord): Promise<void> {
    const at = this.clock.now();
    await this.log.append({
      id: orderedId(at),
      at,
      targetUserId: null,
      conversationId: null,
      messageId: null,
      reason: null,
      details: {},
      ...entry,
    });
  }
}
