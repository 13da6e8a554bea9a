import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiProcess, ok, removeDataDir, Session, sleep, startApi } from '../support';
import { history } from '../realtime/realtime-helpers';
import {
  ackedSocket,
  appUser,
  CaseTable,
  unexpectedErrors,
  metric,
  newTenantSecret,
  openSocket,
  post,
  RawSocket,
  readyz,
  rssOf,
  snapshot,
  wsCode,
  wsOperation,
  SEND_MESSAGE,
  waitFor,
} from './hardening-helpers';

/**
 * Hostile WebSocket clients: operation floods on one socket, a thousand sockets from one
 * address, frames no client library would send, and limits shared with HTTP.
 */
const secret = newTenantSecret();
const table = new CaseTable('Hostile WebSocket clients');
let api: ApiProcess;
let ada: Session;
let bob: Session;
let conv: string;

const SUB = 'subscription { chatEvents { __typename ... on MessageAdded { seq } } }';

beforeAll(async () => {
  // This file opens up to 1,000 sockets from one address at once to see the server hold them: the
  // per-address limits that would refuse most of them (tested in socket-limits.spec.ts) are off.
  api = await startApi({
    DEFAULT_TENANT_SECRET: secret,
    WS_MAX_SOCKETS_PER_IP: '0',
    WS_CONNECTS_PER_IP: '0',
  });
  [ada, bob] = await Promise.all([appUser(api, 'Ada', secret), appUser(api, 'Bob', secret)]);
  conv = (
    await ok<{ createGroup: { id: string } }>(
      api,
      'mutation($m:[ID!]!){ createGroup(input:{title:"Sockets", memberIds:$m}){ id } }',
      { m: [bob.userId] },
      ada.accessToken,
    )
  ).createGroup.id;
}, 60_000);

afterAll(async () => {
  table.print();
  if (api) {
    expect(unexpectedErrors(api)).toEqual([]);
    await api.stop();
    removeDataDir(api);
  }
});

describe('operation floods on one socket', () => {
  it('refuses the 21st concurrent operation with RATE_LIMITED; the first 20 keep working and a completed one frees its slot', async () => {
    const base = await metric(api, 'chatter_subscriptions_active');
    const s = await ackedSocket(api, bob.accessToken);
    for (let i = 0; i < 25; i++)
      s.send({ id: `sub-${i}`, type: 'subscribe', payload: { query: SUB } });
    const refused: Record<string, unknown>[] = [];
    for (let i = 20; i < 25; i++)
      refused.push(
        await s.next((m) => m.id === `sub-${i}` && m.type === 'error', 5_000, `error for sub-${i}`),
      );
    const codes = refused.map(
      (m) => (m.payload as { extensions?: { code?: string } }[])[0]?.extensions?.code,
    );
    table.add(
      '25 subscriptions on one socket',
      'WS',
      '20 run, 5× error RATE_LIMITED',
      `${25 - refused.length} run, ${refused.length}× error ${[...new Set(codes)].join(',')}`,
    );
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    await sleep(200);
    const sent = await ok<{ sendMessage: { seq: number } }>(
      api,
      SEND_MESSAGE,
      { c: conv, k: 'flood-1', b: 'to all 20' },
      ada.accessToken,
    );
    await waitFor(
      '20 deliveries',
      () => new Set(s.messages.filter((m) => m.type === 'next').map((m) => m.id)).size === 20,
      10_000,
    );
    const delivered = s.messages.filter((m) => m.type === 'next');
    expect(new Set(delivered.map((m) => m.id))).toEqual(
      new Set(Array.from({ length: 20 }, (_, i) => `sub-${i}`)),
    );
    expect(
      delivered.every(
        (m) =>
          (m.payload as { data: { chatEvents: { seq: number } } }).data.chatEvents.seq ===
          sent.sendMessage.seq,
      ),
    ).toBe(true);
    s.send({ id: 'sub-0', type: 'complete' });
    await sleep(200);
    const extra = await wsOperation(s, '{ me { id } }');
    expect(extra.kind).toBe('next');
    expect(wsCode(extra)).toBe('data');
    s.ws.close(1000);
    // Closing the socket disposes its subscriptions (the next case measures from a settled gauge).
    await waitFor(
      'subscriptions disposed',
      async () => (await metric(api, 'chatter_subscriptions_active')) === base,
      10_000,
    );
    expect(codes).toEqual(Array(5).fill('RATE_LIMITED'));
  });

  it('leaks no subscription under 500 subscribe/complete cycles and 2,000 pings in a burst', async () => {
    const base = await metric(api, 'chatter_subscriptions_active');
    const s = await ackedSocket(api, bob.accessToken);
    for (let i = 0; i < 500; i++) {
      s.send({ id: `c-${i}`, type: 'subscribe', payload: { query: SUB } });
      s.send({ id: `c-${i}`, type: 'complete' });
    }
    for (let i = 0; i < 2000; i++) s.send({ type: 'ping' });
    await waitFor(
      '2000 pongs',
      () => s.messages.filter((m) => m.type === 'pong').length >= 2000,
      15_000,
    );
    await waitFor(
      'gauge back to base',
      async () => (await metric(api, 'chatter_subscriptions_active')) === base,
      10_000,
    );
    const after = await metric(api, 'chatter_subscriptions_active');
    // Back-to-back cycles may briefly exceed 20 operations in flight; such refusals must say so.
    const refusals = s.messages
      .filter((m) => m.type === 'error')
      .map((m) => (m.payload as { extensions?: { code?: string } }[])[0]?.extensions?.code);
    expect(refusals.filter((c) => c !== 'RATE_LIMITED')).toEqual([]);
    // No slot leaked: the socket still runs a new operation.
    expect(wsCode(await wsOperation(s, '{ me { id } }'))).toBe('data');
    table.add(
      '500 subscribe/complete + 2,000 pings',
      'WS',
      `subscriptions gauge ${base}, socket open`,
      `subscriptions gauge ${after}, socket ${s.ws.readyState === WebSocket.OPEN ? 'open' : 'closed'}`,
    );
    expect(after).toBe(base);
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    s.ws.close(1000);
  });
});

describe('frames no client library sends', () => {
  const raw = async (frame: (s: RawSocket) => void, init = true) => {
    const s = init ? await ackedSocket(api, bob.accessToken) : await openSocket(api);
    frame(s);
    return (await s.closed).code;
  };

  it('closes on binary frames (4400), invalid UTF-8 (1007) and frames over WS_MAX_PAYLOAD_BYTES (1009)', async () => {
    const binary = await raw((s) => s.ws.send(Buffer.from('{"type":"ping"}'), { binary: true }));
    const badUtf8 = await raw((s) =>
      s.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }),
    );
    const oversize = await raw((s) =>
      s.send({
        id: 'big',
        type: 'subscribe',
        payload: { query: `{ me { id } } # ${'x'.repeat(70_000)}` },
      }),
    );
    table.add('binary frame', 'WS', 'close 4400', `close ${binary}`);
    table.add('invalid UTF-8 text frame', 'WS', 'close 1007', `close ${badUtf8}`);
    table.add('70 kB frame (limit 64 KiB)', 'WS', 'close 1009', `close ${oversize}`);
    expect({ binary, badUtf8, oversize }).toEqual({ binary: 4400, badUtf8: 1007, oversize: 1009 });
  });

  it('refuses connection_init payloads of the wrong shape: non-string authorization 4403, non-object payload 4400', async () => {
    const results: Record<string, number> = {};
    for (const [name, payload] of [
      ['authorization array', { authorization: ['Bearer a', 'Bearer b'] }],
      ['authorization object', { authorization: { $ne: null } }],
      ['authorization number', { authorization: 42 }],
      ['no authorization', {}],
    ] as const) {
      results[name] = await raw((s) => s.send({ type: 'connection_init', payload }), false);
    }
    results['payload string'] = await raw(
      (s) => s.send({ type: 'connection_init', payload: 'Bearer x' }),
      false,
    );
    table.add(
      'connection_init with non-string authorization',
      'WS',
      'close 4403',
      `close ${[
        ...new Set(
          Object.entries(results)
            .filter(([k]) => k !== 'payload string')
            .map(([, v]) => v),
        ),
      ].join(',')}`,
    );
    table.add(
      'connection_init with a string payload',
      'WS',
      'close 4400',
      `close ${results['payload string']}`,
    );
    expect(results).toEqual({
      'authorization array': 4403,
      'authorization object': 4403,
      'authorization number': 4403,
      'no authorization': 4403,
      'payload string': 4400,
    });
  });

  it('answers a document over the 20,000-character limit with BAD_USER_INPUT, keeping the socket', async () => {
    const s = await ackedSocket(api, bob.accessToken);
    const r = await wsOperation(s, `{ me { id } } # ${'x'.repeat(30_000)}`);
    table.add(
      '30 kB document in a 64 KiB frame',
      'WS',
      'error BAD_USER_INPUT',
      `${r.kind} ${wsCode(r)}`,
    );
    expect(r.kind).toBe('error');
    expect(wsCode(r)).toBe('BAD_USER_INPUT');
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    s.ws.close(1000);
  });
});

describe('limits shared with HTTP', () => {
  it('counts sends over HTTP and WebSocket in one per-user budget (30 per 10 s): the 31st, over WS, is RATE_LIMITED with a hint', async () => {
    const carl = await appUser(api, 'Carl', secret);
    const room = (
      await ok<{ createGroup: { id: string } }>(
        api,
        'mutation($m:[ID!]!){ createGroup(input:{title:"Budget", memberIds:$m}){ id } }',
        { m: [ada.userId] },
        carl.accessToken,
      )
    ).createGroup.id;
    const before = await snapshot(api, carl, []);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        ok(api, SEND_MESSAGE, { c: room, k: `budget-${i}`, b: `m${i}` }, carl.accessToken),
      ),
    );
    expect(answers).toHaveLength(30);
    const s = await ackedSocket(api, carl.accessToken);
    const r = await wsOperation(s, SEND_MESSAGE, { c: room, k: 'budget-30', b: 'one too many' });
    const error = r.result.errors?.[0];
    table.add(
      '31st send in 10 s (30 HTTP, then WS)',
      'WS',
      'RATE_LIMITED + retryAfterSeconds',
      `${wsCode(r)}${error?.extensions?.retryAfterSeconds ? ' + retryAfterSeconds' : ''}`,
    );
    expect(wsCode(r)).toBe('RATE_LIMITED');
    expect(Number(error?.extensions?.retryAfterSeconds)).toBeGreaterThanOrEqual(1);
    expect(Number(error?.extensions?.retryAfterSeconds)).toBeLessThanOrEqual(10);
    expect((await history(api, carl, room)).length).toBe(30);
    expect((await snapshot(api, carl, [])).me).toEqual(before.me);
    s.ws.close(1000);
  });
});

describe('write floods (writes are limited to 120 per user per 10 s)', () => {
  /**
   * Fires n calls at once, every other one over a socket (at most 13 per socket, under the
   * 20-operations-per-socket limit), and counts the answers' codes.
   */
  const flood = async (
    who: Session,
    n: number,
    call: (i: number) => [string, Record<string, unknown>],
  ) => {
    const sockets = await Promise.all(
      Array.from({ length: Math.ceil(n / 2 / 13) }, () => ackedSocket(api, who.accessToken)),
    );
    const started = Date.now();
    const codes = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const [q, v] = call(i);
        if (i % 2)
          return ((r) => (wsCode(r) === 'data' ? 'ok' : wsCode(r)))(
            await wsOperation(sockets[Math.floor(i / 2 / 13)]!, q, v),
          );
        const r = await post(api, q, v, who.accessToken);
        return r.json?.errors?.[0]?.extensions?.code ?? 'ok';
      }),
    );
    sockets.forEach((s) => s.ws.close(1000));
    return {
      elapsed: Date.now() - started,
      count: codes.reduce<Record<string, number>>(
        (acc, c) => ((acc[c] = (acc[c] ?? 0) + 1), acc),
        {},
      ),
    };
  };

  it.each([
    ['addMembers (control: a membership write, limited today)', 'add'],
    ['updateConversation(title): a logged event fanned out to every member', 'rename'],
    ['updateProfile(statusText)', 'profile'],
    ['blockUser / unblockUser toggles', 'block'],
    ['addContact with 130 numbers (a phone-number lookup: who is registered)', 'contact'],
  ] as const)('refuses the writes beyond 120 in 10 s: %s', async (name, kind) => {
    const who = await appUser(api, `Flooder ${kind}`, secret);
    const target = await appUser(api, `Target ${kind}`, secret);
    const room = (
      await ok<{ createGroup: { id: string } }>(
        api,
        'mutation($m:[ID!]!){ createGroup(input:{title:"Flood", memberIds:$m}){ id } }',
        { m: [target.userId] },
        who.accessToken,
      )
    ).createGroup.id;
    const calls: Record<typeof kind, (i: number) => [string, Record<string, unknown>]> = {
      add: () => [
        'mutation($c:ID!){ addMembers(conversationId:$c, userIds:[]){ id } }',
        { c: room },
      ],
      rename: (i) => [
        'mutation($c:ID!,$t:String!){ updateConversation(input:{conversationId:$c, title:$t}){ id } }',
        { c: room, t: `Flood ${i}` },
      ],
      profile: (i) => [
        'mutation($t:String!){ updateProfile(input:{statusText:$t}){ id } }',
        { t: `status ${i}` },
      ],
      block: (i) => [
        `mutation($u:ID!){ ${i % 4 < 2 ? 'blockUser' : 'unblockUser'}(userId:$u) }`,
        { u: target.userId },
      ],
      contact: (i) => [
        'mutation($p:String!){ addContact(phone:$p){ user { id } } }',
        { p: `+1415555${String(9000 + i).padStart(4, '0')}` },
      ],
    };
    // The createGroup above already used one unit of the write budget.
    const { elapsed, count } = await flood(who, 130, calls[kind]);
    // Answered = carried out (ok, or NOT_FOUND for a number nobody has): everything not RATE_LIMITED.
    const answered = 130 - (count.RATE_LIMITED ?? 0);
    const outcome = `${answered} answered (${Object.entries(count)
      .filter(([c]) => c !== 'RATE_LIMITED')
      .map(([c, n]) => `${n} ${c}`)
      .join(', ')}), ${count.RATE_LIMITED ?? 0} RATE_LIMITED in ${(elapsed / 1000).toFixed(1)} s`;
    table.add(
      `130 concurrent ${name}`,
      'HTTP+WS',
      '≤ 119 answered, the rest RATE_LIMITED',
      outcome,
      answered <= 119,
    );
    expect(elapsed, 'the flood must fit in one 10 s window to be conclusive').toBeLessThan(10_000);
    expect(
      Object.keys(count).filter((c) => !['ok', 'RATE_LIMITED', 'NOT_FOUND'].includes(c)),
    ).toEqual([]);
    expect(answered, outcome).toBeLessThanOrEqual(119);
  });
});

describe('a thousand sockets from one address', () => {
  it('stays healthy with 1,000 authenticated sockets from one IP (per-address limits off)', async () => {
    const users = await Promise.all(
      Array.from({ length: 10 }, (_, i) => appUser(api, `Crowd ${i}`, secret)),
    );
    for (const u of users)
      await ok(
        api,
        'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
        { c: conv, u: [u.userId] },
        ada.accessToken,
      );
    const pid = api.process.pid!;
    const baseSockets = await metric(api, 'chatter_ws_connections_open');
    const rssBefore = rssOf(pid);
    const heapBefore = await metric(api, 'nodejs_heap_size_used_bytes');
    const sockets: RawSocket[] = [];
    const refusals: string[] = [];
    const started = Date.now();
    for (let batch = 0; batch < 10; batch++) {
      const opened = await Promise.allSettled(
        Array.from({ length: 100 }, async (_, i) => {
          const s = await ackedSocket(api, users[(batch * 100 + i) % users.length]!.accessToken);
          // Half of them also run the chat stream, as real clients do.
          if (i % 2 === 0) s.send({ id: 'stream', type: 'subscribe', payload: { query: SUB } });
          return s;
        }),
      );
      for (const o of opened) {
        if (o.status === 'fulfilled') sockets.push(o.value);
        else refusals.push(String(o.reason));
      }
    }
    const openMs = Date.now() - started;
    await sleep(500);
    const open = sockets.filter((s) => s.ws.readyState === WebSocket.OPEN).length;
    const gauge = await metric(api, 'chatter_ws_connections_open');
    const ready = await readyz(api);
    const rssPeak = rssOf(pid);
    const heapPeak = await metric(api, 'nodejs_heap_size_used_bytes');
    const lag = await metric(api, 'chatter_event_loop_delay_seconds');
    // Live traffic still flows to everyone while the crowd is connected.
    const sent = await ok<{ sendMessage: { seq: number } }>(
      api,
      SEND_MESSAGE,
      { c: conv, k: 'crowd-1', b: 'hello crowd' },
      ada.accessToken,
    );
    await waitFor(
      'delivery to 500 streams',
      () =>
        sockets.filter((s) =>
          s.messages.some(
            (m) =>
              m.type === 'next' &&
              (m.payload as { data?: { chatEvents?: { seq?: number } } }).data?.chatEvents?.seq ===
                sent.sendMessage.seq,
          ),
        ).length >= Math.min(500, Math.floor(open / 2)),
      20_000,
    );
    const meLatency = Date.now();
    expect((await ok(api, '{ me { id } }', {}, ada.accessToken)).me.id).toBe(ada.userId);
    const queryMs = Date.now() - meLatency;
    for (const s of sockets) s.ws.terminate();
    await waitFor(
      'sockets closed on the server',
      async () => (await metric(api, 'chatter_ws_connections_open')) === baseSockets,
      20_000,
    );
    const rssAfter = rssOf(pid);

    const limit =
      refusals.length > 0 || open < 1000
        ? `refused after ${open} sockets (${refusals[0] ?? 'closed'})`
        : 'all 1,000 accepted (per-address limits off)';
    console.log(
      [
        '\n1,000 sockets from 127.0.0.1:',
        `  opened+acked in ${openMs} ms; open ${open}; server gauge ${gauge}; /readyz ${ready}; event-loop delay ${(lag * 1000).toFixed(1)} ms; a query meanwhile ${queryMs} ms`,
        `  RSS ${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssPeak / 2 ** 20).toFixed(0)} MiB (+${((rssPeak - rssBefore) / 2 ** 10 / 1000).toFixed(1)} KiB per socket), ${(rssAfter / 2 ** 20).toFixed(0)} MiB after closing`,
        `  heap used ${(heapBefore / 2 ** 20).toFixed(0)} → ${(heapPeak / 2 ** 20).toFixed(0)} MiB`,
        `  ${limit}`,
      ].join('\n'),
    );
    table.add(
      '1,000 sockets from one IP',
      'WS',
      '/readyz 200, RSS +<300 MiB, traffic flows',
      `/readyz ${ready}, RSS +${((rssPeak - rssBefore) / 2 ** 20).toFixed(0)} MiB, traffic flows; ${limit}`,
      ready === 200 && rssPeak - rssBefore < 300 * 2 ** 20,
    );
    expect(ready).toBe(200);
    expect(rssPeak - rssBefore).toBeLessThan(300 * 2 ** 20);
    expect(await readyz(api)).toBe(200);
  }, 80_000);

  it('closes 1,000 sockets that never send connection_init with 4408, and recovers', async () => {
    const base = await metric(api, 'chatter_ws_connections_open');
    const sockets = await Promise.all(Array.from({ length: 1000 }, () => openSocket(api)));
    const codes = await Promise.all(sockets.map((s) => s.closed.then((c) => c.code)));
    const histogram = codes.reduce<Record<number, number>>(
      (acc, c) => ((acc[c] = (acc[c] ?? 0) + 1), acc),
      {},
    );
    table.add(
      '1,000 sockets without connection_init',
      'WS',
      '1000× close 4408',
      Object.entries(histogram)
        .map(([c, n]) => `${n}× close ${c}`)
        .join(', '),
    );
    expect(histogram).toEqual({ 4408: 1000 });
    await waitFor(
      'gauge back',
      async () => (await metric(api, 'chatter_ws_connections_open')) === base,
      10_000,
    );
    expect(await readyz(api)).toBe(200);
  }, 60_000);
});
