import type Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  aConversation,
  aMessage,
  aTenant,
  aTenantId,
  aUser,
  storeContracts,
} from '@chatter/testing';
import { openDatabase } from './sqlite-driver';
import { SqliteStore } from './sqlite-store';
import { initialMigration } from './migrations/001-initial';
import { migrate } from './migrations';

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
    attachments: store.attachments,
    calls: store.calls,
    polls: store.polls,
    notifications: store.notifications,
    tenantRoles: store.tenantRoles,
    sanctions: store.sanctions,
    auditLog: store.auditLog,
    reports: store.reports,
    scheduledMessages: store.scheduledMessages,
    safetySettings: store.safetySettings,
    threadFollows: store.threadFollows,
    stars: store.stars,
    bots: store.bots,
    webhooks: store.webhooks,
    webhookQueue: store.webhookQueue,
    incomingWebhooks: store.incomingWebhooks,
    linkPreviews: store.linkPreviews,
    oidc: store.oidc,
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

  it('creates the database 0600 in a new 0700 directory, whatever the umask', async () => {
    const file = tempFile();
    const umask = process.umask(0o000);
    try {
      const store = SqliteStore.open({ file });
      const t = aTenantId();
      const user = await store.users.create(aUser(t));
      const conversation = await store.conversations.create(aConversation(t), [
        { userId: user.id, role: 'OWNER' },
      ]);
      await store.messages.append(aMessage(t, conversation.id, user.id, { body: 'private' }));
      const mode = (path: string) => statSync(path).mode & 0o777;
      expect(mode(join(file, '..'))).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
      await store.close();
    } finally {
      process.umask(umask);
    }
  });

  it('migrates a version-1 database to one search index per tenant, keeping every message searchable', async () => {
    const file = tempFile();
    // A database as version 1 left it: the one shared index, messages of two tenants.
    mkdirSync(join(file, '..'), { recursive: true });
    const raw = openDatabase(file);
    migrate(raw, [initialMigration]);
    const [a, b] = [aTenantId(), aTenantId()];
    const now = Date.now();
    for (const [t, body] of [
      [a, 'shared word alpha'],
      [b, 'shared word beta'],
      [a, 'deleted word'],
    ] as const) {
      raw
        .prepare(
          'INSERT INTO users (tenant_id, id, name, presence_privacy, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(t, 'u', 'U', 'EVERYONE', now, now);
      raw
        .prepare(
          "INSERT INTO conversations (tenant_id, id, kind, created_at, last_activity_at, last_seq) VALUES (?, 'c', 'GROUP', ?, ?, 0) ON CONFLICT DO NOTHING",
        )
        .run(t, now, now);
      raw
        .prepare(
          "INSERT INTO members (tenant_id, conversation_id, user_id, role, joined_at) VALUES (?, 'c', 'u', 'OWNER', ?) ON CONFLICT DO NOTHING",
        )
        .run(t, now);
      const seq =
        (
          raw.prepare('SELECT count(*) AS n FROM messages WHERE tenant_id = ?').get(t) as {
            n: number;
          }
        ).n + 1;
      raw
        .prepare(
          'INSERT INTO messages (tenant_id, id, conversation_id, seq, sender_id, client_message_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(t, `m${seq}`, 'c', seq, 'u', `k${seq}`, body, now + seq);
    }
    raw
      .prepare("UPDATE messages SET body = NULL, deleted_at = ? WHERE tenant_id = ? AND id = 'm2'")
      .run(now, a);
    raw.close();

    const store = SqliteStore.open({ file });
    expect(store.appliedMigrations).toEqual([
      2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 20, 21, 23, 24, 26, 27, 29, 30, 32, 38,
      40, 41, 42, 44, 45,
    ]);
    expect(
      (await store.messages.search(a, 'u', 'shared word', null, 0, 10)).map((h) => h.message.body),
    ).toEqual(['shared word alpha']);
    expect(
      (await store.messages.search(b, 'u', 'word', null, 0, 10)).map((h) => h.message.body),
    ).toEqual(['shared word beta']);
    expect(await store.messages.search(a, 'u', 'deleted', null, 0, 10)).toEqual([]);
    expect((await store.tenants.create(aTenant({ id: a }))).phoneSignUp).toBe(true);
    await store.close();
  });

  it('keeps data across reopen and applies migrations only once', async () => {
    const file = tempFile();
    const first = SqliteStore.open({ file });
    expect(first.appliedMigrations).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 20, 21, 23, 24, 26, 27, 29, 30, 32, 38,
      40, 41, 42, 44, 45,
    ]);
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

    const raw = openDatabase(file, { readonly: true });
    try {
      expect(raw.prepare('SELECT version, name FROM schema_migrations').all()).toEqual([
        { version: 1, name: 'initial' },
        { version: 2, name: 'tenant-search-and-settings' },
        { version: 3, name: 'contacts-by-consent' },
        { version: 4, name: 'history-visibility' },
        { version: 5, name: 'mentions' },
        { version: 6, name: 'log-entry-details' },
        { version: 7, name: 'channel-description-and-names' },
        { version: 8, name: 'attachments' },
        { version: 9, name: 'former-members' },
        { version: 10, name: 'attachment-retention' },
        { version: 11, name: 'notifications' },
        { version: 12, name: 'calls' },
        { version: 13, name: 'bots' },
        { version: 14, name: 'search-every-script' },
        { version: 16, name: 'tenant-roles-and-moderation' },
        { version: 17, name: 'audit-log-and-reports' },
        { version: 20, name: 'threads-and-forwarding' },
        { version: 21, name: 'starred-messages' },
        { version: 23, name: 'link-previews' },
        { version: 24, name: 'polls' },
        { version: 26, name: 'scheduled-messages' },
        { version: 27, name: 'disappearing-messages' },
        { version: 29, name: 'tenant-safety-settings' },
        { version: 30, name: 'live-messages-by-age' },
        { version: 32, name: 'oidc-sign-in' },
        { version: 38, name: 'notification-emails' },
        { version: 40, name: 'durable-webhook-queue' },
        { version: 41, name: 'allowed-attachment-kinds' },
        { version: 42, name: 'active-calls' },
        { version: 44, name: 'batched-search-indexing' },
        { version: 45, name: 'webhook-history-pruning' },
      ]);
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('sizes its page cache as asked, 16,000 KiB by default', async () => {
    const cacheSize = (store: SqliteStore) =>
      (store as unknown as { db: Database.Database }).db.pragma('cache_size', { simple: true });
    const byDefault = SqliteStore.open({ file: tempFile() });
    const small = SqliteStore.open({ file: tempFile(), cacheKiB: 2048 });
    try {
      expect(cacheSize(byDefault)).toBe(-16_000);
      expect(cacheSize(small)).toBe(-2048);
    } finally {
      await byDefault.close();
      await small.close();
    }
  });

  it('refuses a database written by a newer schema version', async () => {
    const file = tempFile();
    await SqliteStore.open({ file }).close();
    const raw = openDatabase(file);
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

  it('keeps seqs gap-free and sends idempotent across processes sharing the file', async () => {
    const file = tempFile();
    const setup = SqliteStore.open({ file });
    const t = aTenantId();
    const user = await setup.users.create(aUser(t));
    const conversation = await setup.conversations.create(aConversation(t), [
      { userId: user.id, role: 'OWNER' },
    ]);
    await setup.close();

    const perProcess = 500;
    const root = resolve(__dirname, '../../..');
    const worker = join(__dirname, 'concurrent-append.worker.ts');
    const start = (label: string) => {
      const child = spawn(
        process.execPath,
        [
          '-r',
          '@swc-node/register',
          worker,
          file,
          t,
          conversation.id,
          user.id,
          String(perProcess),
          label,
        ],
        { cwd: root, env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') } },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const ready = new Promise<void>((resolveReady, reject) => {
        const check = () => (out.startsWith('ready\n') ? resolveReady() : undefined);
        child.stdout.on('data', check);
        child.on('exit', () => reject(new Error(`worker ${label} exited early: ${err}`)));
      });
      const done = new Promise<{ seq: number; created: boolean; clientMessageId: string }[]>(
        (resolveDone, reject) => {
          child.on('exit', (code) =>
            code === 0
              ? resolveDone(JSON.parse(out.slice('ready\n'.length)))
              : reject(new Error(`worker ${label} failed (${code}): ${err}`)),
          );
        },
      );
      return { child, ready, done };
    };
    const workers = [start('a'), start('b')];
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.write('go\n'); // both start together
    const [a, b] = await Promise.all(workers.map((w) => w.done));

    const all = [...a, ...b];
    const sharedKeys = perProcess / 10;
    const expected = 2 * (perProcess - sharedKeys) + sharedKeys;
    const created = all.filter((r) => r.created);
    expect(created).toHaveLength(expected);
    expect(created.map((r) => r.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: expected }, (_, i) => i + 1),
    );
    for (let i = 0; i < perProcess; i += 10) {
      const shared = all.filter((r) => r.clientMessageId === `shared-${i}`);
      expect(shared.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(shared.map((r) => r.seq)).size).toBe(1);
    }
    const check = SqliteStore.open({ file });
    try {
      expect((await check.conversations.findById(t, conversation.id))?.lastSeq).toBe(expected);
      const events = await check.conversations.listEvents(t, conversation.id, 0, 10_000);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
    } finally {
      await check.close();
    }
  }, 60_000);
});
