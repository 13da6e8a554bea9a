import { TenantId, UserId } from '../shared/ids';
import { Call, CallEndReason } from './call';

/**
 * The state of calls, shared by every instance (it lives in the store): each transition is a
 * compare-and-set, so of two devices answering at once, or two instances expiring one invite,
 * exactly one succeeds. Tenant-scoped.
 */
export abstract class CallRepository {
  /** Stores a new RINGING call. */
  abstract create(call: Call): Promise<void>;
  abstract findById(tenantId: TenantId, id: string): Promise<Call | null>;
  /**
   * Calls where the user is caller or callee that are ACTIVE, or RINGING with `expiresAt` after
   * `now`; newest first.
   */
  abstract findLive(tenantId: TenantId, userId: UserId, now: Date): Promise<Call[]>;
  /**
   * RINGING → ACTIVE, recording the answering device, only while it rings and `at` is before
   * `expiresAt`; null otherwise (answered elsewhere, ended, expired, absent).
   */
  abstract answer(
    tenantId: TenantId,
    id: string,
    calleeSessionId: string | null,
    at: Date,
  ): Promise<Call | null>;
  /**
   * Ends the call if its state is one of `from`: state ENDED, `endedAt` and `endReason` set.
   * Null when it is in none of them (already ended: the caller of end lost the race).
   */
  abstract end(
    tenantId: TenantId,
    id: string,
    from: readonly ('RINGING' | 'ACTIVE')[],
    reason: CallEndReason,
    at: Date,
  ): Promise<Call | null>;
  /** RINGING calls (of every tenant) whose `expiresAt` is at or before `now`, oldest first. */
  abstract listExpired(now: Date, limit: number): Promise<Call[]>;
  /** ACTIVE calls of every tenant, ordered by id, those with an id after `afterId` (a page). */
  abstract listActive(afterId: string | null, limit: number): Promise<Call[]>;
}
