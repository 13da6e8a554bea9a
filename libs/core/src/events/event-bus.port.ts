/**
 * Cross-instance pub/sub, at-most-once. Topics are dot-separated tokens
 * (`chatter.<tenant>.conv.<id>`); an adapter subscribes upstream only for topics it was asked
 * for and drops them on unsubscribe. The store stays the source of truth: a consumer that
 * suspects loss (reconnect, seq gap) reads the store.
 */
export abstract class EventBus {
  /** Publishes to every current subscriber of the topic, in any instance. */
  abstract publish(topic: string, payload: string): Promise<void>;
  /**
   * Starts delivery of the topic's messages to `handler`, in publish order per publisher.
   * Resolves once the subscription is active upstream, or (bounded wait) once the interest is
   * recorded while the connection is lost or slow: the adapter then registers it upstream when
   * the connection is back, before reporting `onConnectionChange(true)`, so a consumer that
   * catches up from the store on that signal misses nothing. Rejects only for an invalid topic
   * or a closed bus, never for a connection problem. The returned function stops it.
   */
  abstract subscribe(
    topic: string,
    handler: (payload: string) => void,
  ): Promise<() => Promise<void>>;
  /**
   * Called with false when the connection upstream is lost and true when it is back (messages
   * published in between may have been missed). Returns a function that removes the listener.
   */
  abstract onConnectionChange(listener: (connected: boolean) => void): () => void;
  /** Whether the bus can publish right now (readiness). */
  abstract isReady(): Promise<boolean>;
  abstract close(): Promise<void>;
}

/** Topic names: one per conversation, per user and per user's presence. */
export const topics = {
  conversation: (tenantId: string, conversationId: string) =>
    `chatter.${tenantId}.conv.${conversationId}`,
  user: (tenantId: string, userId: string) => `chatter.${tenantId}.user.${userId}`,
  presence: (tenantId: string, userId: string) => `chatter.${tenantId}.presence.${userId}`,
};
