import { DomainError, invalid } from '../shared/domain-error';
import { EventBus } from '../events/event-bus.port';
import { InMemoryBackend, InMemorySubscription, isValidTopic } from './in-memory-backend';

export interface InMemoryEventBusOptions {
  /** Shared with other buses to simulate instances on one broker; a private one by default. */
  backend?: InMemoryBackend;
  /** Receives errors thrown by handlers (they never reach the publisher or other handlers). */
  onHandlerError?: (error: unknown, topic: string) => void;
}

const defaultHandlerError = (error: unknown, topic: string): void => {
  console.error(`[InMemoryEventBus] a handler of ${topic} threw`, error);
};

/**
 * In-process event bus for embedded mode. Delivery is asynchronous (a microtask per publish), so a
 * publisher never runs subscriber code on its own stack; order per topic is publish order.
 */
export class InMemoryEventBus extends EventBus {
  private readonly backend: InMemoryBackend;
  private readonly onHandlerError: (error: unknown, topic: string) => void;
  private readonly own = new Map<InMemorySubscription, string>();
  private closed = false;

  constructor(options: InMemoryEventBusOptions = {}) {
    super();
    this.backend = options.backend ?? new InMemoryBackend();
    this.onHandlerError = options.onHandlerError ?? defaultHandlerError;
  }

  async publish(topic: string, payload: string): Promise<void> {
    this.assertUsable(topic);
    const subscriptions = this.backend.topics.get(topic);
    if (!subscriptions || subscriptions.size === 0) return;
    const targets = [...subscriptions];
    queueMicrotask(() => {
      for (const subscription of targets) {
        // Unsubscribed after the publish but before delivery: not delivered.
        if (subscription.active) subscription.deliver(payload);
      }
    });
  }

  async subscribe(topic: string, handler: (payload: string) => void): Promise<() => Promise<void>> {
    this.assertUsable(topic);
    const subscription: InMemorySubscription = {
      active: true,
      deliver: (payload) => {
        try {
          handler(payload);
        } catch (error) {
          this.onHandlerError(error, topic);
        }
      },
    };
    let set = this.backend.topics.get(topic);
    if (!set) {
      set = new Set();
      this.backend.topics.set(topic, set);
    }
    set.add(subscription);
    this.own.set(subscription, topic);
    return async () => this.remove(subscription);
  }

  /** The connection of an in-process bus never drops. */
  onConnectionChange(_listener: (connected: boolean) => void): () => void {
    return () => undefined;
  }

  async isReady(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const subscription of [...this.own.keys()]) this.remove(subscription);
  }

  /** Topics this bus currently listens to (for metrics and tests). */
  subscribedTopics(): string[] {
    return [...new Set(this.own.values())];
  }

  private remove(subscription: InMemorySubscription): void {
    const topic = this.own.get(subscription);
    if (topic === undefined) return;
    subscription.active = false;
    this.own.delete(subscription);
    const set = this.backend.topics.get(topic);
    set?.delete(subscription);
    if (set && set.size === 0) this.backend.topics.delete(topic);
  }

  private assertUsable(topic: string): void {
    if (this.closed) throw new DomainError('UNAVAILABLE', 'event bus is closed');
    if (!isValidTopic(topic))
      throw invalid('topic', `invalid topic: ${JSON.stringify(topic.slice(0, 80))}`);
  }
}
