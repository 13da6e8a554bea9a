import type { MessageFieldsFragment } from '@chatter/client';
import { backoffDelay, type BackoffOptions } from './backoff';

export interface SendInput {
  conversationId: string;
  body: string;
  replyToId?: string | null;
  attachmentIds?: string[] | null;
  /** Defaults to a random UUID; a retry with the same id returns the first message. */
  clientMessageId?: string;
}

export type PendingStatus = 'pending' | 'sending' | 'failed';

/** A send the server has not confirmed yet (what a persisted outbox stores, as JSON). */
export interface PendingMessage {
  clientMessageId: string;
  conversationId: string;
  body: string;
  replyToId: string | null;
  /** Finalized uploads the message carries. */
  attachmentIds?: string[];
  createdAt: string;
  status: PendingStatus;
  attempts: number;
  /** Why the last attempt failed. */
  error?: string;
}

export type SendOutcome =
  /** Stored; `message` is the server's copy when the sender has it. */
  | { ok: true; message?: MessageFieldsFragment }
  /** No answer (offline, server down, rate limited): kept, and tried again later. */
  | { ok: false; retryable: true; error: string; cause?: unknown }
  /** The server refused it (not a member, blocked, invalid). */
  | { ok: false; retryable: false; error: string; cause?: unknown };

/** Makes one attempt at sending a queued message. Retrying is safe: sendMessage is idempotent
 *  on clientMessageId. */
export type Sender = (message: PendingMessage) => Promise<SendOutcome>;

/** The subset of the Web Storage API a persisted outbox uses (window.localStorage fits). */
export interface OutboxStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface OutboxOptions extends BackoffOptions {
  /** Attempts per message before it counts as refused (default: unlimited while not closed). */
  maxAttempts?: number;
  /** Called before each retry wait, for logging or a status line. */
  onRetry?: (pending: PendingMessage, error: unknown, delayMs: number) => void;
  /**
   * Keeps the queue in this store under `storageKey`, so sends written offline survive a
   * reload or a crash (a browser app passes `localStorage`). Default: memory only.
   */
  storage?: OutboxStore;
  storageKey?: string;
  /**
   * A refused send stays listed with status `failed` (the user retries or discards it) instead
   * of being dropped. Its `send()` promise rejects either way.
   */
  keepFailed?: boolean;
}

interface Waiter {
  resolve(message: MessageFieldsFragment | undefined): void;
  reject(error: unknown): void;
}

export const newClientMessageId = (): string => {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  // Browsers offer randomUUID only in secure contexts (not on plain http to a LAN address).
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const closedError = () => new Error('The client is closed.');

/**
 * Sends in call order, one at a time. A send that fails for a transient reason (no network, 5xx,
 * rate limited) stays at its place with status `pending` and the queue stops there; it is tried
 * again with the same clientMessageId after a growing delay (or at once on flush()), so it is
 * stored once whatever the number of attempts. A refusal fails that send only.
 */
export class Outbox {
  private items: PendingMessage[];
  private readonly waiters = new Map<string, Waiter>();
  private readonly listeners = new Set<() => void>();
  private flushing: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly sender: Sender,
    private readonly options: OutboxOptions = {},
  ) {
    this.items = this.load();
  }

  /** Queues a message and resolves with the stored message once the server confirmed it. */
  send(input: SendInput): Promise<MessageFieldsFragment> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      const queued = this.add(input);
      this.waiters.set(queued.clientMessageId, {
        resolve: (message) =>
          message
            ? resolve(message)
            : reject(new Error('The sender confirmed the message without returning it.')),
        reject,
      });
      void this.flush();
    });
  }

  /** Queues a message without waiting for it; list() and subscribe() show how it goes. */
  enqueue(input: SendInput): PendingMessage {
    if (this.closed) throw closedError();
    const queued = this.add(input);
    void this.flush();
    return queued;
  }

  /** Everything queued (or only one conversation's), oldest first. Stable between changes. */
  list(conversationId?: string): PendingMessage[] {
    return conversationId
      ? this.items.filter((m) => m.conversationId === conversationId)
      : this.items;
  }

  /** Sends not yet acknowledged by the server, oldest first. */
  pending(): PendingMessage[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  /** Tries a failed send again. */
  retry(clientMessageId: string): void {
    this.update(
      this.items.map((m) =>
        m.clientMessageId === clientMessageId ? { ...m, status: 'pending', error: undefined } : m,
      ),
    );
    void this.flush();
  }

  /** Drops a queued send (its `send()` promise rejects). */
  discard(clientMessageId: string): void {
    this.update(this.items.filter((m) => m.clientMessageId !== clientMessageId));
    this.settle(clientMessageId, (w) => w.reject(new Error('The send was discarded.')));
  }

  /** Sends what is pending, in order; resolves when the queue is empty or stopped at a send
   *  that got no answer. */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.flushing = this.run().finally(() => {
      this.flushing = null;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    return this.flushing;
  }

  /** Retries now instead of at the end of the current wait (e.g. the connection came back). */
  retryNow(): void {
    void this.flush();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Someone else (another tab) changed the stored queue. */
  reload(): void {
    this.items = this.load();
    this.emit();
  }

  clear(): void {
    this.update([]);
    for (const id of [...this.waiters.keys()])
      this.settle(id, (w) => w.reject(new Error('The send was discarded.')));
  }

  /** Stops sending; what is still queued rejects (a persisted queue stays stored). */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const id of [...this.waiters.keys()]) this.settle(id, (w) => w.reject(closedError()));
  }

  private add(input: SendInput): PendingMessage {
    const message: PendingMessage = {
      clientMessageId: input.clientMessageId ?? newClientMessageId(),
      conversationId: input.conversationId,
      body: input.body,
      replyToId: input.replyToId ?? null,
      ...(input.attachmentIds?.length ? { attachmentIds: [...input.attachmentIds] } : {}),
      createdAt: new Date().toISOString(),
      status: 'pending',
      attempts: 0,
    };
    this.update([...this.items, message]);
    return message;
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const next = this.items.find((m) => m.status === 'pending');
      if (!next) return;
      const attempts = next.attempts + 1;
      this.patch(next.clientMessageId, { status: 'sending', attempts });
      let outcome: SendOutcome;
      try {
        outcome = await this.sender({ ...next, status: 'sending', attempts });
      } catch (error) {
        outcome = {
          ok: false,
          retryable: true,
          error: error instanceof Error ? error.message : 'Network error',
          cause: error,
        };
      }
      if (this.closed) return;
      if (outcome.ok) {
        this.update(this.items.filter((m) => m.clientMessageId !== next.clientMessageId));
        this.settle(next.clientMessageId, (w) => w.resolve(outcome.message));
        continue;
      }
      const cause = outcome.cause ?? new Error(outcome.error);
      if (outcome.retryable && attempts < (this.options.maxAttempts ?? Infinity)) {
        this.patch(next.clientMessageId, { status: 'pending', error: outcome.error });
        const delay = backoffDelay(attempts - 1, this.options);
        const current = this.items.find((m) => m.clientMessageId === next.clientMessageId);
        if (current) this.options.onRetry?.(current, cause, delay);
        this.retryTimer = setTimeout(() => void this.flush(), delay);
        return;
      }
      if (this.options.keepFailed)
        this.patch(next.clientMessageId, { status: 'failed', error: outcome.error });
      else this.update(this.items.filter((m) => m.clientMessageId !== next.clientMessageId));
      this.settle(next.clientMessageId, (w) => w.reject(cause));
    }
  }

  private settle(clientMessageId: string, done: (waiter: Waiter) => void): void {
    const waiter = this.waiters.get(clientMessageId);
    if (!waiter) return;
    this.waiters.delete(clientMessageId);
    done(waiter);
  }

  private patch(clientMessageId: string, change: Partial<PendingMessage>): void {
    this.update(
      this.items.map((m) => (m.clientMessageId === clientMessageId ? { ...m, ...change } : m)),
    );
  }

  private update(items: PendingMessage[]): void {
    this.items = items;
    const { storage, storageKey = 'chatter.outbox' } = this.options;
    if (storage) {
      try {
        if (items.length) storage.setItem(storageKey, JSON.stringify(items));
        else storage.removeItem(storageKey);
      } catch {
        // Storage full or unavailable: the queue still works for this run.
      }
    }
    this.emit();
  }

  private load(): PendingMessage[] {
    const { storage, storageKey = 'chatter.outbox' } = this.options;
    if (!storage) return [];
    try {
      const raw = storage.getItem(storageKey);
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      // A send interrupted by a reload got no answer we know of: it is pending again.
      return Array.isArray(parsed)
        ? (parsed as PendingMessage[])
            .filter(isPendingMessage)
            .map((m) => (m.status === 'sending' ? { ...m, status: 'pending' } : m))
        : [];
    } catch {
      return [];
    }
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

/** Stored entries can be edited or torn: keep only well-formed ones. */
function isPendingMessage(value: unknown): value is PendingMessage {
  const m = value as Partial<PendingMessage> | null;
  return (
    !!m &&
    typeof m === 'object' &&
    typeof m.clientMessageId === 'string' &&
    typeof m.conversationId === 'string' &&
    typeof m.body === 'string' &&
    (m.replyToId === null || typeof m.replyToId === 'string') &&
    typeof m.attempts === 'number' &&
    (m.status === 'pending' || m.status === 'sending' || m.status === 'failed')
  );
}
