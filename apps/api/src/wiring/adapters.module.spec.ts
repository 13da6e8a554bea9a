import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BlockRepository,
  ContactRepository,
  ConversationRepository,
  MessageRepository,
  SessionRepository,
  TenantRepository,
  UserRepository,
} from '@chatter/core';
import { SqliteStore } from '@chatter/store-sqlite';
import { loadConfig } from '../platform/config';
import { AdaptersModule, SQLITE_STORE } from './adapters.module';

let context: INestApplicationContext | undefined;
let dir: string | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('AdaptersModule in embedded mode', () => {
  it("provides every repository port as the SQLite store's own repository", async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'chatter-adapters-'));
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dir }, { cwd: dir, repoRoot: dir });
    context = await NestFactory.createApplicationContext(AdaptersModule.forRoot(config), {
      logger: false,
      abortOnError: false,
    });
    const store = context.get<SqliteStore>(SQLITE_STORE);
    expect(store).toBeInstanceOf(SqliteStore);
    expect(context.get(TenantRepository)).toBe(store.tenants);
    expect(context.get(UserRepository)).toBe(store.users);
    expect(context.get(SessionRepository)).toBe(store.sessions);
    expect(context.get(ContactRepository)).toBe(store.contacts);
    expect(context.get(BlockRepository)).toBe(store.blocks);
    expect(context.get(ConversationRepository)).toBe(store.conversations);
    expect(context.get(MessageRepository)).toBe(store.messages);
  });
});
