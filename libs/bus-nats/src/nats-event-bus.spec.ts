import { newId, topics } from '@chatter/core';
import {
  FaultProxy,
  TestService,
  eventBusContract,
  eventually,
  requireService,
  startNats,
} from '@chatter/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsEventBus } from './nats-event-bus';

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
