import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Core from '@chatter/core';
import { API_ENTRY } from '../support';

/**
 * The user fields of a members page (isContact, isBlocked, phone, lastSeenAt, presence) read
 * the store a constant number of times, however many members the page holds: counted on the
 * real SQLite adapters of the built application (dist/api), loaded in this process (with
 * Node's require, as `node dist/api/main.js` does) so that the adapters' calls can be counted.
 */
const dist = join(API_ENTRY, '..');
const load = createRequire(API_ENTRY);
load('reflect-metadata');
const core = load(join(dist, 'libs/core/src/index.js')) as typeof Core;
const { createApp } = load(join(dist, 'apps/api/src/main.js')) as {
  createApp(config: unknown): Promise<NestExpressApplication>;
};
const { loadConfig } = load(join(dist, 'apps/api/src/platform/config/index.js')) as {
  loadConfig(env: Record<string, string>): unknown;
};
const {
  BlockRepository,
  ContactRepository,
  ConversationRepository,
  ManageTenants,
  PresenceStore,
  UserRepository,
} = core;

const secret = randomBytes(24).toString('hex');
const dataDir = mkdtempSync(join(tmpdir(), 'chatter-batching-'));
let app: NestExpressApplication;
let url: string;

const token = (subject: string) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: subject })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('app:default')
    .setSubject(subject)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(secret));
};

async function gql<T>(
  query: string,
  variables: Record<string, unknown>,
  bearer: string,
): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

beforeAll(async () => {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DEFAULT_TENANT_SECRET: secret,
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
  });
  app = await createApp(config);
  await app.get(ManageTenants).ensureDefault(secret);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  url = `http://127.0.0.1:${address.port}`;
}, 60_000);

afterAll(async () => {
  await app?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const MEMBERS = `query($c:ID!){ conversation(id:$c){ members(first: 100){ edges { node { user {
  id phone lastSeenAt isContact isBlocked presence { status lastSeenAt } } } } } } }`;

interface MembersPage {
  conversation: {
    members: {
      edges: {
        node: {
          user: {
            id: string;
            phone: string | null;
            isContact: boolean;
            isBlocked: boolean;
            presence: { status: string };
          };
        };
      }[];
    };
  };
}

describe('user fields on a page of members', () => {
  it('cost two relation reads, one presence read and one user read for 40 members, and answer as one-by-one reads would', async () => {
    const ownerToken = await token(`owner-${randomBytes(3).toString('hex')}`);
    const owner = (await gql<{ me: { id: string } }>('{ me { id } }', {}, ownerToken)).me.id;
    const channel = (
      await gql<{ createChannel: { id: string } }>(
        'mutation{ createChannel(input:{title:"Batching"}){ id } }',
        {},
        ownerToken,
      )
    ).createChannel.id;
    const members: string[] = [];
    for (let i = 0; i < 40; i++) {
      const t = await token(`member-${i}-${randomBytes(3).toString('hex')}`);
      members.push((await gql<{ me: { id: string } }>('{ me { id } }', {}, t)).me.id);
      await gql('mutation($c:ID!){ joinChannel(conversationId:$c){ id } }', { c: channel }, t);
    }
    const contacts = app.get(ContactRepository);
    const blocks = app.get(BlockRepository);
    const tenant = 'default';
    const now = new Date();
    for (const id of members.slice(0, 5)) await contacts.add(tenant, owner, id, now);
    for (const id of members.slice(5, 8)) await blocks.block(tenant, owner, id, now);

    const spies = {
      isContact: vi.spyOn(contacts, 'isContact'),
      relationsAmong: vi.spyOn(contacts, 'relationsAmong'),
      hasBlocked: vi.spyOn(blocks, 'hasBlocked'),
      isBlockedEitherWay: vi.spyOn(blocks, 'isBlockedEitherWay'),
      blocksAmong: vi.spyOn(blocks, 'blocksAmong'),
      presence: vi.spyOn(app.get(PresenceStore), 'get'),
      users: vi.spyOn(app.get(UserRepository), 'findByIds'),
      listMembers: vi.spyOn(app.get(ConversationRepository), 'listMembers'),
    };
    const page = await gql<MembersPage>(MEMBERS, { c: channel }, ownerToken);
    const counts = Object.fromEntries(
      Object.entries(spies).map(([name, spy]) => [name, spy.mock.calls.length]),
    );
    expect(counts).toEqual({
      isContact: 0,
      relationsAmong: 1,
      hasBlocked: 0,
      isBlockedEitherWay: 0,
      blocksAmong: 1,
      presence: 1,
      users: 1,
      listMembers: 1,
    });

    const users = page.conversation.members.edges.map((e) => e.node.user);
    expect(users).toHaveLength(41);
    for (const user of users) {
      if (user.id === owner) continue;
      expect(user.isContact, user.id).toBe(await contacts.isContact(tenant, owner, user.id));
      expect(user.isBlocked, user.id).toBe(await blocks.hasBlocked(tenant, owner, user.id));
    }
    expect(
      users
        .filter((u) => u.isContact)
        .map((u) => u.id)
        .sort(),
    ).toEqual(members.slice(0, 5).sort());
    expect(
      users
        .filter((u) => u.isBlocked)
        .map((u) => u.id)
        .sort(),
    ).toEqual(members.slice(5, 8).sort());
    for (const spy of Object.values(spies)) spy.mockRestore();
  }, 60_000);
});
