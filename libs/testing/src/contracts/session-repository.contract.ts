import { newId } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aRefreshToken, aSession, aTenantId, aUser, nextTime } from '../builders';
import { MakeStore, StoreUnderTest, useStore } from './store-under-test';

/** Contract of `SessionRepository`. */
export function sessionRepositoryContract(makeStore: MakeStore): void {
  describe('SessionRepository', () => {
    const store = useStore(makeStore);

    const aStoredSession = async (s: StoreUnderTest) => {
      const t = aTenantId();
      const user = await s.users.create(aUser(t));
      const session = aSession(t, user.id);
      await s.sessions.createSession(session);
      return session;
    };

    it('creates a session and finds it by id', async () => {
      const session = await aStoredSession(store());
      expect(await store().sessions.findSession(session.id)).toEqual(session);
      expect(await store().sessions.findSession(newId())).toBeNull();
    });

    it('revokes idempotently, keeping the first revocation time', async () => {
      const session = await aStoredSession(store());
      const first = nextTime();
      await store().sessions.revokeSession(session.id, first);
      await store().sessions.revokeSession(session.id, nextTime());
      expect(await store().sessions.findSession(session.id)).toEqual({
        ...session,
        revokedAt: first,
      });
      await store().sessions.revokeSession(newId(), nextTime()); // unknown: no error
    });

    it('stores refresh tokens and marks one used exactly once', async () => {
      const session = await aStoredSession(store());
      const token = aRefreshToken(session.id);
      await store().sessions.addRefreshToken(token);
      expect(await store().sessions.findRefreshToken(token.tokenHash)).toEqual(token);
      expect(await store().sessions.findRefreshToken('0'.repeat(64))).toBeNull();

      const at = nextTime();
      expect(await store().sessions.markRefreshTokenUsed(token.tokenHash, at)).toBe(true);
      expect(await store().sessions.markRefreshTokenUsed(token.tokenHash, nextTime())).toBe(false);
      expect(await store().sessions.findRefreshToken(token.tokenHash)).toEqual({
        ...token,
        usedAt: at,
      });
      expect(await store().sessions.markRefreshTokenUsed('f'.repeat(64), nextTime())).toBe(false);
    });

    it('lets exactly one of many concurrent exchanges win', async () => {
      const session = await aStoredSession(store());
      const token = aRefreshToken(session.id);
      await store().sessions.addRefreshToken(token);
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store().sessions.markRefreshTokenUsed(token.tokenHash, nextTime()),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
