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

    it("revokes every live session of one user, naming those it revoked, and nobody else's", async () => {
      const t = aTenantId();
      const [ann, ben] = [
        await store().users.create(aUser(t)),
        await store().users.create(aUser(t)),
      ];
      const a1 = aSession(t, ann.id);
      const a2 = aSession(t, ann.id);
      const a3 = aSession(t, ann.id);
      const b1 = aSession(t, ben.id);
      for (const s of [a1, a2, a3, b1]) await store().sessions.createSession(s);
      const earlier = nextTime();
      await store().sessions.revokeSession(a3.id, earlier);
      const at = nextTime();
      expect((await store().sessions.revokeUserSessions(t, ann.id, at)).sort()).toEqual(
        [a1.id, a2.id].sort(),
      );
      expect((await store().sessions.findSession(a1.id))?.revokedAt).toEqual(at);
      expect((await store().sessions.findSession(a3.id))?.revokedAt).toEqual(earlier);
      expect((await store().sessions.findSession(b1.id))?.revokedAt).toBeNull();
      expect(await store().sessions.revokeUserSessions(t, ann.id, nextTime())).toEqual([]);
      expect(await store().sessions.revokeUserSessions(aTenantId(), ben.id, nextTime())).toEqual(
        [],
      );
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
