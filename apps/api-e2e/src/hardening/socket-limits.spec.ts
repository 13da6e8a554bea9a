import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiProcess, Session, sleep, startApi } from '../support';
import {
  appUser,
  CaseTable,
  metric,
  newTenantSecret,
  RawSocket,
  readyz,
  tryUpgrade,
  UpgradeAnswer,
  wsCode,
  wsOperation,
  waitFor,
  finishSuite,
} from './hardening-helpers';

/**
 * Per-client-address WebSocket limits, refused at the HTTP upgrade (429 with Retry-After, no
 * socket created): WS_MAX_SOCKETS_PER_IP caps the sockets one address holds open on an instance,
 * whoever they authenticate as; WS_CONNECTS_PER_IP limits new sockets per address per 10 s.
 * (The same rate across two instances sharing Redis: hostile-limits.spec.ts.)
 */
const secret = newTenantSecret();
const table = new CaseTable('Per-address WebSocket limits');
const apis: ApiProcess[] = [];

afterAll(async () => {
  await finishSuite(table, apis);
});

/** Opens a socket and authenticates it; fails the test unless the upgrade is accepted. */
async function acked(
  api: ApiProcess,
  who: Session,
  headers: Record<string, string> = {},
): Promise<RawSocket> {
  const answer = await tryUpgrade(api, headers);
  if (!answer.socket) throw new Error(`upgrade refused with ${answer.status}`);
  answer.socket.send({
    type: 'connection_init',
    payload: { authorization: `Bearer ${who.accessToken}` },
  });
  await answer.socket.next((m) => m.type === 'connection_ack', 5_000, 'connection_ack');
  return answer.socket;
}

const outcome = (a: UpgradeAnswer) =>
  a.socket
    ? '101'
    : `${a.status}${a.headers['retry-after'] ? ` Retry-After ${a.headers['retry-after']}` : ''}`;
const refused = (a: UpgradeAnswer) =>
  a.socket === null && a.status === 429 && /^\d+$/.test(String(a.headers['retry-after'] ?? ''));

describe('WS_MAX_SOCKETS_PER_IP (open sockets per address on one instance)', () => {
  let api: ApiProcess;
  let ada: Session;
  let bob: Session;
  let cyd: Session;

  beforeAll(async () => {
    // The rate is off here so that only the cap is at work; TRUST_PROXY lets the test speak for
    // other addresses through X-Forwarded-For, as a proxy in front of Chatter would.
    api = await startApi({
      DEFAULT_TENANT_SECRET: secret,
      WS_MAX_SOCKETS_PER_IP: '5',
      WS_CONNECTS_PER_IP: '0',
      TRUST_PROXY: 'loopback',
    });
    apis.push(api);
    [ada, bob, cyd] = await Promise.all(['Ada', 'Bob', 'Cyd'].map((n) => appUser(api, n, secret)));
  }, 60_000);

  it('refuses the 6th socket from one address with 429 at the upgrade, whoever it is for; the 5 open ones keep working; closing one frees a slot', async () => {
    const base = await metric(api, 'chatter_ws_connections_open');
    // Three sockets of one user and two of another: five from 127.0.0.1.
    const open = [
      await acked(api, ada),
      await acked(api, ada),
      await acked(api, ada),
      await acked(api, bob),
      await acked(api, bob),
    ];
    const sixthAda = await tryUpgrade(api);
    const sixthCyd = await tryUpgrade(api);
    const gauge = await metric(api, 'chatter_ws_connections_open');
    const refusedTotal = await metric(api, 'chatter_ws_connections_refused_total');
    table.add(
      '6th socket from one address (cap 5; 3 of Ada, 2 of Bob open)',
      'WS upgrade',
      '429 Retry-After, no socket',
      `${outcome(sixthAda)}, ${gauge - base} open`,
      refused(sixthAda) && gauge - base === 5,
    );
    table.add(
      "another user's socket from the same address",
      'WS upgrade',
      '429 Retry-After',
      outcome(sixthCyd),
      refused(sixthCyd),
    );
    expect(sixthAda.status).toBe(429);
    expect(Number(sixthAda.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(sixthCyd.status).toBe(429);
    expect(gauge - base).toBe(5);
    expect(refusedTotal).toBe(2);

    // The five are untouched and work.
    const answers = await Promise.all(open.map((s) => wsOperation(s, '{ me { id } }')));
    expect(answers.map(wsCode)).toEqual(Array(5).fill('data'));
    expect(answers.map((a) => (a.result.data as { me: { id: string } }).me.id)).toEqual([
      ada.userId,
      ada.userId,
      ada.userId,
      bob.userId,
      bob.userId,
    ]);
    expect(open.every((s) => s.ws.readyState === WebSocket.OPEN)).toBe(true);

    // One closes: one more is accepted, and then the address is full again.
    open[3]!.ws.close(1000);
    await open[3]!.closed;
    await waitFor(
      'the server to count the close',
      async () => (await metric(api, 'chatter_ws_connections_open')) === base + 4,
    );
    const replacement = await acked(api, cyd);
    const afterReplacement = await tryUpgrade(api);
    table.add(
      'after one of the 5 closes',
      'WS upgrade',
      '101, then 429 again',
      `101, then ${outcome(afterReplacement)}`,
      refused(afterReplacement),
    );
    expect(wsCode(await wsOperation(replacement, '{ me { id } }'))).toBe('data');
    expect(afterReplacement.status).toBe(429);
    for (const s of [...open, replacement]) s.ws.close(1000);
    await waitFor(
      'all closed on the server',
      async () => (await metric(api, 'chatter_ws_connections_open')) === base,
    );
  });

  it('counts per address: another client address (through the trusted proxy) is not affected, and has its own cap', async () => {
    const base = await metric(api, 'chatter_ws_connections_open');
    const full = await Promise.all(Array.from({ length: 5 }, () => acked(api, ada)));
    const other = { 'x-forwarded-for': '203.0.113.50' };
    const others = await Promise.all(Array.from({ length: 5 }, () => acked(api, bob, other)));
    const sixthOther = await tryUpgrade(api, other);
    const sixthLocal = await tryUpgrade(api);
    table.add(
      'another address while 127.0.0.1 is full',
      'WS upgrade',
      '5× 101, 6th 429',
      `${others.length}× 101, 6th ${outcome(sixthOther)}`,
      refused(sixthOther),
    );
    expect(sixthOther.status).toBe(429);
    expect(sixthLocal.status).toBe(429);
    expect(await metric(api, 'chatter_ws_connections_open')).toBe(base + 10);
    for (const s of [...full, ...others]) s.ws.close(1000);
    await waitFor(
      'all closed on the server',
      async () => (await metric(api, 'chatter_ws_connections_open')) === base,
    );
  });

  it('stays healthy under a burst of 200 upgrades from one full address', async () => {
    const base = await metric(api, 'chatter_ws_connections_open');
    const full = await Promise.all(Array.from({ length: 5 }, () => acked(api, cyd)));
    const burst = await Promise.all(Array.from({ length: 200 }, () => tryUpgrade(api)));
    const statuses = burst.reduce<Record<string, number>>(
      (acc, a) => ((acc[a.status] = (acc[a.status] ?? 0) + 1), acc),
      {},
    );
    const gauge = await metric(api, 'chatter_ws_connections_open');
    const ready = await readyz(api);
    table.add(
      '200 concurrent upgrades from a full address',
      'WS upgrade',
      '200× 429, /readyz 200',
      `${Object.entries(statuses)
        .map(([s, n]) => `${n}× ${s}`)
        .join(', ')}, /readyz ${ready}`,
      statuses[429] === 200 && ready === 200,
    );
    expect(statuses).toEqual({ 429: 200 });
    expect(gauge - base).toBe(5);
    expect(ready).toBe(200);
    for (const s of full) s.ws.close(1000);
    await waitFor(
      'all closed on the server',
      async () => (await metric(api, 'chatter_ws_connections_open')) === base,
    );
  });
});

describe('WS_CONNECTS_PER_IP (new sockets per address per 10 s)', () => {
  let api: ApiProcess;
  let ada: Session;

  beforeAll(async () => {
    api = await startApi({ DEFAULT_TENANT_SECRET: secret, WS_CONNECTS_PER_IP: '8' });
    apis.push(api);
    ada = await appUser(api, 'Ada', secret);
  }, 60_000);

  it('refuses the 9th new socket within 10 s with 429 and a Retry-After of at most 10 s, and accepts again once it has passed', async () => {
    const base = await metric(api, 'chatter_ws_connections_open');
    const started = Date.now();
    const first = await Promise.all(Array.from({ length: 8 }, () => tryUpgrade(api)));
    const ninth = await tryUpgrade(api);
    const elapsed = Date.now() - started;
    const retryAfter = Number(ninth.headers['retry-after']);
    table.add(
      '9th new socket in 10 s (limit 8)',
      'WS upgrade',
      '429 Retry-After 1..10, no socket',
      `${outcome(ninth)}`,
      refused(ninth) && retryAfter >= 1 && retryAfter <= 10,
    );
    expect(elapsed, 'the nine upgrades must fit in one 10 s window to be conclusive').toBeLessThan(
      9_000,
    );
    expect(first.map((a) => a.status)).toEqual(Array(8).fill(101));
    expect(ninth.status).toBe(429);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(await metric(api, 'chatter_ws_connections_refused_total')).toBe(1);
    // Closing sockets does not give the budget back: it counts connections made, not open ones.
    for (const a of first) a.socket!.ws.close(1000);
    await waitFor(
      'all closed on the server',
      async () => (await metric(api, 'chatter_ws_connections_open')) === base,
    );
    const afterClosing = await tryUpgrade(api);
    expect(afterClosing.status).toBe(429);

    // After the hint, the address may connect again.
    await sleep(Number(afterClosing.headers['retry-after']) * 1000 + 200);
    const recovered = await acked(api, ada);
    const works = wsCode(await wsOperation(recovered, '{ me { id } }'));
    table.add('after waiting Retry-After', 'WS upgrade', '101, then data', `101, then ${works}`);
    expect(works).toBe('data');
    recovered.ws.close(1000);
  }, 30_000);
});

describe('the defaults', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    api = await startApi({ DEFAULT_TENANT_SECRET: secret });
    apis.push(api);
  }, 60_000);

  it('accept 600 new sockets from one address in 10 s and refuse the rest (WS_CONNECTS_PER_IP=600, WS_MAX_SOCKETS_PER_IP=1000)', async () => {
    const base = await metric(api, 'chatter_ws_connections_open');
    const started = Date.now();
    const answers: UpgradeAnswer[] = [];
    for (let batch = 0; batch < 13; batch++)
      answers.push(...(await Promise.all(Array.from({ length: 50 }, () => tryUpgrade(api)))));
    const elapsed = Date.now() - started;
    const statuses = answers.reduce<Record<string, number>>(
      (acc, a) => ((acc[a.status] = (acc[a.status] ?? 0) + 1), acc),
      {},
    );
    const ready = await readyz(api);
    table.add(
      '650 new sockets from one address, defaults',
      'WS upgrade',
      '600× 101, 50× 429',
      Object.entries(statuses)
        .map(([s, n]) => `${n}× ${s}`)
        .join(', '),
    );
    expect(elapsed, 'the upgrades must fit in one 10 s window to be conclusive').toBeLessThan(
      9_000,
    );
    expect(statuses).toEqual({ 101: 600, 429: 50 });
    expect(ready).toBe(200);
    for (const a of answers) a.socket?.ws.close(1000);
    await waitFor(
      'all closed on the server',
      async () => (await metric(api, 'chatter_ws_connections_open')) === base,
      20_000,
    );
  }, 60_000);
});
