import { Clock } from '../shared/clock';
import { DomainError } from '../shared/domain-error';
import { DomainService } from '../shared/domain-service';
import { TenantId, UserId } from '../shared/ids';
import { isInForce, UserSanction } from './sanction';
import { SanctionRepository } from './sanction.repository';

/** Answers are cached this long per instance, like session revocation (Authenticate). */
const CACHE_MS = 2_000;
const MAX_CACHED = 50_000;

/**
 * Whether a user may use their account: a suspended or banned user is refused on every request
 * and at every sign-in and token refresh. The instance that imposes a sanction forgets its cached
 * answer at once; other instances learn it within CACHE_MS (their sockets close on the event).
 */
@DomainService()
export class AccountStanding {
  private readonly cache = new Map<string, { sanction: UserSanction | null; until: number }>();

  constructor(
    private readonly sanctions: SanctionRepository,
    private readonly clock: Clock,
  ) {}

  /** Throws ACCOUNT_SUSPENDED or ACCOUNT_BANNED when a sanction is in force. */
  async assertActive(tenantId: TenantId, userId: UserId): Promise<void> {
    const now = this.clock.now();
    const key = `${tenantId}:${userId}`;
    let entry = this.cache.get(key);
    if (!entry || entry.until <= now.getTime()) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      entry = {
        sanction: await this.sanctions.find(tenantId, userId),
        until: now.getTime() + CACHE_MS,
      };
      this.cache.set(key, entry);
    }
    const sanction = entry.sanction;
    if (!sanction || !isInForce(sanction, now)) return;
    if (sanction.kind === 'BANNED')
      throw new DomainError('ACCOUNT_BANNED', 'this account is banned');
    throw new DomainError('ACCOUNT_SUSPENDED', 'this account is suspended', {
      until: sanction.until?.toISOString() ?? null,
    });
  }

  forget(tenantId: TenantId, userId: UserId): void {
    this.cache.delete(`${tenantId}:${userId}`);
  }
}
