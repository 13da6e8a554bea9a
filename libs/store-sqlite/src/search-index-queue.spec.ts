import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aConversation, aTenant, aTenantId, aUser } from '@chatter/testing';
import type { ConversationId, TenantId, UserId } from '@chatter/core';
import { openDatabase } from './sqlite-driver';
import { SqliteStore } from './sqlite-store';
import { SEARCH_QUEUE_TABLE } from './tenant-search-index';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatter-search-queue-'));
  dirs.push(dir);
  return join(dir, 'chatter.db');
};

async function aRoom(store: SqliteStore) {
  const t = aTenantId();
  await store.tenants.create(aTenant({ id: t }));
  const user = await store.users.create(aUser(t));
  const conversation = await store.conversations.create(aConversation(t), [
    { userId: user.id, role: 'OWNER' },
  ]);
  return { t, userId: user.id, conversationId: conversation.id };
}

let n = 0;
async function send(
  store: SqliteStore,
  room: { t: TenantId; userId: UserId; conversationId: ConversationId },
  body: string,
) {
  const id = `m-${++n}-${Math.random().toString(36).slice(2)}`;
  const { message } = await store.messages.append({
    id,
    tenantId: room.t,
    conversationId: room.conversationId,
    senderId: room.userId,
    clientMessageId: id,
    body,
    replyToId: null,
    mentions: { userIds: [], all: false },
    createdAt: new Date(),
  });
  return message;
}

const queued = (file: string): number => {
  const raw = openDatabase(file);
  try {
    return raw.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${SEARCH_QUEUE_TABLE}`).get()!
      .n;
  } finally {
    raw.close();
  }
};

describe('batched search indexing', () => {
  it('queues a sent body in the send’s own commit and indexes it within the delay', async () => {
    const file = tempFile();
    const store = SqliteStore.open({ file });
    const room = await aRoom(store);
    await send(store, room, 'alpha bravo');
    await send(store, room, 'charlie');
    // Another connection sees the queue at once: a crash before indexing loses nothing.
    expect(queued(file)).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(queued(file)).toBe(0);
    const hits = await store.messages.search(room.t, room.userId, 'bravo', null, 0, 10);
    expect(hits.map((h) => h.message.body)).toEqual(['alpha bravo']);
    await store.close();
  });

  it('indexes what a crashed process left queued, on the next search after reopening', async () => {
    const file = tempFile();
    const store = SqliteStore.open({ file });
    const room = await aRoom(store);
    await send(store, room, 'before the crash');
    // A crash: the connection goes away without the store's close (no drain).
    (store as unknown as { db: { close(): void } }).db.close();
    expect(queued(file)).toBe(1);
    const reopened = SqliteStore.open({ file });
    const hits = await reopened.messages.search(room.t, room.userId, 'crash', null, 0, 10);
    expect(hits.map((h) => h.message.body)).toEqual(['before the crash']);
    await reopened.close();
    expect(queued(file)).toBe(0);
  });

  it('finds exactly the live bodies, whatever the order of sends, edits, deletions and drains', async () => {
    type Op =
      | { kind: 'send'; word: number }
      | { kind: 'edit'; target: number; word: number }
      | { kind: 'delete'; target: number }
      | { kind: 'drain' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('send' as const), word: fc.nat(30) }),
      fc.record({ kind: fc.constant('edit' as const), target: fc.nat(40), word: fc.nat(30) }),
      fc.record({ kind: fc.constant('delete' as const), target: fc.nat(40) }),
      fc.record({ kind: fc.constant('drain' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const store = SqliteStore.open({ file: ':memory:' });
        try {
          const room = await aRoom(store);
          // The model: message id → its live word (absent once deleted).
          const live = new Map<string, number>();
          const ids: string[] = [];
          const word = (w: number) => `zq${w}x`;
          for (const o of ops) {
            if (o.kind === 'send') {
              const m = await send(store, room, `${word(o.word)} text`);
              ids.push(m.id);
              live.set(m.id, o.word);
            } else if (o.kind === 'drain') {
              store.messages.searchQueue.drain();
            } else if (ids.length > 0) {
              const id = ids[o.target % ids.length]!;
              if (!live.has(id)) continue;
              if (o.kind === 'edit') {
                await store.messages.edit(
                  room.t,
                  id,
                  `${word(o.word)} edited`,
                  { userIds: [], all: false },
                  new Date(),
                );
                live.set(id, o.word);
              } else {
                await store.messages.tombstone(room.t, id, new Date());
                live.delete(id);
              }
            }
          }
          for (let w = 0; w <= 30; w++) {
            const hits = await store.messages.search(room.t, room.userId, word(w), null, 0, 100);
            const expected = [...live].filter(([, lw]) => lw === w).map(([id]) => id);
            expect(hits.map((h) => h.message.id).sort()).toEqual(expected.sort());
          }
        } finally {
          await store.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
