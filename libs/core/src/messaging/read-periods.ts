import { ConversationId, TenantId, UserId } from '../shared/ids';
import type { Member } from './conversation';

/**
 * A stretch of a conversation's log a user may read: the entries with `fromSeq <= seq <= toSeq`.
 * `fromSeq` is the member's history start (0, or the seq of their ADDED entry under
 * SINCE_JOINED); `toSeq` the seq of the REMOVED or LEFT entry that ended it (null while open).
 * Messages never sit at `fromSeq` (that seq is the ADDED entry), so "after the history start" and
 * "from it" select the same messages, while the timeline shows the member's own ADDED line.
 */
export interface ReadPeriod {
  fromSeq: number;
  toSeq: number | null;
}

/** Most closed periods kept per member: beyond it the oldest is forgotten (never a gap shown). */
export const MAX_READ_PERIODS = 50;

/**
 * What a user keeps of a conversation they left or were removed from (docs/history-visibility.md):
 * the periods of their past memberships, and how the latest one ended.
 */
export interface FormerMember {
  tenantId: TenantId;
  conversationId: ConversationId;
  userId: UserId;
  /** Closed periods, oldest first (each `toSeq` set). */
  periods: ReadPeriod[];
  /** How the latest membership ended. */
  change: 'REMOVED' | 'LEFT';
  /** Who removed them (themselves when they left); null when unknown. */
  actorId: UserId | null;
  exitedAt: Date;
}

/** The periods a store keeps after `member` exits at `exitSeq` (appended, capped, oldest first). */
export const closePeriod = (
  previous: readonly ReadPeriod[],
  member: Pick<Member, 'historyFromSeq'>,
  exitSeq: number,
): ReadPeriod[] =>
  capPeriods(normalizePeriods([...previous, { fromSeq: member.historyFromSeq, toSeq: exitSeq }]));

/**
 * Everything the user may read of the conversation: their past periods plus, while a member,
 * the open one from their current history start. Sorted, overlapping periods merged.
 */
export const readablePeriods = (
  member: Pick<Member, 'historyFromSeq'> | null,
  former: Pick<FormerMember, 'periods'> | null,
): ReadPeriod[] =>
  normalizePeriods([
    ...(former?.periods ?? []),
    ...(member ? [{ fromSeq: member.historyFromSeq, toSeq: null }] : []),
  ]);

/** Whether the log entry at `seq` is within the periods. */
export const canReadSeq = (periods: readonly ReadPeriod[], seq: number): boolean =>
  periods.some((p) => seq >= p.fromSeq && (p.toSeq === null || seq <= p.toSeq));

/**
 * Whether a client that applied the log up to `position` holds the conversation as a member
 * would: its last applied entry lies inside a period and is not the one that ended it.
 */
export const insideAt = (periods: readonly ReadPeriod[], position: number): boolean =>
  periods.some((p) => position >= p.fromSeq && (p.toSeq === null || position < p.toSeq));

/** Sorted by start, overlapping or touching periods merged (an open period absorbs the rest). */
export const normalizePeriods = (periods: readonly ReadPeriod[]): ReadPeriod[] => {
  const sorted = [...periods].sort((a, b) => a.fromSeq - b.fromSeq);
  const out: ReadPeriod[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && (last.toSeq === null || p.fromSeq <= last.toSeq + 1)) {
      last.toSeq = last.toSeq === null || p.toSeq === null ? null : Math.max(last.toSeq, p.toSeq);
    } else out.push({ ...p });
  }
  return out;
};

const capPeriods = (periods: ReadPeriod[]): ReadPeriod[] =>
  periods.length > MAX_READ_PERIODS ? periods.slice(periods.length - MAX_READ_PERIODS) : periods;
