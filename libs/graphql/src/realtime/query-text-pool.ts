/**
 * One copy of each subscription's query text for every socket that sends it. graphql-ws keeps a
 * `subscribe` message for as long as its subscription runs, and clients of the same app send the
 * same document (the web app's `chatEvents` is 3.5 KB of text): without this, each socket holds
 * its own copy for its whole life. Bounded: past `maxEntries` texts the pool starts over, so a
 * client sending endless distinct queries costs the pool nothing but its hit rate.
 */
export class QueryTextPool {
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly maxEntries = 512,
    private readonly maxLength = 64 * 1024,
  ) {}

  /** The pooled text equal to `text` (the first one seen), or `text` itself. */
  intern(text: string): string {
    if (text.length > this.maxLength) return text;
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    if (this.texts.size >= this.maxEntries) this.texts.clear();
    this.texts.set(text, text);
    return text;
  }

  get size(): number {
    return this.texts.size;
  }
}

/**
 * What the gateway hands graphql-ws for one text frame: the parsed message, its `subscribe`
 * query text taken from the pool, or the text itself when it is not JSON (graphql-ws then
 * refuses it exactly as before). graphql-ws's message parser takes an already parsed message and
 * validates it the same way; handing it the parsed object also means the raw frame is not kept
 * alive by the subscription.
 */
export function pooledMessage(text: string, pool: QueryTextPool): unknown {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof message !== 'object' || message === null) return text;
  const { type, payload } = message as { type?: unknown; payload?: { query?: unknown } | null };
  if (type === 'subscribe' && payload && typeof payload.query === 'string')
    payload.query = pool.intern(payload.query);
  return message;
}
