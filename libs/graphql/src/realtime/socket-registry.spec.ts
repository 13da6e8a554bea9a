import { describe, expect, it } from 'vitest';
import type { Authenticated, PresenceService } from '@chatter/core';
import { SocketRegistry } from './socket-registry';
import { FakeSocket } from './testing/fake-socket';

class FakePresence {
  readonly calls: string[] = [];
  async connected(a: Authenticated, id: string) {
    this.calls.push(`connected ${a.userId} ${id}`);
  }
  async disconnected(a: Authenticated, id: string) {
    this.calls.push(`disconnected ${a.userId} ${id}`);
  }
  async heartbeat(a: Authenticated) {
    this.calls.push(`heartbeat ${a.userId}`);
  }
  async sweep() {
    this.calls.push('sweep');
  }
}

const actor = (userId: string, expiresAt: number): Authenticated => ({
  tenantId: 't',
  userId,
  sessionId: 's',
  expiresAt: new Date(expiresAt),
});

function setup() {
  const presence = new FakePresence();
  const clock = { ms: 0 };
  const registry = new SocketRegistry(
    presence as unknown as PresenceService,
    { keepAliveMs: 1_000, presenceTtlMs: 6_000 },
    { warn: () => undefined },
    () => clock.ms,
  );
  return { presence, clock, registry };
}

describe('SocketRegistry', () => {
  it('pings each socket once per keep-alive interval and drops a peer that did not answer the last ping', () => {
    const { registry } = setup();
    const ws = new FakeSocket();
    const state = ws.state(0, 1_000);
    registry.opened(state);
    registry.tick(999);
    expect(ws.pings).toBe(0);
    registry.tick(1_000);
    expect(ws.pings).toBe(1);
    state.alive = true; // pong
    registry.tick(2_000);
    expect(ws.pings).toBe(2);
    registry.tick(3_000); // no pong since
    expect(ws.terminated).toBe(true);
  });

  it('starts presence at authentication, beats it every third of the TTL, and ends it on close', async () => {
    const { registry, presence, clock } = setup();
    const ws = new FakeSocket();
    const state = ws.state(0, 100_000);
    registry.opened(state);
    registry.tick(5_000);
    expect(presence.calls).toEqual([]); // not authenticated yet: no heartbeat
    clock.ms = 5_000;
    await registry.authenticated(state, actor('ada', 1e12));
    registry.tick(6_999);
    registry.tick(7_000);
    registry.tick(8_000);
    registry.tick(9_000);
    registry.closed(state);
    await Promise.resolve();
    expect(presence.calls).toEqual([
      `connected ada ${state.id}`,
      'heartbeat ada',
      'heartbeat ada',
      `disconnected ada ${state.id}`,
    ]);
    expect(registry.size).toBe(0);
  });

  it('closes a socket with 4403 when its token expires', async () => {
    const { registry } = setup();
    const ws = new FakeSocket();
    const state = ws.state(0, 100_000);
    registry.opened(state);
    await registry.authenticated(state, actor('ada', 10_000));
    registry.tick(9_999);
    expect(ws.closed).toBeNull();
    registry.tick(10_000);
    expect(ws.closed).toEqual({ code: 4403, reason: 'Forbidden: token expired' });
  });

  it('closes the sockets a hook picks (e.g. one user’s) and leaves the others', async () => {
    const { registry } = setup();
    const sockets = ['ada', 'bob', 'ada'].map((u) => {
      const ws = new FakeSocket();
      const state = ws.state();
      registry.opened(state);
      void registry.authenticated(state, actor(u, 1e12));
      return ws;
    });
    expect(
      registry.closeWhere((s) => s.actor?.userId === 'ada', 4403, 'Forbidden: session revoked'),
    ).toBe(2);
    expect(sockets.map((s) => s.closed?.code ?? null)).toEqual([4403, null, 4403]);
  });

  it('drains: closes every socket with 1001, then terminates those that did not close', async () => {
    const { registry } = setup();
    const polite = new FakeSocket();
    const stuck = new FakeSocket();
    const politeState = polite.state();
    registry.opened(politeState);
    registry.opened(stuck.state());
    polite.close = (code, reason) => {
      polite.closed = { code, reason };
      registry.closed(politeState);
    };
    stuck.close = (code, reason) => void (stuck.closed = { code, reason });
    await registry.drain(120);
    expect(polite.closed?.code).toBe(1001);
    expect(stuck.closed?.code).toBe(1001);
    expect([polite.terminated, stuck.terminated]).toEqual([false, true]);
  });

  it('drains spread over the given window: closes arrive evenly, not all at once', async () => {
    const { registry } = setup();
    const closedAt: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 8; i++) {
      const ws = new FakeSocket();
      const state = ws.state();
      registry.opened(state);
      ws.close = (code, reason) => {
        ws.closed = { code, reason };
        closedAt.push(Date.now() - started);
        registry.closed(state);
      };
    }
    await registry.drain(1_000, 800);
    expect(closedAt).toHaveLength(8);
    // Socket i of 8 is due at i/8 of 800 ms: the first at once, the last after 700 ms.
    expect(closedAt[0]!).toBeLessThan(300);
    expect(closedAt[7]!).toBeGreaterThanOrEqual(690);
    // Evenly: no more than two closes in any 100 ms.
    for (const t of closedAt)
      expect(closedAt.filter((u) => u >= t && u < t + 100).length).toBeLessThanOrEqual(2);
  });
});
