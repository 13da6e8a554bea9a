import { DomainService } from '../shared/domain-service';
import { EventBus } from './event-bus.port';
import { decodeEvent, RealtimeEvent } from './realtime-event';

type Listener = (event: RealtimeEvent) => void;

/** Told when the bus reconnects (an object rather than a callback: one per connected stream). */
export interface BusReconnectListener {
  busReconnected(): void;
}

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
  private readonly reconnectListeners = new Set<BusReconnectListener>();
  private readonly detachBus: () => void;

  constructor(private readonly bus: EventBus) {
    this.detachBus = bus.onConnectionChange((connected) => {
      if (connected) for (const listener of this.reconnectListeners) listener.busReconnected();
    });
  }

  /** Number of topics this instance listens to on the bus (for metrics and tests). */
  get topicCount(): number {
    return this.topics.size;
  }

  /**
   * Adds `listener` to the topic (the first one subscribes on the bus); resolves once the bus
   * subscription is active. A listener that rejected was not added.
   */
  async listen(topic: string, listener: Listener): Promise<void> {
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
  }

  /**
   * Removes `listener` from the topic; the last one to leave unsubscribes on the bus. (No
   * function is handed out per listen: a stream follows many topics, and one closure each for
   * every connected stream is memory held for nothing.)
   */
  async unlisten(topic: string, listener: Listener): Promise<void> {
    const state = this.topics.get(topic);
    if (!state || !state.listeners.delete(listener) || state.listeners.size > 0) return;
    this.topics.delete(topic);
    const unsubscribe = await state.ready;
    await unsubscribe();
  }

  /** Called after the bus reconnects: events published meanwhile may have been missed. */
  onReconnect(listener: BusReconnectListener): void {
    this.reconnectListeners.add(listener);
  }

  offReconnect(listener: BusReconnectListener): void {
    this.reconnectListeners.delete(listener);
  }

  close(): void {
    this.detachBus();
  }
}
