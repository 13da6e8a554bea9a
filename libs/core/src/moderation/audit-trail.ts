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

/** Writes the audit log: every administrative and moderation use case records what it did. */
@DomainService()
export class AuditTrail {
  constructor(
    private readonly log: AuditLogRepository,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.log.append({
      id: newId(),
      at: this.clock.now(),
      targetUserId: null,
      conversationId: null,
      messageId: null,
      reason: null,
      details: {},
      ...entry,
    });
  }
}
