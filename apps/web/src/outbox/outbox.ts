// Messages the user sent that the server has not confirmed yet. Persisted in localStorage so
// they survive a reload or a crash, flushed in order when the network is back. Retrying is
// safe: sendMessage is idempotent on clientMessageId.

export type PendingStatus = 'pending' | 'sending' | 'failed';

export interface PendingMessage {
  clientMessageId: string;
  conversationId: string;
  body: string;
  replyToId: string | null;
  /** Finalized uploads the message carries (absent on messages queued by older versions). */
  attachmentIds?: string[];
  createdAt: string;
  status: PendingStatus;
  attempts: number;
  error?: string;
}

export type SendOutcome =
  | { ok: true }
  /** No answer (offline, server down, rate limited): keep it and try again later. */
  | { ok: false; retryable: true; error: string }
  /** The server refused it (not a member, blocked, invalid): the user decides. */
  | { ok: false; retryable: false; error: string };

export type Sender = (message: PendingMessage) => Promise<SendOutcome>;

export class Outbox {
  private items: PendingMessage[];
  private readonly listeners = new Set<() => void>();
  private flushing: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly storage: Storage,
    private readonly key: string,
    private readonly send: Sender,
  ) {
    this.items = this.load();
  }

  /** Everything queued (or only one conversation's), oldest first. Stable between changes. */
  list(conversationId?: string): PendingMessage[] {
    return conversationId
      ? this.items.filter((m) => m.conversationId === conversationId)
      : this.items;
  }

  get size(): number {
    return this.items.length;
  }

  enqueue(input: {
    conversationId: string;
    body: string;
    replyToId?: string | null;
    attachmentIds?: string[];
    clientMessageId?: string;
  }): PendingMessage {
    const message: PendingMessage = {
      clientMessageId: input.clientMessageId ?? newClientMessageId(),
      conversationId: input.conversationId,
      body: input.body,
      replyToId: input.replyToId ?? null,
      ...(input.attachmentIds?.length ? { attachmentIds: input.attachmentIds } : {}),
      createdAt: new Date().toISOString(),
      status: 'pending',
      attempts: 0,
    };
    this.update([...this.items, message]);
    void this.flush();
    return message;
  }

  retry(clientMessageId: string): void {
    this.update(
      this.items.map((m) =>
        m.clientMessageId === clientMessageId ? { ...m, status: 'pending', error: undefined } : m,
      ),
    );
    void this.flush();
  }

  discard(clientMessageId: string): void {
    this.update(this.items.filter((m) => m.clientMessageId !== clientMessageId));
  }

  /** Sends pending messages in order; stops at the first one that got no answer. */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = this.run().finally(() => {
      this.flushing = null;
      if (this.again) {
        this.again = false;
        void this.flush();
      }
    });
    return this.flushing;
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
  }

  private async run(): Promise<void> {
    for (;;) {
      const next = this.items.find((m) => m.status === 'pending');
      if (!next) return;
      this.patch(next.clientMessageId, { status: 'sending', attempts: next.attempts + 1 });
      let outcome: SendOutcome;
      try {
        outcome = await this.send(next);
      } catch (err) {
        outcome = { ok: false, retryable: true, error: (err as Error)?.message ?? 'Network error' };
      }
      if (outcome.ok) {
        this.discard(next.clientMessageId);
      } else if (outcome.retryable) {
        this.patch(next.clientMessageId, { status: 'pending', error: outcome.error });
        return;
      } else {
        this.patch(next.clientMessageId, { status: 'failed', error: outcome.error });
      }
    }
  }

  private patch(clientMessageId: string, change: Partial<PendingMessage>): void {
    this.update(
      this.items.map((m) => (m.clientMessageId === clientMessageId ? { ...m, ...change } : m)),
    );
  }

  private update(items: PendingMessage[]): void {
    this.items = items;
    try {
      if (items.length) this.storage.setItem(this.key, JSON.stringify(items));
      else this.storage.removeItem(this.key);
    } catch {
      // Storage full or unavailable: the queue still works for this page's lifetime.
    }
    this.emit();
  }

  private load(): PendingMessage[] {
    try {
      const raw = this.storage.getItem(this.key);
      const parsed = raw ? (JSON.parse(raw) as PendingMessage[]) : [];
      // A send interrupted by a reload got no answer we know of: it is pending again.
      return Array.isArray(parsed)
        ? parsed.map((m) => (m.status === 'sending' ? { ...m, status: 'pending' } : m))
        : [];
    } catch {
      return [];
    }
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export function newClientMessageId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Fallback for non-secure contexts (plain http on a LAN address).
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
