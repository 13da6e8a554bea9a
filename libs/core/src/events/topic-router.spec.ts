import { describe, expect, it } from 'vitest';
import { InMemoryEventBus } from '../memory/in-memory-event-bus';
import { RealtimeEvent } from './realtime-event';
import { TopicRouter } from './topic-router';

const event = (n: number) => JSON.stringify({ type: 'TYPING', tenantId: 't', n });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('TopicRouter', () => {
  it('subscribes on the bus for the first listener of a topic and unsubscribes after the last', async () => {
    const bus = new InMemoryEventBus();
    const router = new TopicRouter(bus);
    const got: string[] = [];
    const a = (e: RealtimeEvent) => got.push(`a${(e as unknown as { n: number }).n}`);
    const b = (e: RealtimeEvent) => got.push(`b${(e as unknown as { n: number }).n}`);
    await router.listen('x', a);
    await router.listen('x', b);
    await router.listen('y', a); // one listener may serve several topics
    expect(bus.subscribedTopics().sort()).toEqual(['x', 'y']);
    await bus.publish('x', event(1));
    await bus.publish('y', event(2));
    await settle();
    expect(got.sort()).toEqual(['a1', 'a2', 'b1']);

    await router.unlisten('x', a);
    expect(bus.subscribedTopics().sort()).toEqual(['x', 'y']); // b still listens to x
    await bus.publish('x', event(3));
    await settle();
    expect(got.filter((g) => g.endsWith('3'))).toEqual(['b3']);

    await router.unlisten('x', a); // again: nothing to remove, b keeps the topic
    await router.unlisten('z', a); // a topic nobody listens to
    expect(router.topicCount).toBe(2);
    await router.unlisten('x', b);
    expect(bus.subscribedTopics()).toEqual(['y']);
    expect(router.topicCount).toBe(1);
    await router.unlisten('y', a);
    expect(bus.subscribedTopics()).toEqual([]);
    expect(router.topicCount).toBe(0);
  });

  it('subscribes again for a listener that comes after the topic was dropped', async () => {
    const bus = new InMemoryEventBus();
    const router = new TopicRouter(bus);
    const got: RealtimeEvent[] = [];
    const a = (e: RealtimeEvent) => got.push(e);
    await router.listen('x', a);
    await router.unlisten('x', a);
    await router.listen('x', a);
    await bus.publish('x', event(1));
    await settle();
    expect(got).toHaveLength(1);
    expect(bus.subscribedTopics()).toEqual(['x']);
  });
});

describe('TopicRouter reconnect listeners', () => {
  it('tells each registered listener once the bus is connected again, until it leaves', () => {
    const bus = new InMemoryEventBus();
    let changed: ((connected: boolean) => void) | null = null;
    bus.onConnectionChange = (listener) => {
      changed = listener;
      return () => undefined;
    };
    const router = new TopicRouter(bus);
    const told: string[] = [];
    const a = { busReconnected: () => told.push('a') };
    const b = { busReconnected: () => told.push('b') };
    router.onReconnect(a);
    router.onReconnect(b);
    changed!(false);
    expect(told).toEqual([]);
    changed!(true);
    expect(told).toEqual(['a', 'b']);
    router.offReconnect(a);
    changed!(true);
    expect(told).toEqual(['a', 'b', 'b']);
  });
});
