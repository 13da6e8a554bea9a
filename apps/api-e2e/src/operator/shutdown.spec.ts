import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { signUp, startApi } from '../support';

describe('graceful shutdown', () => {
  it('on SIGTERM closes sockets with 1001 and exits 0', async () => {
    const api = await startApi({ SHUTDOWN_GRACE_MS: '3000' });
    const user = await signUp(api, 'Shut');
    const ws = new WebSocket(api.wsUrl, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      ws.on('open', () =>
        ws.send(
          JSON.stringify({
            type: 'connection_init',
            payload: { authorization: `Bearer ${user.accessToken}` },
          }),
        ),
      );
      ws.on('message', (m) => JSON.parse(String(m)).type === 'connection_ack' && resolve());
    });
    const exit = api.stop();
    expect(await closed).toBe(1001);
    expect(await exit).toBe(0);
    expect(api.output()).not.toContain('"level":50');
  });

  it('spreads the 1001 closes over the grace period instead of closing every socket at once', async () => {
    const api = await startApi({ SHUTDOWN_GRACE_MS: '4000' });
    const user = await signUp(api, 'Spread');
    const started: number[] = [];
    // One after another: the per-address handshake admission would refuse a burst.
    const sockets: Promise<{ code: number; at: number }>[] = [];
    for (let i = 0; i < 8; i++) {
      const ws = new WebSocket(api.wsUrl, 'graphql-transport-ws');
      const closedAt = new Promise<{ code: number; at: number }>((resolve) =>
        ws.on('close', (code) => resolve({ code, at: Date.now() })),
      );
      await new Promise<void>((resolve, reject) => {
        ws.on('open', () =>
          ws.send(
            JSON.stringify({
              type: 'connection_init',
              payload: { authorization: `Bearer ${user.accessToken}` },
            }),
          ),
        );
        ws.on('message', (m) => JSON.parse(String(m)).type === 'connection_ack' && resolve());
        ws.on('close', (code, reason) => reject(new Error(`socket ${i} closed ${code} ${reason}`)));
      });
      sockets.push(closedAt);
    }
    started.push(Date.now());
    const exit = api.stop();
    const closes = await Promise.all(sockets);
    expect(closes.map((c) => c.code)).toEqual(Array(8).fill(1001));
    const times = closes.map((c) => c.at - started[0]!).sort((a, b) => a - b);
    // Spread over the first three quarters of 4 s: socket 8 of 8 is due after 2.6 s.
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(2000);
    expect(await exit).toBe(0);
  }, 120_000);
});
