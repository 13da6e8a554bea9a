import { describe, expect, it } from 'vitest';
import { InMemoryBackend } from './in-memory-backend';
import { InMemoryEventBus } from './in-memory-event-bus';

const quiet = () => undefined;

describe('InMemoryEventBus', () => {
  it('reports handler errors to its error hook with the topic', async () => {
    const errors: [unknown, string][] = [];
    const bus = new InMemoryEventBus({ onHandlerError: (e, t) => errors.push([e, t]) });
    const boom = new Error('boom');
    await bus.subscribe('chatter.t.conv.c', () => {
      throw boom;
    });
    await bus.publish('chatter.t.conv.c', 'x');
    await Promise.resolve();
    expect(errors).toEqual([[boom, 'chatter.t.conv.c']]);
  });

  it('forgets topics without subscribers, so its memory does not grow with churn', async () => {
    const backend = new InMemoryBackend();
    const bus = new InMemoryEventBus({ backend });
    const offs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => bus.subscribe(`chatter.t.conv.c${i}`, quiet)),
    );
    expect(bus.subscribedTopics()).toHaveLength(10);
    await Promise.all(offs.map((off) => off()));
    expect(bus.subscribedTopics()).toEqual([]);
    expect(backend.topics.size).toBe(0);
  });

  it('does not deliver a message to a handler removed between publish and delivery', async () => {
    const bus = new InMemoryEventBus();
    const got: string[] = [];
    const off = await bus.subscribe('chatter.t.conv.c', (p) => got.push(p));
    const published = bus.publish('chatter.t.conv.c', 'x');
    await off();
    await published;
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toEqual([]);
  });
});
