import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Session, signUp, sleep, startApi } from '../support';

let api: ApiProcess;
let user: Session;

beforeAll(async () => {
  api = await startApi({ WS_MAX_PAYLOAD_BYTES: '4096', CORS_ORIGINS: 'https://chat.example.com' });
  user = await signUp(api, 'Proto');
});
afterAll(async () => {
  await api?.stop();
});

interface Raw {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  next(type: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

function open(
  protocol: string | string[] = 'graphql-transport-ws',
  headers: Record<string, string> = {},
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(api.wsUrl, protocol, { headers });
    const messages: Record<string, unknown>[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.on('close', (code, reason) => r({ code, reason: String(reason) })),
    );
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        messages,
        closed,
        send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
        async next(type, timeoutMs = 5_000) {
          const end = Date.now() + timeoutMs;
          for (;;) {
            const i = messages.findIndex((m) => m.type === type);
            if (i >= 0) return messages.splice(i, 1)[0]!;
            if (Date.now() > end)
              throw new Error(`no ${type} message; got ${JSON.stringify(messages)}`);
            await sleep(10);
          }
        },
      }),
    );
  });
}

const init = (token = user.accessToken) => ({
  type: 'connection_init',
  payload: { authorization: `Bearer ${token}` },
});
async function acked(): Promise<Raw> {
  const c = await open();
  c.send(init());
  await c.next('connection_ack');
  return c;
}

describe('graphql-ws protocol (PROTOCOL.md) and Chatter’s own rules', () => {
  it('acknowledges a valid connection_init and answers ping with pong', async () => {
    const c = await acked();
    c.send({ type: 'ping', payload: { x: 1 } });
    expect(await c.next('pong')).toMatchObject({ type: 'pong' });
    c.ws.close(1000);
  });

  it('closes with 4408 when connection_init does not come in time', async () => {
    const c = await open();
    expect((await c.closed).code).toBe(4408);
  });

  it('closes with 4429 on a second connection_init', async () => {
    const c = await acked();
    c.send(init());
    expect((await c.closed).code).toBe(4429);
  });

  it('closes with 4401 on subscribe before the acknowledgement', async () => {
    const c = await open();
    c.send({ id: '1', type: 'subscribe', payload: { query: '{ me { id } }' } });
    expect((await c.closed).code).toBe(4401);
  });

  it('closes with 4409 when an id is reused while its operation runs', async () => {
    const c = await acked();
    const sub = {
      id: 's1',
      type: 'subscribe',
      payload: { query: 'subscription { chatEvents { __typename } }' },
    };
    c.send(sub);
    await sleep(200);
    c.send(sub);
    expect((await c.closed).code).toBe(4409);
  });

  it('closes with 4400 on malformed frames', async () => {
    for (const frame of [
      'not json',
      JSON.stringify({ type: 'no_such_type' }),
      JSON.stringify({ id: 5, type: 'subscribe' }),
    ]) {
      const c = await acked();
      c.send(frame);
      expect((await c.closed).code, frame).toBe(4400);
    }
  });

  it('closes with 4403 for a missing, forged or expired token', async () => {
    for (const token of [
      '',
      'garbage',
      `${user.accessToken.slice(0, -4)}AAAA`,
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    ]) {
      const c = await open();
      c.send(init(token));
      expect((await c.closed).code, token.slice(0, 12)).toBe(4403);
    }
  });

  it('refuses a wrong subprotocol', async () => {
    // The deprecated subscriptions-transport-ws protocol is not negotiated: the handshake carries
    // no subprotocol (the client gives up) and the server closes such a socket with 4406.
    await expect(open('graphql-ws')).rejects.toThrow(/no subprotocol/);
  });

  it('runs queries over the socket with next then complete, and stops a subscription on complete', async () => {
    const c = await acked();
    c.send({ id: 'q', type: 'subscribe', payload: { query: '{ me { name } }' } });
    expect(await c.next('next')).toMatchObject({
      id: 'q',
      payload: { data: { me: { name: 'Proto' } } },
    });
    expect(await c.next('complete')).toMatchObject({ id: 'q' });
    c.send({
      id: 's',
      type: 'subscribe',
      payload: { query: 'subscription { chatEvents { __typename } }' },
    });
    await sleep(200);
    c.send({ id: 's', type: 'complete' });
    await sleep(200);
    // The id is free again: reusing it is allowed once the operation completed.
    c.send({ id: 's', type: 'subscribe', payload: { query: '{ me { id } }' } });
    expect(await c.next('next')).toMatchObject({ id: 's' });
    c.ws.close(1000);
  });

  it('applies the same validation limits as HTTP and reports errors per operation', async () => {
    const c = await acked();
    const deep = `{ me { ${'id '.repeat(1)} } conversations { edges { node { lastMessage { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { replyTo { id } } } } } } } } } } } } } }`;
    c.send({ id: 'd', type: 'subscribe', payload: { query: deep } });
    const error = await c.next('error');
    expect(JSON.stringify(error.payload)).toContain('depth');
    c.send({
      id: 'a',
      type: 'subscribe',
      payload: {
        query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`,
      },
    });
    expect(JSON.stringify((await c.next('error')).payload)).toContain('aliases');
    c.ws.close(1000);
  });

  it('closes with 1009 when a frame exceeds WS_MAX_PAYLOAD_BYTES', async () => {
    const c = await acked();
    c.send({
      id: 'big',
      type: 'subscribe',
      payload: { query: `{ me { id } } # ${'x'.repeat(8000)}` },
    });
    expect((await c.closed).code).toBe(1009);
  });

  it('refuses browser origins outside the allow-list and accepts listed and same-origin ones', async () => {
    await expect(open('graphql-transport-ws', { origin: 'https://evil.example' })).rejects.toThrow(
      'HTTP 403',
    );
    const allowed = await open('graphql-transport-ws', { origin: 'https://chat.example.com' });
    allowed.ws.close(1000);
    const same = await open('graphql-transport-ws', { origin: api.url });
    same.ws.close(1000);
  });

  it('disposes every operation when the socket closes', async () => {
    const gauge = async () => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      return Number(/^chatter_subscriptions_active (\d+)/m.exec(text)?.[1] ?? NaN);
    };
    const before = await gauge();
    const c = await acked();
    for (const id of ['x1', 'x2', 'x3'])
      c.send({
        id,
        type: 'subscribe',
        payload: { query: 'subscription { chatEvents { __typename } }' },
      });
    const end = Date.now() + 5_000;
    while ((await gauge()) < before + 3 && Date.now() < end) await sleep(50);
    expect(await gauge()).toBe(before + 3);
    c.ws.terminate();
    while ((await gauge()) > before && Date.now() < end + 5_000) await sleep(50);
    expect(await gauge()).toBe(before);
  });
});
