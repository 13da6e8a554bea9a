import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aConversation, aTenant, aTenantId, aUser } from '@chatter/testing';
import { SqliteStore } from './sqlite-store';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatter-wal-'));
  dirs.push(dir);
  return join(dir, 'chatter.db');
};

const internals = (store: SqliteStore) =>
  store as unknown as {
    db: { pragma(s: string, o?: { simple: boolean }): unknown };
    checkpointer?: { worker: { terminate(): Promise<number> } };
  };

async function sendMany(store: SqliteStore, count: number) {
  const t = aTenantId();
  await store.tenants.create(aTenant({ id: t }));
  const user = await store.users.create(aUser(t));
  const conversation = await store.conversations.create(aConversation(t), [
    { userId: user.id, role: 'OWNER' },
  ]);
  for (let i = 0; i < count; i++) {
    await store.messages.append({
      id: `m${i}`,
      tenantId: t,
      conversationId: conversation.id,
      senderId: user.id,
      clientMessageId: `c${i}`,
      body: `message ${i} ${'x'.repeat(200)}`,
      replyToId: null,
      mentions: { userIds: [], all: false },
      createdAt: new Date(),
    });
    // Sends spread over time, as requests are: the background thread gets its turns.
    if (i % 100 === 99) await new Promise((r) => setTimeout(r, 30));
  }
}

describe('WAL checkpoints in a worker thread', () => {
  it('keeps the writer from checkpointing while the WAL stays bounded', async () => {
    const file = tempFile();
    const store = SqliteStore.open({ file, checkpointIntervalMs: 20 });
    expect(internals(store).db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await sendMany(store, 3000);
    // Without any checkpoint the WAL would hold every page of 3,000 commits (tens of MiB).
    expect(statSync(`${file}-wal`).size).toBeLessThan(24 * 1024 * 1024);
    // Still the worker's job: it did not fail (a failure hands checkpoints back to the writer).
    expect(internals(store).db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await store.close();
    // The writer closed last: it checkpointed everything and removed the WAL.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = SqliteStore.open({ file });
    expect(
      (reopened as unknown as { db: { prepare(s: string): { get(): { n: number } } } }).db
        .prepare('SELECT count(*) AS n FROM messages')
        .get().n,
    ).toBe(3000);
    await reopened.close();
  });

  it('hands checkpoints back to the writer when the worker dies', async () => {
    const file = tempFile();
    const store = SqliteStore.open({ file, checkpointIntervalMs: 20 });
    await internals(store).checkpointer!.worker.terminate();
    await new Promise((r) => setTimeout(r, 50));
    expect(internals(store).db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await store.close();
  });

  it('leaves SQLite’s automatic checkpoints alone when turned off, and for in-memory stores', async () => {
    const off = SqliteStore.open({ file: tempFile(), checkpointIntervalMs: 0 });
    expect(internals(off).db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(internals(off).checkpointer).toBeUndefined();
    await off.close();
    const memory = SqliteStore.open({ file: ':memory:' });
    expect(internals(memory).checkpointer).toBeUndefined();
    await memory.close();
  });
});
