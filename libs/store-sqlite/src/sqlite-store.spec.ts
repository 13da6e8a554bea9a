import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  aConversation,
  aMessage,
  aTenant,
  aTenantId,
  aUser,
  storeContracts,
} from '@chatter/testing';
import { SqliteStore } from './sqlite-store';

storeContracts('sqlite', async () => {
  const store = SqliteStore.open({ file: ':memory:' });
  return {
    tenants: store.tenants,
    users: store.users,
    sessions: store.sessions,
    contacts: store.contacts,
    blocks: store.blocks,
    conversations: store.conversations,
    messages: store.messages,
    cleanup: () => store.close(),
  };
});

describe('SqliteStore on a file', () => {
  const dirs: string[] = [];
  const tempFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatter-sqlite-'));
    dirs.push(dir);
    return join(dir, 'nested', 'chatter.db');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps data across reopen and applies migrations only once', async () => {
    const file = tempFile();
    const first = SqliteStore.open({ file });
    expect(first.appliedMigrations).toEqual([1]);
    expect(await first.isReady()).toBe(true);
    const t = aTenantId();
    const tenant = await first.tenants.create(aTenant({ id: t }));
    const user = await first.users.create(aUser(t));
    const conversation = await first.conversations.create(aConversation(t), [
      { userId: user.id, role: 'OWNER' },
    ]);
    const { message } = await first.messages.append(
      aMessage(t, conversation.id, user.id, { body: 'persisted words' }),
    );
    await first.close();
    await first.close(); // idempotent
    expect(await first.isReady()).toBe(false);

    const second = SqliteStore.open({ file });
    expect(second.appliedMigrations).toEqual([]);
    expect(await second.tenants.findById(t)).toEqual(tenant);
    expect(await second.messages.findById(t, message.id)).toEqual(message);
    expect(
      (await second.messages.search(t, user.id, 'persisted', null, 0, 10)).map((h) => h.message.id),
    ).toEqual([message.id]);
    // The log continues where it stopped.
    const next = await second.messages.append(aMessage(t, conversation.id, user.id));
    expect(next.message.seq).toBe(2);
    await second.close();

    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
        { version: 1, name: 'initial' },
      ]);
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('refuses a database written by a newer schema version', async () => {
    const file = tempFile();
    await SqliteStore.open({ file }).close();
    const raw = new Database(file);
    raw
      .prepare(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)",
      )
      .run();
    raw.close();
    expect(() => SqliteStore.open({ file })).toThrow(/newer than this build/);
  });

  it('serialises appends from two connections to one file', async () => {
    const file = tempFile();
    const a = SqliteStore.open({ file });
    const b = SqliteStore.open({ file });
    try {
      const t = aTenantId();
      const user = await a.users.create(aUser(t));
      const conversation = await a.conversations.create(aConversation(t), [
        { userId: user.id, role: 'OWNER' },
      ]);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? a : b).messages.append(aMessage(t, conversation.id, user.id)),
        ),
      );
      expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      expect((await b.conversations.findById(t, conversation.id))?.lastSeq).toBe(40);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
