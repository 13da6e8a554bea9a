import { TenantId, UserId } from '../shared/ids';

/** SUSPENDED ends at `until`; BANNED lasts until lifted. */
export type SanctionKind = 'SUSPENDED' | 'BANNED';

/** A user's current suspension or ban (at most one per user; a new one replaces it). */
export interface UserSanction {
  tenantId: TenantId;
  userId: UserId;
  kind: SanctionKind;
  /** End of a suspension; null for a ban. */
  until: Date | null;
  reason: string | null;
  /** The tenant user who imposed it; null when an operator did. */
  by: UserId | null;
  at: Date;
}

/** Whether the sanction keeps the user out at `now`. */
export const isInForce = (sanction: UserSanction | null, now: Date): boolean =>
  sanction !== null &&
  (sanction.kind === 'BANNED' || (sanction.until !== null && sanction.until > now));
