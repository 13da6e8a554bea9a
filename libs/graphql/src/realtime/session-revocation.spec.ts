import { describe, expect, it } from 'vitest';
import { Authenticated, DomainError } from '@chatter/core';
import { closeSocketsOfRotatedTenant, RevocableSocket } from './session-revocation';

const actor = (tenantId: string, sessionId: string | null): Authenticated => ({
  tenantId,
  userId: 'u',
  sessionId,
  expiresAt: new Date(Date.now() + 60_000),
});

function socket(
  a: Authenticated | null,
  authorization: string,
): RevocableSocket & { closedWith: number | null } {
  const s = {
    actor: a,
    authorization,
    closedWith: null as number | null,
    socket: { close: (code: number) => void (s.closedWith = code) },
  };
  return s;
}

describe('closeSocketsOfRotatedTenant', () => {
  it('closes (4403) the app-token sockets of the tenant whose token no longer verifies, and only those', async () => {
    const stillValid = 'Bearer new-secret-token';
    const authenticate = {
      execute: async (authorization: string | null | undefined) => {
        if (authorization === stillValid) return actor('acme', null);
        throw new DomainError('UNAUTHENTICATED', 'invalid token');
      },
    };
    const oldApp = socket(actor('acme', null), 'Bearer old');
    const renewed = socket(actor('acme', null), stillValid);
    const session = socket(actor('acme', 'session-1'), 'Bearer chatter-access');
    const otherTenant = socket(actor('other', null), 'Bearer other');
    const unauthenticated = socket(null, 'Bearer nothing');
    const closed = await closeSocketsOfRotatedTenant(
      [oldApp, renewed, session, otherTenant, unauthenticated],
      'acme',
      authenticate,
    );
    expect(closed).toBe(1);
    expect(
      [oldApp, renewed, session, otherTenant, unauthenticated].map((s) => s.closedWith),
    ).toEqual([4403, null, null, null, null]);
  });
});
