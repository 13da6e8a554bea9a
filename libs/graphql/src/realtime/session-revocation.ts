import type { Authenticate, Authenticated } from '@chatter/core';

/** Closed when the token that opened the socket stopped verifying (the client signs in again). */
export const CLOSE_FORBIDDEN = 4403;

/** What revocation needs of an open socket. */
export interface RevocableSocket {
  actor: Authenticated | null;
  authorization: string | null;
  socket: { close(code: number, reason: string): void };
}

/**
 * After a tenant's signing secret was rotated: verifies again every socket of that tenant that an
 * app-issued token opened (those have no Chatter session), and closes with 4403 the ones whose
 * token no longer verifies. The caller has already dropped its cached verifications of the tenant.
 * Answers how many sockets were closed.
 */
export async function closeSocketsOfRotatedTenant(
  sockets: Iterable<RevocableSocket>,
  tenantId: string,
  authenticate: Pick<Authenticate, 'execute'>,
): Promise<number> {
  const affected = [...sockets].filter(
    (s) => s.actor?.tenantId === tenantId && s.actor.sessionId === null,
  );
  let closed = 0;
  for (const s of affected) {
    try {
      // Tokens of the same user share one verification (cached for a moment), so this stays cheap.
      s.actor = await authenticate.execute(s.authorization);
    } catch {
      // The actor stays: closing the socket still ends its presence connection under that user.
      s.socket.close(CLOSE_FORBIDDEN, 'Forbidden: tenant signing secret rotated');
      closed++;
    }
  }
  return closed;
}
