import { EventBus, newId, topics } from '@chatter/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, uniqueToken } from './realtime-test-helpers';

/** Two buses on one broker: `busB` plays another instance (another connection). */
export interface BusUnderTest {
  bus: EventBus;
  busB: EventBus;
  cleanup(): Promise<void>;
}

interface Received {
  got: string[];
  off: () => Promise<void>;
}

const listen = async (bus: EventBus, topic: string): Promise<Received> => {
  const got: string[] = [];
  const off = await bus.subscribe(topic, (payload) => got.push(payload));
  return { got, off };
};

/**
 * The EventBus contract. `make` is called before each test; topics use a fresh tenant id per test
 * so a shared external broker is fine.
 */
export function eventBusContract(name: string, make: () => Promise<BusUnderTest>): void {
  describe(`${name} (EventBus contract)`, () => {
    let bus: EventBus;
    let busB: EventBus;
    let cleanup: () => Promise<void>;
    let tenant: string;
    const conv = (tenantId = tenant) => topics.conversation(tenantId, newId());

    beforeEach(async () => {
      ({ bus, busB, cleanup } = await make());
      tenant = uniqueToken();
    });
    afterEach(async () => {
      await cleanup();
    });

    it('is ready once connected', async () => {
      expect(await bus.isReady()).toBe(true);
      expect(await busB.isReady()).toBe(true);
    });

    it('delivers to subscribers on this instance and on another one', async () => {
      const topic = conv();
      const local = await listen(bus, topic);
      const remote = await listen(busB, topic);
      await bus.publish(topic, 'from A');
      await busB.publish(topic, 'from B');
      await eventually(() => {
        expect(local.got.sort()).toEqual(['from A', 'from B']);
        expect(remote.got.sort()).toEqual(['from A', 'from B']);
      });
    });

    it('never runs a handler on the publisher’s stack', async () => {
      const topic = conv();
      const { got } = await listen(bus, topic);
      const published = bus.publish(topic, 'x');
      expect(got).toEqual([]);
      await published;
      await eventually(() => expect(got).toEqual(['x']));
    });

    it('carries payloads unchanged (unicode, JSON, 100 kB)', async () => {
      const topic = conv();
      const { got } = await listen(busB, topic);
      const payloads = [
        'héllo 👋 مرحبا',
        JSON.stringify({ a: [1, 'two', null], b: '\n\t"' }),
        'x'.repeat(100_000),
      ];
      for (const p of payloads) await bus.publish(topic, p);
      await eventually(() => expect(got).toEqual(payloads));
    });

    it('keeps topics apart: tenants, conversations, user and presence topics', async () => {
      const otherTenant = uniqueToken();
      const id = newId();
      const names = [
        topics.conversation(tenant, id),
        topics.conversation(otherTenant, id),
        topics.conversation(tenant, newId()),
        topics.user(tenant, id),
        topics.presence(tenant, id),
      ];
      const received = await Promise.all(names.map((t) => listen(busB, t)));
      for (const t of names) await bus.publish(t, `for ${t}`);
      await eventually(() =>
        received.forEach((r, i) => expect(r.got).toEqual([`for ${names[i]}`])),
      );
    });

    it('rejects wildcard and malformed topics', async () => {
      for (const bad of [
        `chatter.${tenant}.conv.>`,
        `chatter.${tenant}.*.x`,
        'a..b',
        '',
        'has space',
        'trailing.',
      ]) {
        await expect(
          bus.subscribe(bad, () => undefined),
          bad,
        ).rejects.toThrow();
        await expect(bus.publish(bad, 'x'), bad).rejects.toThrow();
      }
    });

    it('stops delivery on unsubscribe, leaving the topic’s other handlers alone', async () => {
      const topic = conv();
      const stays = await listen(busB, topic);
      const leaves = await listen(busB, topic);
      const handler = (p: string) => twice.push(p);
      const twice: string[] = [];
      const offFirst = await busB.subscribe(topic, handler);
      await busB.subscribe(topic, handler);

      await bus.publish(topic, 'one');
      await eventually(() => expect(stays.got).toEqual(['one']));
      expect(leaves.got).toEqual(['one']);
      expect(twice).toEqual(['one', 'one']);

      await leaves.off();
      await leaves.off(); // idempotent
      await offFirst();
      await bus.publish(topic, 'two');
      await eventually(() => expect(stays.got).toEqual(['one', 'two']));
      expect(leaves.got).toEqual(['one']);
      expect(twice).toEqual(['one', 'one', 'two']);
    });

    it('stops upstream delivery when the last handler leaves, and resumes on a new subscribe', async () => {
      const topic = conv();
      const barrierTopic = conv();
      const first = await listen(busB, topic);
      const barrier = await listen(busB, barrierTopic);
      await first.off();
      await bus.publish(topic, 'lost');
      await bus.publish(barrierTopic, 'barrier');
      await eventually(() => expect(barrier.got).toEqual(['barrier']));
      const again = await listen(busB, topic);
      await bus.publish(topic, 'back');
      await eventually(() => expect(again.got).toEqual(['back']));
      expect(first.got).toEqual([]);
    });

    it('keeps publish order per topic, locally and across instances', async () => {
      const topic = conv();
      const local = await listen(bus, topic);
      const remote = await listen(busB, topic);
      const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
      await Promise.all(sent.map((m) => bus.publish(topic, m)));
      await eventually(() => {
        expect(local.got).toEqual(sent);
        expect(remote.got).toEqual(sent);
      });
    });

    it('routes many topics, each message to its own topic only', async () => {
      const names = Array.from({ length: 100 }, () => conv());
      const received = await Promise.all(names.map((t) => listen(busB, t)));
      await Promise.all(names.map((t, i) => bus.publish(t, `m${i}`)));
      await eventually(() => received.forEach((r, i) => expect(r.got).toEqual([`m${i}`])));
    });

    it('delivers everything from concurrent publishers, each in its own order', async () => {
      const topic = conv();
      const { got } = await listen(bus, topic);
      const fromA = Array.from({ length: 100 }, (_, i) => `a${i}`);
      const fromB = Array.from({ length: 100 }, (_, i) => `b${i}`);
      await Promise.all([
        ...fromA.map((m) => bus.publish(topic, m)),
        ...fromB.map((m) => busB.publish(topic, m)),
      ]);
      await eventually(() => expect(got).toHaveLength(200));
      expect(got.filter((m) => m.startsWith('a'))).toEqual(fromA);
      expect(got.filter((m) => m.startsWith('b'))).toEqual(fromB);
    });

    it('isolates a throwing handler from the others and from the publisher', async () => {
      const topic = conv();
      let thrown = 0;
      await busB.subscribe(topic, () => {
        thrown++;
        throw new Error('handler failure (expected by the contract test)');
      });
      const { got } = await listen(busB, topic);
      await bus.publish(topic, '1');
      await bus.publish(topic, '2');
      await eventually(() => expect(got).toEqual(['1', '2']));
      expect(thrown).toBe(2);
      await bus.publish(topic, '3');
      await eventually(() => expect(got).toEqual(['1', '2', '3']));
      expect(thrown).toBe(3);
    });

    it('accepts connection listeners and removes them', () => {
      const remove = bus.onConnectionChange(() => undefined);
      expect(typeof remove).toBe('function');
      remove();
    });

    it('is not ready after close, refuses to publish and can be closed twice', async () => {
      const topic = conv();
      const remote = await listen(busB, topic);
      await bus.close();
      expect(await bus.isReady()).toBe(false);
      await expect(bus.publish(topic, 'x')).rejects.toThrow();
      await bus.close();
      // The other instance is unaffected.
      expect(await busB.isReady()).toBe(true);
      await busB.publish(topic, 'still here');
      await eventually(() => expect(remote.got).toEqual(['still here']));
    });
  });
}
