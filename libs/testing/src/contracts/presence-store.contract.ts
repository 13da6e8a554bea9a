import { PresenceStore, PresenceTransition } from '@chatter/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uniqueToken } from './realtime-test-helpers';

/**
 * Two stores on one backend (`storeB` plays another instance). The backend must start empty of
 * presence: sweeps are global, so give each `make` call its own backend or key prefix.
 */
export interface PresenceUnderTest {
  store: PresenceStore;
  storeB: PresenceStore;
  cleanup(): Promise<void>;
}

const TTL = 30_000;
const AWAY = 60_000;

/** The PresenceStore contract. Time is injected through the `now` arguments; nothing sleeps. */
export function presenceStoreContract(name: string, make: () => Promise<PresenceUnderTest>): void {
  describe(`${name} (PresenceStore contract)`, () => {
    let store: PresenceStore;
    let storeB: PresenceStore;
    let cleanup: () => Promise<void>;
    let tenant: string;
    // A fixed base in the recent past keeps dates realistic while every test controls time.
    const t0 = Math.floor(Date.now() / 1000) * 1000;
    const at = (ms: number) => new Date(t0 + ms);
    const user = () => uniqueToken('u');
    const transition = (
      userId: string,
      status: string,
      lastSeenAt: Date | null,
      tenantId = tenant,
    ) => ({
      tenantId,
      userId,
      status,
      lastSeenAt,
    });

    beforeEach(async () => {
      ({ store, storeB, cleanup } = await make());
      tenant = uniqueToken();
    });
    afterEach(async () => {
      await cleanup();
    });

    it('is ready', async () => {
      expect(await store.isReady()).toBe(true);
    });

    it('reports OFFLINE without lastSeenAt for a user it never saw', async () => {
      const u = user();
      expect(await store.get(tenant, [u], at(0), AWAY)).toEqual([
        { userId: u, status: 'OFFLINE', lastSeenAt: null },
      ]);
      expect(await store.get(tenant, [], at(0), AWAY)).toEqual([]);
    });

    it('announces ONLINE once for the first connection, across instances', async () => {
      const u = user();
      expect(await store.connect(tenant, u, 'c1', TTL, at(0))).toEqual(
        transition(u, 'ONLINE', at(0)),
      );
      expect(await storeB.connect(tenant, u, 'c2', TTL, at(10))).toBeNull();
      expect(await store.connect(tenant, u, 'c1', TTL, at(20))).toBeNull();
      for (const s of [store, storeB]) {
        expect(await s.get(tenant, [u], at(30), AWAY)).toEqual([
          { userId: u, status: 'ONLINE', lastSeenAt: at(30) },
        ]);
      }
    });

    it('announces OFFLINE once, when the last connection leaves, with lastSeenAt kept afterwards', async () => {
      const u = user();
      await store.connect(tenant, u, 'c1', TTL, at(0));
      await storeB.connect(tenant, u, 'c2', TTL, at(0));
      expect(await store.disconnect(tenant, u, 'c1', at(100))).toBeNull();
      expect(await storeB.get(tenant, [u], at(150), AWAY)).toEqual([
        { userId: u, status: 'ONLINE', lastSeenAt: at(150) },
      ]);
      expect(await store.disconnect(tenant, u, 'c2', at(200))).toEqual(
        transition(u, 'OFFLINE', at(200)),
      );
      expect(await storeB.disconnect(tenant, u, 'c2', at(300))).toBeNull();
      expect(await storeB.get(tenant, [u], at(10_000), AWAY)).toEqual([
        { userId: u, status: 'OFFLINE', lastSeenAt: at(200) },
      ]);
      expect(await store.sweep(at(10_000), AWAY)).toEqual([]);
      // And back.
      expect(await storeB.connect(tenant, u, 'c3', TTL, at(20_000))).toEqual(
        transition(u, 'ONLINE', at(20_000)),
      );
    });

    it('answers for several users in the order asked, each tenant on its own', async () => {
      const [a, b, c] = [user(), user(), user()];
      const otherTenant = uniqueToken();
      await store.connect(tenant, a, 'c1', TTL, at(0));
      await store.connect(tenant, c, 'c2', TTL, at(0));
      await store.disconnect(tenant, c, 'c2', at(50));
      expect(await storeB.get(tenant, [c, b, a], at(100), AWAY)).toEqual([
        { userId: c, status: 'OFFLINE', lastSeenAt: at(50) },
        { userId: b, status: 'OFFLINE', lastSeenAt: null },
        { userId: a, status: 'ONLINE', lastSeenAt: at(100) },
      ]);
      expect(await storeB.get(otherTenant, [a], at(100), AWAY)).toEqual([
        { userId: a, status: 'OFFLINE', lastSeenAt: null },
      ]);
      expect(await storeB.connect(otherTenant, a, 'c1', TTL, at(200))).toEqual(
        transition(a, 'ONLINE', at(200), otherTenant),
      );
      expect(await storeB.disconnect(otherTenant, a, 'c1', at(300))).toEqual(
        transition(a, 'OFFLINE', at(300), otherTenant),
      );
      expect((await store.get(tenant, [a], at(400), AWAY))[0]?.status).toBe('ONLINE');
    });

    it('keeps heartbeating connections alive and expires silent ones through sweep, once', async () => {
      const [alive, crashed] = [user(), user()];
      await store.connect(tenant, alive, 'c1', 1000, at(0));
      await store.connect(tenant, crashed, 'c2', 1000, at(0));
      await store.heartbeat(tenant, crashed, 'c2', 1000, at(400)); // last sign of life
      for (const ms of [700, 1400, 2100]) await storeB.heartbeat(tenant, alive, 'c1', 1000, at(ms));
      expect(await store.sweep(at(1300), AWAY)).toEqual([]);
      expect((await store.get(tenant, [crashed], at(1500), AWAY))[0]).toEqual({
        userId: crashed,
        status: 'OFFLINE',
        lastSeenAt: at(400),
      });
      expect(await storeB.sweep(at(2500), AWAY)).toEqual([transition(crashed, 'OFFLINE', at(400))]);
      expect(await store.sweep(at(2600), AWAY)).toEqual([]);
      expect(await store.get(tenant, [alive, crashed], at(2600), AWAY)).toEqual([
        { userId: alive, status: 'ONLINE', lastSeenAt: at(2600) },
        { userId: crashed, status: 'OFFLINE', lastSeenAt: at(400) },
      ]);
      expect(await store.sweep(at(3200), AWAY)).toEqual([transition(alive, 'OFFLINE', at(2100))]);
    });

    it('announces a connection that heartbeats again after being swept (a stalled instance)', async () => {
      const u = user();
      await store.connect(tenant, u, 'c1', 1000, at(0));
      expect(await store.sweep(at(1500), AWAY)).toEqual([transition(u, 'OFFLINE', at(0))]);
      await storeB.heartbeat(tenant, u, 'c1', 1000, at(1600));
      expect((await store.get(tenant, [u], at(1700), AWAY))[0]?.status).toBe('ONLINE');
      expect(await store.sweep(at(1700), AWAY)).toEqual([transition(u, 'ONLINE', at(1700))]);
      expect(await store.sweep(at(1800), AWAY)).toEqual([]);
    });

    it('treats a disconnect whose siblings all expired as the last one', async () => {
      const u = user();
      await store.connect(tenant, u, 'crashed', 1000, at(0));
      await store.connect(tenant, u, 'clean', 60_000, at(0));
      expect(await storeB.disconnect(tenant, u, 'clean', at(5000))).toEqual(
        transition(u, 'OFFLINE', at(5000)),
      );
      expect(await store.sweep(at(6000), AWAY)).toEqual([]);
    });

    it('goes AWAY when idle (announced by one sweep) and ONLINE again on activity or a new connection', async () => {
      const u = user();
      const long = 10 * AWAY;
      await store.connect(tenant, u, 'c1', long, at(0));
      await store.activity(tenant, u, at(1000));
      expect(await store.sweep(at(1000 + AWAY - 1), AWAY)).toEqual([]);
      expect((await store.get(tenant, [u], at(1000 + AWAY), AWAY))[0]).toEqual({
        userId: u,
        status: 'AWAY',
        lastSeenAt: at(1000 + AWAY),
      });
      const [first, second] = await Promise.all([
        store.sweep(at(1000 + AWAY), AWAY),
        storeB.sweep(at(1000 + AWAY), AWAY),
      ]);
      expect([...first, ...second]).toEqual([transition(u, 'AWAY', at(1000 + AWAY))]);
      expect(await store.sweep(at(2000 + AWAY), AWAY)).toEqual([]);

      expect(await storeB.activity(tenant, u, at(3000 + AWAY))).toEqual(
        transition(u, 'ONLINE', at(3000 + AWAY)),
      );
      expect(await store.activity(tenant, u, at(3001 + AWAY))).toBeNull();
      expect((await store.get(tenant, [u], at(3002 + AWAY), AWAY))[0]?.status).toBe('ONLINE');

      expect(await store.sweep(at(3000 + 2 * AWAY), AWAY)).toEqual([]);
      expect(await store.sweep(at(3001 + 2 * AWAY), AWAY)).toEqual([
        transition(u, 'AWAY', at(3001 + 2 * AWAY)),
      ]);
      expect(await storeB.connect(tenant, u, 'c2', TTL, at(3002 + 2 * AWAY))).toEqual(
        transition(u, 'ONLINE', at(3002 + 2 * AWAY)),
      );
    });

    it('ignores activity of a user without a live connection', async () => {
      const u = user();
      expect(await store.activity(tenant, u, at(0))).toBeNull();
      await store.connect(tenant, u, 'c1', TTL, at(0));
      await store.disconnect(tenant, u, 'c1', at(10));
      expect(await store.activity(tenant, u, at(20))).toBeNull();
      expect((await store.get(tenant, [u], at(30), AWAY))[0]).toEqual({
        userId: u,
        status: 'OFFLINE',
        lastSeenAt: at(10),
      });
    });

    it('returns each transition to exactly one caller under concurrency', async () => {
      const users = Array.from({ length: 20 }, () => user());
      const online = await Promise.all(
        users.flatMap((u) => [
          store.connect(tenant, u, 'a', 1000, at(0)),
          storeB.connect(tenant, u, 'b', 1000, at(0)),
        ]),
      );
      expect(online.filter(Boolean)).toHaveLength(users.length);

      const swept = await Promise.all([
        store.sweep(at(5000), AWAY),
        storeB.sweep(at(5000), AWAY),
        store.sweep(at(5000), AWAY),
      ]);
      const all: PresenceTransition[] = swept.flat();
      expect(all).toHaveLength(users.length);
      expect(new Set(all.map((t) => t.userId))).toEqual(new Set(users));
      expect(all.every((t) => t.status === 'OFFLINE')).toBe(true);

      await Promise.all(
        users.flatMap((u) => [
          store.connect(tenant, u, 'a', TTL, at(6000)),
          storeB.connect(tenant, u, 'b', TTL, at(6000)),
        ]),
      );
      const offline = await Promise.all(
        users.flatMap((u) => [
          store.disconnect(tenant, u, 'a', at(7000)),
          storeB.disconnect(tenant, u, 'b', at(7000)),
        ]),
      );
      expect(offline.filter(Boolean)).toEqual(users.map((u) => transition(u, 'OFFLINE', at(7000))));
    });
  });
}
