import { join } from 'node:path';
import { openDatabase } from '@chatter/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, Collector, dataOf, gql, removeDataDir, wsClient } from '../support';
import {
  ADMIN_TOKEN,
  appUser,
  createGroup,
  expectNoUnexpectedErrors,
  post,
  startMessagingApi,
  User,
} from '../messaging/messaging-helpers';
import {
  absolute,
  sendWith,
  storedFiles,
  untilProcessed,
  upload,
} from '../media/attachment-helpers';

const GRANT =
  'mutation($u:ID!){ grantTenantRole(tenantId:"default", userId:$u, role:ADMIN){ role } }';
const UPDATE =
  'mutation($d:Int){ updateTenantSafetySettings(input:{messageRetentionDays:$d}){ messageRetentionDays } }';
const MESSAGES =
  'query($c:ID!){ messages(conversationId:$c, last: 50){ edges { node { id seq body deletedAt } } } }';
const EVENTS = `subscription($s:[ConversationCursorInput!]){ chatEvents(since:$s){ __typename
  ... on MessageUpdated { message { id seq body deletedAt } } } }`;
const AUDIT =
  '{ auditLog(first: 5, filter:{action:MESSAGES_EXPIRED}){ edges { node { actorId details { key value } } } } }';

type Updated = {
  chatEvents: {
    __typename: string;
    message?: { id: string; seq: number; deletedAt: string | null };
  };
};

/** Polls until `check` holds (the retention sweep runs every second here). */
async function eventually(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('message retention', () => {
  let api: ApiProcess;
  let admin: User, ada: User, ben: User;
  let group: string;

  /** Makes messages look `days` old: the one thing a black-box test cannot wait for. */
  const age = (ids: string[], days: number) => {
    const db = openDatabase(join(api.dataDir, 'chatter.sqlite'));
    try {
      const at = Date.now() - days * 86_400_000;
      const stmt = db.prepare('UPDATE messages SET created_at = ? WHERE id = ?');
      for (const id of ids) expect(stmt.run(at, id).changes).toBe(1);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    api = await startMessagingApi({
      RETENTION_SWEEP_INTERVAL_SECONDS: '1',
      ATTACHMENT_DELETE_GRACE_SECONDS: '1',
      ATTACHMENT_SWEEP_INTERVAL_SECONDS: '1',
    });
    [admin, ada, ben] = await Promise.all(
      ['Retention admin', 'Ada', 'Ben'].map((n) => appUser(api, n)),
    );
    dataOf(await gql(api, GRANT, { u: admin.id }, undefined, { 'x-admin-token': ADMIN_TOKEN }));
    group = await createGroup(api, ada, [ben], 'Kept for a while');
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  it('is off by default: old messages stay', async () => {
    const old = await post(api, ada, group, 'ancient but kept');
    age([old.id], 400);
    await new Promise((r) => setTimeout(r, 2500));
    const bodies = dataOf(await gql(api, MESSAGES, { c: group }, ben.token)).messages.edges.map(
      (e: { node: { body: string } }) => e.node.body,
    );
    expect(bodies).toContain('ancient but kept');
  });

  it('deletes messages older than N days with their files; clients are told live and on resume', async () => {
    const photo = await upload(
      api,
      ada,
      group,
      'old.pdf',
      'application/pdf',
      Buffer.from('%PDF-1.4\n%%EOF\n'),
    );
    await untilProcessed(api, ada, photo.id);
    const withFile = (await sendWith(api, ada, group, [photo.id], 'old file')).data!.sendMessage;
    const url = absolute(api, withFile.attachments[0]!.url!);
    expect((await fetch(url)).status).toBe(200);
    const oldText = await post(api, ben, group, 'old text');
    const fresh = await post(api, ben, group, 'fresh');
    const cursor = fresh.seq;

    // Ben is online and subscribed from his cursor when the retention sweep runs.
    const socket = wsClient(api, ben.token);
    const live = new Collector<Updated>(socket, EVENTS, {
      s: [{ conversationId: group, afterSeq: cursor }],
    });

    age([withFile.id, oldText.id], 10);
    dataOf(await gql(api, UPDATE, { d: 7 }, admin.token));

    const deletedIds = () =>
      live.items
        .filter(
          (i) => i.chatEvents.__typename === 'MessageUpdated' && i.chatEvents.message?.deletedAt,
        )
        .map((i) => i.chatEvents.message!.id);
    // The message aged 400 days in the first test goes too: retention applies to all history.
    await live.until(
      (items) => items.length >= 3 && deletedIds().length >= 3,
      15_000,
      'tombstones',
    );
    // These two, and one more (the message of the first test), each once.
    expect(deletedIds()).toHaveLength(3);
    expect(new Set(deletedIds()).size).toBe(3);
    expect(deletedIds()).toEqual(expect.arrayContaining([withFile.id, oldText.id]));
    live.stop();
    await socket.dispose();

    const nodes = dataOf(await gql(api, MESSAGES, { c: group }, ben.token)).messages.edges.map(
      (e: { node: { id: string; body: string | null; deletedAt: string | null } }) => e.node,
    );
    const byId = new Map(nodes.map((n: { id: string }) => [n.id, n]));
    expect(byId.get(withFile.id)).toMatchObject({ body: null, deletedAt: expect.any(String) });
    expect(byId.get(oldText.id)).toMatchObject({ body: null, deletedAt: expect.any(String) });
    expect(byId.get(fresh.id)).toMatchObject({ body: 'fresh', deletedAt: null });

    // Access ends at once; the files follow after the grace period.
    expect((await fetch(url)).status).not.toBe(200);
    await eventually(() => storedFiles(api, photo.id).length === 0, 'files deleted');

    // A client that was offline resumes from its cursor and replays the deletions.
    const later = wsClient(api, ada.token);
    const replay = new Collector<Updated>(later, EVENTS, {
      s: [{ conversationId: group, afterSeq: cursor }],
    });
    await replay.until(
      (items) => items.filter((i) => i.chatEvents.message?.deletedAt).length >= 3,
      10_000,
      'replayed tombstones',
    );
    replay.stop();
    await later.dispose();

    // Idempotent: later sweeps find nothing more; one audit entry per run that deleted.
    await new Promise((r) => setTimeout(r, 2000));
    const audit = dataOf(await gql(api, AUDIT, {}, admin.token)).auditLog.edges as {
      node: { actorId: string | null; details: { key: string; value: string }[] };
    }[];
    const total = audit
      .map((e) => Number(e.node.details.find((d) => d.key === 'count')!.value))
      .reduce((a, b) => a + b, 0);
    expect(total).toBe(3);
    expect(audit.every((e) => e.node.actorId === null)).toBe(true);
  });
});
