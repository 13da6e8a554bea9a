// @chatter/sdk against real API processes: a follower sees every message once and in order
// across a dropped socket, a closed client resumed from its cursor file, a server restart and an
// access token expiring mid-stream; beyond the replay limit it gets the resync callback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatterClient, CreateGroupDocument, type ResyncInfo } from '@chatter/sdk';
import { FileCursorStorage } from '@chatter/sdk/node';
import { ApiProcess, Session, signUp, sleep, startApi } from '../support';

const REPLAY_LIMIT = 25;
const env = { REPLAY_LIMIT: String(REPLAY_LIMIT), ACCESS_TOKEN_TTL_SECONDS: '5' };
let api: ApiProcess;
let dir: string;
let ada: Session;
let bob: Session;

beforeAll(async () => {
  api = await startApi(env);
  dir = mkdtempSync(join(tmpdir(), 'sdk-e2e-'));
  [ada, bob] = [await signUp(api, 'Ada'), await signUp(api, 'Bob')];
});
afterAll(async () => {
  await api?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A client refreshing its own session; sessions are handed on so the next client reuses them. */
function client(who: Session, storage?: FileCursorStorage): ChatterClient {
  return new ChatterClient({
    url: api.url,
    webSocketImpl: WebSocket,
    token: {
      session: { accessToken: who.accessToken, refreshToken: who.refreshToken },
      onSession: (s) => {
        who.accessToken = s.accessToken;
        who.refreshToken = s.refreshToken;
      },
    },
    storage,
    send: { baseMs: 50, maxMs: 1_000 },
  });
}

interface Follower {
  client: ChatterClient;
  seen: { id: string; seq: number; body: string }[];
  resyncs: ResyncInfo[];
  errors: unknown[];
}

async function follow(
  who: Session,
  storage: FileCursorStorage,
  into?: Follower,
): Promise<Follower> {
  const f: Follower = into ?? { client: client(who, storage), seen: [], resyncs: [], errors: [] };
  f.client = client(who, storage);
  await f.client.follow({
    message: (e) => void f.seen.push({ id: e.message.id, seq: e.seq, body: e.message.body ?? '' }),
    resync: (info) => void f.resyncs.push(info),
    error: (e) => void f.errors.push(e),
  });
  return f;
}

async function until(what: string, predicate: () => boolean, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('@chatter/sdk follow() against the API', () => {
  it('delivers every message once and in order across a closed client, a restart and token expiry', async () => {
    const sender = client(ada);
    const { createGroup } = await sender.request(CreateGroupDocument, {
      input: { title: 'SDK burst', memberIds: [bob.userId] },
    });
    const conv = createGroup.id;
    const storage = new FileCursorStorage(join(dir, 'bob-cursors.json'));
    const firstToken = bob.accessToken;
    const bobF = await follow(bob, storage);
    const sent: { id: string; seq: number }[] = [];
    const burst = async (from: number, n: number) => {
      const messages = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          sender.send({ conversationId: conv, body: `burst ${from + i}` }),
        ),
      );
      sent.push(...messages.map((m) => ({ id: m.id, seq: m.seq })));
    };

    // 1. A burst; the follower is closed halfway and a new one resumes from the cursor file.
    const first = burst(0, 12);
    await until('some of the burst', () => bobF.seen.length >= 3);
    await bobF.client.close();
    await first;
    await burst(12, 4);
    await follow(bob, storage, bobF);
    await until('the burst after resume', () => bobF.seen.length >= sent.length);

    // 1b. The socket is dropped during a burst (the client stays): it resumes at once.
    const seenBefore = bobF.seen.length;
    const dropped = burst(16, 8);
    await until('part of the burst', () => bobF.seen.length > seenBefore);
    bobF.client.reconnect();
    await dropped;
    await until('the burst after the dropped socket', () => bobF.seen.length >= sent.length);

    // 2. The server restarts (same data, same port) while following and sending.
    await api.stop();
    const sending = burst(24, 5); // queued while the server is down
    api = await startApi(env, { dataDir: api.dataDir, port: api.port });
    await sending;
    await until('the messages sent across the restart', () => bobF.seen.length >= sent.length);

    // 3. The access token (5 s) expires: the server closes the socket, the SDK refreshes.
    await sleep(6_000);
    await burst(29, 3);
    await until('the messages after expiry', () => bobF.seen.length >= sent.length);
    await sleep(300);

    const expected = [...sent].sort((a, b) => a.seq - b.seq);
    expect(bobF.seen.map((m) => m.seq)).toEqual(expected.map((m) => m.seq));
    expect(new Set(bobF.seen.map((m) => m.id)).size).toBe(sent.length);
    expect(bobF.resyncs).toEqual([]);
    expect(bobF.errors).toEqual([]);
    expect(bob.accessToken).not.toBe(firstToken); // refreshed by the SDK
    expect(storage.load()[conv]).toBe(expected[expected.length - 1]!.seq);
    await bobF.client.close();
    await sender.close();
  });

  it('calls resync with TOO_FAR_BEHIND when more than the replay limit was missed', async () => {
    const sender = client(ada);
    const { createGroup } = await sender.request(CreateGroupDocument, {
      input: { title: 'SDK resync', memberIds: [bob.userId] },
    });
    const storage = new FileCursorStorage(join(dir, 'bob-resync.json'));
    const bobF = await follow(bob, storage);
    await sender.send({ conversationId: createGroup.id, body: 'before' });
    await until('the first message', () => bobF.seen.length === 1);
    await bobF.client.close();
    for (let i = 0; i <= REPLAY_LIMIT; i++)
      await sender.send({ conversationId: createGroup.id, body: `missed ${i}` });
    const fromSeq = storage.load()[createGroup.id];
    await follow(bob, storage, bobF);
    await until('the resync callback', () => bobF.resyncs.length > 0);
    expect(bobF.resyncs[0]).toMatchObject({
      conversationId: createGroup.id,
      reason: 'TOO_FAR_BEHIND',
      fromSeq,
    });
    const lastSeq = bobF.resyncs[0]!.conversation!.lastSeq;
    expect(lastSeq).toBeGreaterThan(fromSeq! + REPLAY_LIMIT);
    // Live again from the conversation's current position.
    const after = await sender.send({ conversationId: createGroup.id, body: 'after resync' });
    await until('the message after the resync', () => bobF.seen.some((m) => m.id === after.id));
    expect(bobF.seen.map((m) => m.body)).toEqual(['before', 'after resync']);
    await bobF.client.close();
    await sender.close();
  });
});
