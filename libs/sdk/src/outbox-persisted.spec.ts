import { describe, expect, it, vi } from 'vitest';
import { Outbox, type PendingMessage, type Sender, type SendOutcome } from './outbox';

const KEY = 'chatter.outbox.me';

/** A fake server: remembers clientMessageIds like the real idempotent sendMessage does. */
function fakeServer() {
  const stored = new Map<string, PendingMessage>();
  let online = true;
  let refuse: string | null = null;
  const send = vi.fn(async (m: PendingMessage): Promise<SendOutcome> => {
    if (!online) return { ok: false, retryable: true, error: 'offline' };
    if (refuse && m.body === refuse) return { ok: false, retryable: false, error: 'FORBIDDEN' };
    if (!stored.has(m.clientMessageId)) stored.set(m.clientMessageId, m);
    return { ok: true };
  });
  return {
    send,
    stored,
    setOnline: (v: boolean) => (online = v),
    refuseBody: (b: string) => (refuse = b),
  };
}

/** A Web Storage stand-in. */
class MemoryStorage {
  private readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

/** A persisted queue as a browser app keeps it; retries wait long enough not to run in a test. */
const persisted = (storage: MemoryStorage, send: Sender) =>
  new Outbox(send, { storage, storageKey: KEY, keepFailed: true, baseMs: 60_000 });

describe('Outbox (persisted, as the web app uses it)', () => {
  it('sends in order and empties the stored queue', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const box = persisted(storage, server.send);
    box.enqueue({ conversationId: 'c1', body: 'one' });
    box.enqueue({ conversationId: 'c1', body: 'two' });
    await box.flush();
    expect([...server.stored.values()].map((m) => m.body)).toEqual(['one', 'two']);
    expect(box.size).toBe(0);
    expect(storage.getItem(KEY)).toBeNull();
  });

  it('keeps messages written offline across a reload and sends each once when back online', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    server.setOnline(false);
    const first = persisted(storage, server.send);
    const a = first.enqueue({ conversationId: 'c1', body: 'written offline', replyToId: 'm1' });
    first.enqueue({ conversationId: 'c2', body: 'second' });
    await first.flush();
    expect(first.list()).toHaveLength(2);
    expect(first.list()[0]).toMatchObject({ status: 'pending', error: 'offline' });
    expect(first.list()[0].attempts).toBeGreaterThanOrEqual(1);

    // Page reload: a new Outbox over the same storage.
    const second = persisted(storage, server.send);
    expect(second.list().map((m) => m.clientMessageId)).toContain(a.clientMessageId);
    expect(second.list('c1')[0]).toMatchObject({ body: 'written offline', replyToId: 'm1' });
    server.setOnline(true);
    await second.flush();
    await second.flush();
    expect(server.stored.size).toBe(2);
    expect(server.stored.get(a.clientMessageId)?.body).toBe('written offline');
    expect(second.size).toBe(0);
  });

  it('treats a send interrupted by a reload as pending and retries it with the same id', async () => {
    const storage = new MemoryStorage();
    const item: PendingMessage = {
      clientMessageId: 'fixed-id',
      conversationId: 'c1',
      body: 'in flight',
      replyToId: null,
      createdAt: new Date().toISOString(),
      status: 'sending',
      attempts: 1,
    };
    storage.setItem(KEY, JSON.stringify([item]));
    const server = fakeServer();
    server.stored.set('fixed-id', item); // The first attempt did reach the server.
    const box = persisted(storage, server.send);
    expect(box.list()[0].status).toBe('pending');
    await box.flush();
    expect(server.send).toHaveBeenCalledWith(
      expect.objectContaining({ clientMessageId: 'fixed-id' }),
    );
    expect(server.stored.size).toBe(1);
    expect(box.size).toBe(0);
  });

  it('marks a refused message failed, goes on with the rest, and retries on demand', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    server.refuseBody('bad');
    const box = persisted(storage, server.send);
    const bad = box.enqueue({ conversationId: 'c1', body: 'bad' });
    box.enqueue({ conversationId: 'c1', body: 'good' });
    await box.flush();
    await box.flush();
    expect(box.list()).toEqual([
      expect.objectContaining({
        clientMessageId: bad.clientMessageId,
        status: 'failed',
        error: 'FORBIDDEN',
      }),
    ]);
    expect([...server.stored.values()].map((m) => m.body)).toEqual(['good']);
    server.refuseBody('nothing');
    box.retry(bad.clientMessageId);
    await box.flush();
    expect(box.size).toBe(0);
    expect(server.stored.size).toBe(2);
  });

  it('never sends one message twice concurrently', async () => {
    const storage = new MemoryStorage();
    let release!: () => void;
    const send = vi.fn(() => new Promise<SendOutcome>((r) => (release = () => r({ ok: true }))));
    const box = persisted(storage, send);
    box.enqueue({ conversationId: 'c1', body: 'x' });
    const p1 = box.flush();
    const p2 = box.flush();
    release();
    await Promise.all([p1, p2]);
    await box.flush();
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('notifies subscribers and can be discarded', () => {
    const box = persisted(new MemoryStorage(), async () => ({
      ok: false,
      retryable: true,
      error: 'offline',
    }));
    const listener = vi.fn();
    box.subscribe(listener);
    const m = box.enqueue({ conversationId: 'c1', body: 'x' });
    box.discard(m.clientMessageId);
    expect(listener).toHaveBeenCalled();
    expect(box.list()).toEqual([]);
  });
});

it('drops malformed stored entries instead of failing to load', () => {
  const storage = new MemoryStorage();
  storage.setItem(KEY, JSON.stringify([{ body: 1 }, null, 'x']));
  expect(persisted(storage, async () => ({ ok: true })).list()).toEqual([]);
  storage.setItem(KEY, '{not json');
  expect(persisted(storage, async () => ({ ok: true })).list()).toEqual([]);
});
