import { describe, expect, it } from 'vitest';
import { MemoryCursorStorage } from './cursor-storage';
import { Follower } from './follower';
import { GraphqlHttp } from './graphql-http';
import type { ResyncInfo, StreamEvent } from './stream-events';
import { fakeServer, fakeSocket, message } from './testing-fakes';
import { TokenSource } from './token-source';

const conversation = (id: string, lastSeq: number) => ({ __typename: 'Conversation', id, lastSeq });
const added = (conversationId: string, seq: number) =>
  ({ __typename: 'MessageAdded', seq, message: message(conversationId, seq) }) as StreamEvent;
const settle = () => new Promise((r) => setTimeout(r, 20));

function setup(stored: Record<string, number>) {
  const server = fakeServer({
    Conversations: () => ({
      body: {
        data: {
          conversations: {
            edges: [{ node: conversation('a', 10) }, { node: conversation('b', 7) }],
            pageInfo: { hasNextPage: false, endCursor: null },
          },
        },
      },
    }),
    Messages: (v) => {
      const after = v['after'] as number;
      const first = v['first'] as number;
      const seqs = [5, 6].filter((s) => s > after).slice(0, first);
      return {
        body: {
          data: {
            messages: {
              edges: seqs.map((s) => ({ cursor: String(s), node: message('a', s) })),
              pageInfo: { hasNextPage: false, hasPreviousPage: true },
            },
          },
        },
      };
    },
    Conversation: (v) =>
      v['id'] === 'gone'
        ? { body: { errors: [{ message: 'x', extensions: { code: 'NOT_FOUND' } }], data: null } }
        : { body: { data: { conversation: conversation(String(v['id']), 50) } } },
  });
  const socket = fakeSocket();
  const storage = new MemoryCursorStorage(stored);
  const seen: string[] = [];
  const resyncs: ResyncInfo[] = [];
  const errors: unknown[] = [];
  const follower = new Follower(
    {
      http: new GraphqlHttp('http://x/graphql', new TokenSource('t'), server.fetch),
      socket: () => socket.client,
      storage,
      myUserId: async () => 'me',
      onUnauthenticated: () => undefined,
    },
    {
      message: (e) => {
        if (e.message.body === 'boom') throw new Error('handler failed');
        seen.push(`${e.message.conversationId}:${e.seq}`);
      },
      membership: (e) => void seen.push(`${e.conversation.id}:${e.change}`),
      resync: (info) => void resyncs.push(info),
      error: (e) => void errors.push(e),
    },
  );
  return { follower, socket, storage, seen, resyncs, errors, server };
}

describe('Follower', () => {
  it('resumes from stored cursors, seeds the others from the list, skips repeats and fills holes in order', async () => {
    const t = setup({ a: 3 });
    await t.follower.start();
    expect(t.socket.subscriptions[0]!.variables).toEqual({
      since: [
        { conversationId: 'a', afterSeq: 3 },
        { conversationId: 'b', afterSeq: 7 },
      ],
    });
    const next = (e: StreamEvent) => t.socket.sink().next({ data: { chatEvents: e } });
    next(added('a', 4));
    next(added('a', 4));
    next(added('a', 7)); // 5 and 6 lost on the way
    next(added('b', 8));
    await settle();
    expect(t.seen).toEqual(['a:4', 'a:5', 'a:6', 'a:7', 'b:8']);
    expect(t.storage.load()).toEqual({ a: 7, b: 8 });
    expect(t.server.calls.filter((c) => c.operation === 'Messages')[0]!.variables).toMatchObject({
      conversationId: 'a',
      after: 4,
      first: 2,
    });
  });

  it('turns ResyncRequired into the typed callback and continues from the fetched lastSeq', async () => {
    const t = setup({ a: 3, gone: 2 });
    await t.follower.start();
    const next = (e: StreamEvent) => t.socket.sink().next({ data: { chatEvents: e } });
    next({ __typename: 'ResyncRequired', conversationId: 'b', reason: 'TOO_FAR_BEHIND' });
    next({ __typename: 'ResyncRequired', conversationId: 'gone', reason: 'NOT_A_MEMBER' });
    await settle();
    expect(
      t.resyncs.map(({ conversationId, reason, fromSeq, conversation: c }) => ({
        conversationId,
        reason,
        fromSeq,
        lastSeq: c?.lastSeq ?? null,
      })),
    ).toEqual([
      { conversationId: 'b', reason: 'TOO_FAR_BEHIND', fromSeq: 7, lastSeq: 50 },
      { conversationId: 'gone', reason: 'NOT_A_MEMBER', fromSeq: 2, lastSeq: null },
    ]);
    expect(t.storage.load()).toEqual({ a: 3, b: 50 });
  });

  it('drops a conversation on the caller’s own removal, restarts it on re-adding, and survives a throwing handler', async () => {
    const t = setup({});
    await t.follower.start();
    const next = (e: StreamEvent) => t.socket.sink().next({ data: { chatEvents: e } });
    const membership = (change: string, seq: number) =>
      ({
        __typename: 'MembershipChanged',
        seq,
        userId: 'me',
        change,
        conversation: conversation('a', seq),
      }) as unknown as StreamEvent;
    next(membership('REMOVED', 11));
    await settle();
    expect(t.storage.load()).toEqual({ b: 7 });
    next(membership('ADDED', 30));
    next({ __typename: 'MessageAdded', seq: 31, message: message('a', 31, 'boom') } as StreamEvent);
    next(added('a', 32));
    await settle();
    expect(t.seen).toEqual(['a:REMOVED', 'a:ADDED', 'a:32']);
    expect(t.errors).toHaveLength(1);
    expect(t.storage.load()).toEqual({ a: 32, b: 7 });
    await t.follower.stop();
  });

  it('starts from the application’s seeds without listing, and names the stream by its trusted hash', async () => {
    const t = setup({ a: 3 });
    t.follower.tracker.seedAll([
      ['a', 9], // a stored cursor wins over a seed
      ['c', 4],
    ]);
    await t.follower.start({ seeded: true });
    expect(t.server.calls).toEqual([]);
    const first = t.socket.subscriptions[0]!;
    expect(first.variables).toEqual({
      since: [
        { conversationId: 'a', afterSeq: 3 },
        { conversationId: 'c', afterSeq: 4 },
      ],
    });
    expect(first.extensions).toEqual({
      persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    // Every object carries __typename, so an app can normalize what the events carry.
    expect(first.query).toMatch(/fragment PresenceFields on Presence \{[^}]*__typename/);
    await t.follower.stop();
  });

  it('on each (re)connect follows from its beginning a conversation joined while no subscription was registered', async () => {
    const listed = [conversation('a', 10)];
    const server = fakeServer({
      Conversations: () => ({
        body: {
          data: {
            conversations: {
              edges: listed.map((node) => ({ node })),
              pageInfo: { hasNextPage: false, endCursor: null },
            },
          },
        },
      }),
    });
    const socket = fakeSocket();
    const seen: string[] = [];
    const follower = new Follower(
      {
        http: new GraphqlHttp('http://x/graphql', new TokenSource('t'), server.fetch),
        socket: () => socket.client,
        storage: new MemoryCursorStorage(),
        myUserId: async () => 'me',
        onUnauthenticated: () => undefined,
      },
      { message: (e) => void seen.push(`${e.message.conversationId}:${e.seq}`) },
    );
    await follower.start();
    follower.connected();
    await settle();
    expect(socket.subscriptions).toHaveLength(1); // nothing new: the subscription stays
    listed.push(conversation('n', 2)); // joined before the server registered the subscription
    follower.connected();
    await settle();
    expect(socket.subscriptions.at(-1)!.variables).toEqual({
      since: [
        { conversationId: 'a', afterSeq: 10 },
        { conversationId: 'n', afterSeq: 0 },
      ],
    });
    const next = (e: StreamEvent) => socket.sink().next({ data: { chatEvents: e } });
    next(added('n', 1));
    next(added('n', 2));
    next(added('n', 2));
    await settle();
    expect(seen).toEqual(['n:1', 'n:2']);
    await follower.stop();
  });
});
