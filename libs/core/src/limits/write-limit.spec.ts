import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/domain-error';
import { CoreSettings } from '../shared/settings';
import { InMemoryRateLimiter } from '../memory/in-memory-rate-limiter';
import { enforceWriteLimit, writeLimitKey } from './write-limit';

const actor = (tenantId: string, userId: string) => ({ tenantId, userId, sessionId: null });

describe('enforceWriteLimit: one write budget per user of a tenant', () => {
  const settings = new CoreSettings({ writesPerUser: { limit: 3, windowMs: 60_000 } });

  it('refuses the write past the budget with RATE_LIMITED, for that user only', async () => {
    const limiter = new InMemoryRateLimiter();
    for (let i = 0; i < 3; i++) await enforceWriteLimit(limiter, settings, actor('acme', 'ann'));
    const refused = await enforceWriteLimit(limiter, settings, actor('acme', 'ann')).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('RATE_LIMITED');
    // Another user, and the same user id in another tenant, have budgets of their own.
    await expect(
      enforceWriteLimit(limiter, settings, actor('acme', 'ben')),
    ).resolves.toBeUndefined();
    await expect(
      enforceWriteLimit(limiter, settings, actor('other', 'ann')),
    ).resolves.toBeUndefined();
  });

  it('keys the budget by tenant and user, apart from the expensive-read budget', () => {
    expect(writeLimitKey(actor('acme', 'ann'))).toBe('write:acme:ann');
    expect(writeLimitKey(actor('acme', 'ann'))).not.toBe(writeLimitKey(actor('acme', 'ben')));
    expect(writeLimitKey(actor('acme', 'ann'))).not.toBe(writeLimitKey(actor('other', 'ann')));
  });
});
