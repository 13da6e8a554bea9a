import type { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, Session, sleep, startApi, wsClient } from '../support';
import { Ev, group, ofType, send, STREAM } from '../realtime/realtime-helpers';
import {
  ackedSocket,
  appUser,
  CaseTable,
  newTenantSecret,
  RawSocket,
  readyz,
  waitFor,
  finishSuite,
} from './hardening-helpers';

/**
 * A subscriber that stops reading (its TCP socket paused) while a conversation it follows is
 * busy: the server closes it with 4013 once it buffers more than WS_MAX_BUFFERED_BYTES for
 * WS_SLOW_CONSUMER_MS, or four times that at once; it stays ready, keeps delivering to the other
 * subscribers, and the slow client resumes from its cursor without losing or repeating anything.
 */
const secret = newTenantSecret();
const table = new CaseTable('Slow consumers');
const apis: ApiProcess[] = [];

afterAll(async () => {
  await finishSuite(table, apis);
});

/**
 * The kernel absorbs a few MiB for a socket that does not read (here about 4 MiB of send buffer
 * on loopback) before anything stays in the server's own buffer. With 30 messages per user per
 * 10 s, the slow client makes each event large instead: 25 copies of a 4,000-character body,
 * about 100 kB per event.
 */
const HEAVY = `subscription($since:[ConversationCursorInput!]) { chatEvents(since:$since) { __typename ... on MessageAdded { seq message { id } ${Array.from(
  { length: 25 },
  (_, i) => `b${i}: message { body }`,
).join(' ')} } } }`;
const SLOW_MS = 500;
const CLOSE_LINE = /closing a slow consumer \(4013\)/;

/** Seqs of the MessageAdded events a raw socket received for one subscription, in arrival order. */
const seqsOf = (s: RawSocket, id: string): number[] =>
  s.messages
    .filter((m) => m.id === id && m.type === 'next')
    .map(
      (m) =>
        (m.payload as { data?: { chatEvents?: { __typename: string; seq?: number } } }).data
          ?.chatEvents,
    )
    .filter((e) => e?.__typename === 'MessageAdded' && typeof e.seq === 'number')
    .map((e) => e!.seq!);

const pause = (s: RawSocket) => (s.ws as unknown as { _socket: Socket })._socket.pause();
const resume = (s: RawSocket) => (s.ws as unknown as { _socket: Socket })._socket.resume();

/** What the server logged when it closed the slow consumer: its buffer, and for how long it was over the limit. */
function closeReport(api: ApiProcess): { bufferedBytes: number; slowForMs: number } | null {
  const line = api
    .output()
    .split('\n')
    .find((l) => CLOSE_LINE.test(l));
  if (!line) return null;
  return {
    bufferedBytes: Number(/bufferedBytes\D+(\d+)/.exec(line)?.[1]),
    slowForMs: Number(/slowForMs\D+(\d+)/.exec(line)?.[1]),
  };
}

/**
 * One slow and one steady subscriber in a conversation that `flood` fills; the slow one pauses
 * its TCP socket. Returns what each side saw.
 */
async function scenario(
  maxBuffered: number,
  flood: (
    api: ApiProcess,
    conv: string,
    senders: Session[],
    closed: () => boolean,
  ) => Promise<number[]>,
) {
  const api = await startApi({
    DEFAULT_TENANT_SECRET: secret,
    WS_MAX_BUFFERED_BYTES: String(maxBuffered),
    WS_SLOW_CONSUMER_MS: String(SLOW_MS),
  });
  apis.push(api);
  const [owner, slow, steady, ...senders] = await Promise.all(
    [
      'Owner',
      'Slow',
      'Steady',
      'Sender A',
      'Sender B',
      'Sender C',
      'Sender D',
      'Sender E',
      'Sender F',
    ].map((n) => appUser(api, n, secret)),
  );
  const conv = await group(api, owner!, [slow!, steady!, ...senders], 'Busy room');

  // The slow client: one chat stream with a heavy selection, on a raw socket.
  const slowSocket = await ackedSocket(api, slow!.accessToken);
  slowSocket.send({
    id: 'slow',
    type: 'subscribe',
    payload: { query: HEAVY, variables: { since: [{ conversationId: conv, afterSeq: 0 }] } },
  });
  // The steady client: the ordinary selection, through the graphql-ws client.
  const steadyClient = wsClient(api, steady!.accessToken);
  const steadyStream = new Collector<Ev>(steadyClient, STREAM, {
    since: [{ conversationId: conv, afterSeq: 0 }],
  });
  // Both live: a probe message reaches both.
  const probe = await send(api, owner!, conv, 'probe');
  await waitFor(
    'the probe on the slow stream',
    () => seqsOf(slowSocket, 'slow').includes(probe.seq),
    15_000,
  );
  await steadyStream.until(
    (items) => ofType(items, 'MessageAdded').some((e) => e.seq === probe.seq),
    15_000,
    'the probe on the steady stream',
  );

  // Stop reading: nothing more is consumed from the kernel.
  pause(slowSocket);
  const sent = await flood(api, conv, senders, () => CLOSE_LINE.test(api.output()));
  await waitFor(
    'the server to close the slow consumer',
    () => CLOSE_LINE.test(api.output()),
    10_000,
  ).catch(() => undefined);
  const report = closeReport(api);
  // The conversation goes on while the slow client is away.
  for (let i = 0; i < 10; i++) sent.push((await send(api, owner!, conv, `meanwhile ${i}`)).seq);
  sent.sort((x, y) => x - y);

  // Read again: what the kernel and the server had buffered arrives, then the close frame.
  resume(slowSocket);
  const closed = await Promise.race([
    slowSocket.closed,
    sleep(20_000).then(() => ({ code: -1, reason: 'still open 20 s after reading again' })),
  ]);
  const ready = await readyz(api);

  // Every message, once and in order, on the steady stream.
  const all = [probe.seq, ...sent];
  const last = all[all.length - 1]!;
  await steadyStream.until(
    (items) => ofType(items, 'MessageAdded').some((e) => e.seq === last),
    20_000,
    'the last message on the steady stream',
  );
  await sleep(300);
  const steadySeqs = ofType(steadyStream.items, 'MessageAdded').map((e) => e.seq!);

  // The slow client resumes from the last seq it applied.
  const before = seqsOf(slowSocket, 'slow').filter((s) => s >= probe.seq);
  const cursor = before[before.length - 1] ?? 0;
  const resumed = await ackedSocket(api, slow!.accessToken);
  resumed.send({
    id: 'resume',
    type: 'subscribe',
    payload: { query: STREAM, variables: { since: [{ conversationId: conv, afterSeq: cursor }] } },
  });
  const missed = all.filter((s) => s > cursor);
  if (missed.length > 0)
    await waitFor(
      'the resumed stream to reach the last message',
      () => seqsOf(resumed, 'resume').includes(last),
      20_000,
    );
  await sleep(300);
  const after = seqsOf(resumed, 'resume');

  resumed.ws.close(1000);
  steadyStream.stop();
  await steadyClient.dispose();
  return { report, closed, ready, all, steadySeqs, before, after, missed };
}

type Outcome = Awaited<ReturnType<typeof scenario>>;

function record(name: string, maxBuffered: number, o: Outcome): void {
  const same = (a: number[], b: number[]) => JSON.stringify(a) === JSON.stringify(b);
  const why = o.report
    ? ` (${Math.round(o.report.bufferedBytes / 1024)} KiB buffered, over the limit for ${o.report.slowForMs} ms)`
    : '';
  table.add(
    `${name} (WS_MAX_BUFFERED_BYTES=${maxBuffered}, WS_SLOW_CONSUMER_MS=${SLOW_MS})`,
    'WS',
    'close 4013, /readyz 200',
    `close ${o.closed.code}${why}, /readyz ${o.ready}`,
    o.closed.code === 4013 && o.ready === 200,
  );
  table.add(
    `${name}: steady subscriber meanwhile`,
    'WS',
    `${o.all.length}/${o.all.length} once, in order`,
    `${o.steadySeqs.length}/${o.all.length}${same(o.steadySeqs, o.all) ? ' once, in order' : ' NOT as sent'}`,
    same(o.steadySeqs, o.all),
  );
  const resumeOk =
    o.missed.length > 0 && same(o.after, o.missed) && same([...o.before, ...o.after], o.all);
  table.add(
    `${name}: slow client resumes with its cursor`,
    'WS',
    `the ${o.missed.length} it missed, once, in order`,
    `${o.before.length} before the close + ${o.after.length} after resuming${resumeOk ? ', none lost or repeated' : ': lost, repeated or nothing missed'}`,
    resumeOk,
  );
}

function expectRecovered(o: Outcome): void {
  expect(o.report, 'the server logged no slow-consumer close').not.toBeNull();
  expect(o.closed.code).toBe(4013);
  expect(o.ready).toBe(200);
  expect(o.steadySeqs).toEqual(o.all);
  expect(
    o.missed.length,
    'the slow client missed nothing: the test provoked nothing',
  ).toBeGreaterThan(0);
  expect(o.after).toEqual(o.missed);
  expect([...o.before, ...o.after]).toEqual(o.all);
}

describe('a subscriber that stops reading', () => {
  it('is closed with 4013 when a burst puts four times WS_MAX_BUFFERED_BYTES in its buffer at once; the server stays ready, a steady subscriber gets every message once and in order, and the slow one resumes from its cursor without gaps or repeats', async () => {
    const maxBuffered = 16_384;
    // Bursts of 30 concurrent sends, one sender each (the next batches wait only when a sender comes round again).
    const o = await scenario(maxBuffered, async (api, conv, senders, closed) => {
      const sent: number[] = [];
      for (let batch = 0; batch < 8 && !closed(); batch++) {
        const sender = senders[batch % senders.length]!;
        const answers = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            send(api, sender, conv, `${batch}.${i} `.padEnd(4000, 'x')),
          ),
        );
        sent.push(...answers.map((a) => a.seq));
        await sleep(200);
      }
      return sent;
    });
    record('burst', maxBuffered, o);
    expectRecovered(o);
    expect(o.report!.bufferedBytes).toBeGreaterThan(maxBuffered * 4);
  }, 120_000);

  it('is closed with 4013 once its buffer stays above WS_MAX_BUFFERED_BYTES for WS_SLOW_CONSUMER_MS, with the same guarantees', async () => {
    const maxBuffered = 524_288;
    // About 10 events per second: the buffer passes 512 KiB and stays above it, under 2 MiB, for 500 ms.
    const o = await scenario(maxBuffered, async (api, conv, senders, closed) => {
      const pending: Promise<{ seq: number }>[] = [];
      for (let i = 0; i < 180 && !closed(); i++) {
        pending.push(
          send(api, senders[i % senders.length]!, conv, `paced ${i} `.padEnd(4000, 'x')),
        );
        await sleep(100);
      }
      return (await Promise.all(pending)).map((a) => a.seq);
    });
    record('paced', maxBuffered, o);
    expectRecovered(o);
    expect(o.report!.slowForMs).toBeGreaterThan(SLOW_MS);
    expect(o.report!.bufferedBytes).toBeLessThanOrEqual(maxBuffered * 4);
  }, 120_000);
});
