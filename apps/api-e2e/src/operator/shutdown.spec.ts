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
});
