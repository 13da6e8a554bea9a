import { DomainService } from '../shared/domain-service';
import { EventBus } from './event-bus.port';
import { decodeEvent, RealtimeEvent } from './realtime-event';

type Listener = (event: RealtimeEvent) => void;

interface TopicState {
  listeners: Set<Listener>;
  /** Resolves once the bus subscription is active; holds the function that ends it. */
  ready: Promise<() => Promise<void>>;
}

/**
 * This instance's interest in bus topics. The first local listener of a topic subscribes on
 * the bus, the last one to leave unsubscribes. Each bus message is decoded once and handed to
 * the topic's listeners only, so the cost of an event grows with its recipients, not with
 * everyone connected.
 */
@DomainService()
export class TopicRouter {
  private readonly topics = new Map<string, TopicState>();
  private readonly reconnectListeners = new Set<() => void>();
  private readonly detachBus: () => void;

  constructor(private readonly bus: EventBus) {
    this.detachBus = bus.onConnectionChange((connected) => {
      if (connected) for (const listener of this.reconnectListeners) listener();
    });
  }

  /** Number of topics this instance listens to on the bus (for metrics and tests). */
  get topicCount(): number {
    return this.topics.size;
  }

  async listen(topic: string, listener: Listener): Promise<() => Promise<void>> {
    let state = this.topics.get(topic);
    if (!state) {
      const listeners = new Set<Listener>();
      const ready = this.bus.subscribe(topic, (payload) => {
        const event = decodeEvent(payload);
        if (!event) return;
        for (const l of [...listeners]) {
          try {
            l(event);
          } catch {
            // one listener's failure must not starve the others
          }
        }
      });
      state = { listeners, ready };
      this.topics.set(topic, state);
      ready.catch(() => {
        if (this.topics.get(topic) === state) this.topics.delete(topic);
      });
    }
    state.listeners.add(listener);
    try {
      await state.ready;
    } catch (error) {
      state.listeners.delete(listener);
      throw error;
    }
    const current = state;
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.topics.get(topic) === current) {
        this.topics.delete(topic);
        const unsubscribe = await current.ready;
        await unsubscribe();
      }
    };
  }

  /** Called after the bus reconnects: events published meanwhile may have been missed. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  close(): void {
    this.detachBus();
  }
}
