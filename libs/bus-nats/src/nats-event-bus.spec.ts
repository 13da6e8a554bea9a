import { BUS_SENT_AT_HEADER, newId, topics } from '@chatter/core';
import { connect } from 'nats';
import {
  FaultProxy,
  LocalService,
  TestService,
  eventBusContract,
  eventually,
  requireBinary,
  requireService,
  startNats,
} from '@chatter/testing';
import { connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsEventBus, natsServersAndCredentials } from './nats-event-bus';

const quiet = () => undefined;
const hasNats = requireService('nats', 'NatsEventBus');

describe.skipIf(!hasNats)('NatsEventBus', () => {
  let nats: TestService;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  eventBusContract('NatsEventBus', async () => {
    const bus = await NatsEventBus.connect(nats.url, { name: 'contract-a', onError: quiet });
    const busB = await NatsEventBus.connect(nats.url, { name: 'contract-b', onError: quiet });
    return {
      bus,
      busB,
      cleanup: async () => void (await Promise.all([bus.close(), busB.close()])),
    };
  });

  it('holds one upstream subscription per topic and drops it with the last handler', async () => {
    const bus = await NatsEventBus.connect(nats.url);
    try {
      const topic = topics.conversation('t1', newId());
      const offA = await bus.subscribe(topic, quiet);
      const offB = await bus.subscribe(topic, quiet);
      expect(bus.subscribedTopics()).toEqual([topic]);
      await offA();
      expect(bus.subscribedTopics()).toEqual([topic]);
      await offB();
      expect(bus.subscribedTopics()).toEqual([]);
    } finally {
      await bus.close();
    }
  });

  it('carries the publish time in a header and reports the hop, payload untouched', async () => {
    const hops: number[] = [];
    const bus = await NatsEventBus.connect(nats.url, { name: 'hop', onHop: (s) => hops.push(s) });
    const publisher = await NatsEventBus.connect(nats.url, { name: 'hop-pub' });
    // A plain client stands for an instance of the previous version (no headers, no stamp).
    const older = await connect({ servers: nats.url, name: 'older' });
    try {
      const topic = topics.conversation('t1', newId());
      const got: string[] = [];
      const seenByOlder: { data: string; header?: string }[] = [];
      await bus.subscribe(topic, (p) => got.push(p));
      older.subscribe(topic, {
        callback: (_err, msg) =>
          seenByOlder.push({
            data: new TextDecoder().decode(msg.data),
            header: msg.headers?.get(BUS_SENT_AT_HEADER),
          }),
      });
      await older.flush();
      const payload = '{"type":"X","n":1}';
      await publisher.publish(topic, payload);
      await eventually(() => expect(got).toEqual([payload]));
      expect(hops).toHaveLength(1);
      expect(hops[0]).toBeGreaterThanOrEqual(0);
      expect(hops[0]).toBeLessThan(1);
      // The older instance gets the payload as before; the header is extra.
      await eventually(() => expect(seenByOlder).toHaveLength(1));
      expect(seenByOlder[0]!.data).toBe(payload);
      expect(Number(seenByOlder[0]!.header)).toBeGreaterThan(0);
      // A message from an older instance (no header) is delivered and not measured.
      older.publish(topic, new TextEncoder().encode('{"type":"Y"}'));
      await eventually(() => expect(got).toEqual([payload, '{"type":"Y"}']));
      expect(hops).toHaveLength(1);
    } finally {
      await Promise.all([bus.close(), publisher.close(), older.close()]);
    }
  });

  it('keeps delivering when the hop observer throws', async () => {
    const errors: unknown[] = [];
    const bus = await NatsEventBus.connect(nats.url, {
      onHop: () => {
        throw new Error('observer broke');
      },
      onError: (e) => errors.push(e),
    });
    try {
      const topic = topics.conversation('t1', newId());
      const got: string[] = [];
      await bus.subscribe(topic, (p) => got.push(p));
      await bus.publish(topic, '{"a":1}');
      await eventually(() => expect(got).toEqual(['{"a":1}']));
      expect(errors).toHaveLength(1);
    } finally {
      await bus.close();
    }
  });

  it('fails to connect with an UNAVAILABLE error when no server answers', async () => {
    await expect(NatsEventBus.connect('nats://127.0.0.1:1')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });

  // A restart needs the private server; with NATS_URL set the harness cannot restart it.
  it.skipIf(Boolean(process.env['NATS_URL']))(
    'survives a server restart: reports the loss and the return, then delivers again',
    async () => {
      const bus = await NatsEventBus.connect(nats.url, { name: 'restart', reconnectMaxMs: 500 });
      const publisher = await NatsEventBus.connect(nats.url, {
        name: 'restart-pub',
        reconnectMaxMs: 500,
      });
      try {
        const changes: boolean[] = [];
        bus.onConnectionChange((up) => changes.push(up));
        const topic = topics.conversation('t1', newId());
        const got: string[] = [];
        await bus.subscribe(topic, (p) => got.push(p));
        await publisher.publish(topic, 'before');
        await eventually(() => expect(got).toEqual(['before']));

        await nats.restart();
        await eventually(() => expect(changes).toEqual([false, true]), 15_000);
        expect(await bus.isReady()).toBe(true);
        // The publisher may still be reconnecting; readiness tells when it can publish.
        await eventually(async () => expect(await publisher.isReady()).toBe(true), 15_000);
        await publisher.publish(topic, 'after');
        await eventually(() => expect(got).toEqual(['before', 'after']));
      } finally {
        await Promise.all([bus.close(), publisher.close()]);
      }
    },
  );

  it.skipIf(Boolean(process.env['NATS_URL']))(
    'takes a subscription while the server is down and delivers on it once the server is back',
    async () => {
      const bus = await NatsEventBus.connect(nats.url, {
        name: 'down-sub',
        reconnectMaxMs: 300,
        onError: quiet,
      });
      const publisher = await NatsEventBus.connect(nats.url, {
        name: 'down-pub',
        reconnectMaxMs: 300,
        onError: quiet,
      });
      try {
        const changes: boolean[] = [];
        bus.onConnectionChange((up) => changes.push(up));
        await nats.kill();
        await eventually(() => expect(changes).toEqual([false]), 10_000);
        const topic = topics.conversation('t1', newId());
        const got: string[] = [];
        const startedAt = Date.now();
        // Before the fix this rejected (NATS subscribe failed: DISCONNECT) and crashed the API.
        const off = await bus.subscribe(topic, (p) => got.push(p));
        expect(Date.now() - startedAt).toBeLessThan(1_000);
        expect(bus.subscribedTopics()).toEqual([topic]);
        await nats.restart();
        await eventually(() => expect(changes).toEqual([false, true]), 15_000);
        await eventually(async () => expect(await publisher.isReady()).toBe(true), 15_000);
        await publisher.publish(topic, 'after the outage');
        await eventually(() => expect(got).toEqual(['after the outage']));
        await off();
        expect(bus.subscribedTopics()).toEqual([]);
      } finally {
        await Promise.all([bus.close(), publisher.close()]);
      }
    },
  );

  it('notices a server whose packets vanish (no reset), reconnects and delivers again', async () => {
    const proxy = await FaultProxy.start({ port: Number(new URL(nats.url).port) });
    const bus = await NatsEventBus.connect(`nats://127.0.0.1:${proxy.port}`, {
      name: 'silent',
      reconnectMaxMs: 200,
      pingIntervalMs: 300,
      onError: quiet,
    });
    const publisher = await NatsEventBus.connect(nats.url, { name: 'silent-pub', onError: quiet });
    try {
      const changes: boolean[] = [];
      bus.onConnectionChange((up) => changes.push(up));
      const topic = topics.conversation('t1', newId());
      const got: string[] = [];
      await bus.subscribe(topic, (p) => got.push(p));
      proxy.blackhole();
      await publisher.publish(topic, 'swallowed');
      proxy.heal('drop');
      await eventually(() => expect(changes).toEqual([false, true]), 10_000);
      await publisher.publish(topic, 'after');
      await eventually(() => expect(got).toEqual(['after']));
    } finally {
      await Promise.all([bus.close(), publisher.close()]);
      await proxy.close();
    }
  });
});

/** True once a NATS server on `port` greets with INFO. */
const greets = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('INFO '));
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });

describe.skipIf(!hasNats)('NatsEventBus with a NATS user', () => {
  // A server of its own (the shared one has no users): credentials per deployment, as in k8s/.
  let nats: TestService;
  beforeAll(async () => {
    nats = await LocalService.start({
      binary: requireBinary('nats'),
      args: (port) => [
        '-a',
        '127.0.0.1',
        '-p',
        String(port),
        '--user',
        'chatter',
        '--pass',
        'p@ss:w0rd/1',
      ],
      probe: greets,
      url: (port) => `nats://127.0.0.1:${port}`,
    });
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('is refused without credentials and with a wrong password', async () => {
    await expect(NatsEventBus.connect(nats.url, { onError: quiet })).rejects.toThrow(
      /Authorization|AUTHORIZATION/,
    );
    await expect(
      NatsEventBus.connect(nats.url, { user: 'chatter', password: 'wrong', onError: quiet }),
    ).rejects.toThrow(/Authorization|AUTHORIZATION/);
  });

  it('connects with user and password options, or with them in the URL, and delivers', async () => {
    const withOptions = await NatsEventBus.connect(nats.url, {
      user: 'chatter',
      password: 'p@ss:w0rd/1',
      onError: quiet,
    });
    const inUrl = nats.url.replace(
      'nats://',
      `nats://chatter:${encodeURIComponent('p@ss:w0rd/1')}@`,
    );
    const withUrl = await NatsEventBus.connect(inUrl, { onError: quiet });
    try {
      const got: string[] = [];
      const topic = topics.conversation('t1', newId());
      await withUrl.subscribe(topic, (payload) => got.push(payload));
      await withOptions.publish(topic, 'hello');
      await eventually(() => expect(got).toEqual(['hello']));
    } finally {
      await withOptions.close();
      await withUrl.close();
    }
  });

  it('keeps credentials out of the server list', () => {
    expect(natsServersAndCredentials('nats://u:p%40x@a:4222, tls://b:4222,c:4222')).toEqual({
      servers: ['nats://a:4222', 'tls://b:4222', 'c:4222'],
      user: 'u',
      password: 'p@x',
      tls: true,
    });
  });
});
