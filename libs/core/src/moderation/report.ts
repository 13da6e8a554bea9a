import { TenantId, UserId } from '../shared/ids';

export type ReportStatus = 'OPEN' | 'RESOLVED';
/** What was done about a report; the reporter is told this. */
export type ReportOutcome = 'DISMISSED' | 'MESSAGE_DELETED' | 'USER_SUSPENDED' | 'USER_BANNED';

export const REPORT_OUTCOMES: readonly ReportOutcome[] = [
  'DISMISSED',
  'MESSAGE_DELETED',
  'USER_SUSPENDED',
  'USER_BANNED',
];

/** A user's report of a message or of another user. */
export interface Report {
  id: string;
  tenantId: TenantId;
  reporterId: UserId;
  /** Who is reported (the message's sender for a message report). */
  targetUserId: UserId;
  messageId: string | null;
  /** The conversation of the reported message; null for a report of a user. */
  conversationId: string | null;
  /** One of the configured reasons (REPORT_REASONS). */
  reason: string;
  note: string | null;
  status: ReportStatus;
  outcome: ReportOutcome | null;
  resolvedBy: UserId | null;
  resolvedAt: Date | null;
  createdAt: Date;
}
