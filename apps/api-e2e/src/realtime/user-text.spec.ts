import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedText, userText } from '@chatter/testing';
import {
  ApiProcess,
  Collector,
  gql,
  GqlResult,
  ok,
  Session,
  signUp,
  startApi,
  wsClient,
} from '../support';
import { group } from './realtime-helpers';
import { RawSocket } from './raw-socket';

/**
 * User text through every delivery path: arbitrary Unicode (with `$` replacement patterns,
 * U+2028/U+2029, astral and combining characters, RTL marks, quotes, backslashes) in every
 * user-controlled text field arrives in valid JSON frames, identical to what an HTTP query
 * returns, over the shared render and the per-viewer render, live and on replay, and in queries
 * and mutations over the socket. Lone surrogates and control characters are refused with
 * BAD_USER_INPUT, over HTTP and over the socket alike. USER_TEXT_RUNS sets the number of runs.
 */
const RUNS = Number(process.env.USER_TEXT_RUNS ?? 5);

const USER_SHARED = 'fragment U on User { id name statusText statusEmoji avatarUrl }';
/** isContact makes a selection viewer-dependent: it is rendered per subscriber. */
const USER_PER_VIEWER = 'fragment U on User { id name statusText statusEmoji avatarUrl isContact }';
const MESSAGE =
  'fragment M on Message { id conversationId seq body editedAt deletedAt createdAt sender { ...U } replyTo { id seq body editedAt sender { ...U } } }';
const EVENTS = `__typename
  ... on MessageAdded { seq message { ...M } }
  ... on MessageUpdated { seq message { ...M } }
  ... on ConversationChanged { logSeq conversation { id title kind } }
  ... on TypingChanged { conversationId typing user { ...U } }`;
const stream = (user: string) =>
  `subscription S($since: [ConversationCursorInput!]) { chatEvents(since: $since) { ${EVENTS} } } ${MESSAGE} ${user}`;
const history = (user: string) =>
  `query H($c: ID!, $a: Int) { messages(conversationId: $c, first: 100, after: $a) { edges { node { ...M } } } } ${MESSAGE} ${user}`;
const profile = (user: string) => `query P($u: ID!) { user(id: $u) { ...U } } ${user}`;
const CONVERSATION = 'query C($c: ID!) { conversation(id: $c) { id title kind } }';

type Json = Record<string, unknown>;
interface ChatEvent {
  __typename: string;
  seq?: number;
  logSeq?: number | null;
  typing?: boolean;
  message?: Json & { id: string; body: string | null; editedAt: string | null };
  conversation?: Json & { title: string | null };
  user?: Json;
}

let api: ApiProcess;
let ada: Session;
let bob: Session;
let cyd: Session;
let dan: Session;
let conv: string;

beforeAll(async () => {
  api = await startApi({ REPLAY_LIMIT: '1000', TYPING_TTL_MS: '60000' });
  [ada, bob, cyd, dan] = [
    await signUp(api, 'Ada'),
    await signUp(api, 'Bob'),
    await signUp(api, 'Cyd'),
    await signUp(api, 'Dan'),
  ];
  conv = await group(api, ada, [bob, cyd, dan], 'Texts');
});
afterAll(async () => {
  await api?.stop();
});

/** One subscriber: who, over which client, with which selection. */
interface Viewer {
  who: Session;
  user: string;
  events(): ChatEvent[];
  problems(): unknown[];
}

function rawViewer(who: Session, user: string, socket: RawSocket, id: string): Viewer {
  return {
    who,
    user,
    events: () => socket.results<{ chatEvents: ChatEvent }>(id).map((r) => r.data!.chatEvents),
    problems: () => [
      ...socket.invalid,
      ...socket.results(id).flatMap((r) => r.errors ?? []),
      ...(socket.closed ? [socket.closed] : []),
    ],
  };
}

async function waitFor(
  viewer: Viewer,
  from: number,
  what: string,
  predicate: (e: ChatEvent) => boolean,
): Promise<ChatEvent> {
  const end = Date.now() + 15_000;
  for (;;) {
    const found = viewer.events().slice(from).find(predicate);
    if (found) return found;
    if (viewer.problems().length > 0)
      throw new Error(`${viewer.who.name}: ${JSON.stringify(viewer.problems()).slice(0, 1000)}`);
    if (Date.now() > end) throw new Error(`${viewer.who.name} timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const data = <T>(
  result: GqlResult<T> | { data?: T | null; errors?: unknown[] },
  what: string,
): T => {
  if (result.errors?.length || !result.data)
    throw new Error(`${what}: ${JSON.stringify(result.errors)}`);
  return result.data;
};

describe('user text: exact through every delivery path', () => {
  it('arrives byte-identical to HTTP, in valid JSON frames, shared and per viewer, live, on replay and over the socket', async () => {
    const adaSocket = await RawSocket.open(api, ada.accessToken);
    const bobSocket = await RawSocket.open(api, bob.accessToken);
    const cydSocket = await RawSocket.open(api, cyd.accessToken);
    const since = [{ conversationId: conv, afterSeq: 0 }];
    const viewers: Viewer[] = [
      rawViewer(bob, USER_SHARED, bobSocket, bobSocket.subscribe(stream(USER_SHARED), { since })),
      rawViewer(
        cyd,
        USER_PER_VIEWER,
        cydSocket,
        cydSocket.subscribe(stream(USER_PER_VIEWER), { since }),
      ),
    ];
    // The official client too: on a malformed frame it closes the socket (4400) and errors.
    const danClient = wsClient(api, dan.accessToken);
    const danStream = new Collector<{ chatEvents: ChatEvent }>(danClient, stream(USER_SHARED), {
      since,
    });
    viewers.push({
      who: dan,
      user: USER_SHARED,
      events: () => danStream.items.map((i) => i.chatEvents),
      problems: () => [...danStream.errors, ...(danStream.completed ? ['completed'] : [])],
    });

    // Mutations go over HTTP or over ada's socket, alternately.
    let run = 0;
    const mutate = async <T>(query: string, variables: Json, overSocket: boolean): Promise<T> =>
      overSocket
        ? data(await adaSocket.request<T>(query, variables), query)
        : ok<T>(api, query, variables, ada.accessToken);
    const httpAs = async <T>(who: Session, query: string, variables: Json) =>
      ok<T>(api, query, variables, who.accessToken);

    await fc.assert(
      fc.asyncProperty(
        fc.record({
          body: userText({ maxPieces: 10 }),
          edited: userText({ maxPieces: 10 }),
          reply: userText({ maxPieces: 10 }),
          name: userText({ singleLine: true, maxCodePoints: 64 }),
          title: userText({ singleLine: true, maxCodePoints: 100 }),
          statusText: userText({ singleLine: true, maxCodePoints: 140 }),
          // A status emoji is exactly one emoji (keycaps, flags, ZWJ and skin-tone sequences).
          statusEmoji: fc.constantFrom('⛵', '1️⃣', '🇯🇵', '👨‍👩‍👧', '🏳️‍🌈', '👍🏽', '❤'),
        }),
        async (t) => {
          const overSocket = run++ % 2 === 1;
          const marks = viewers.map((v) => v.events().length);

          await mutate(
            'mutation($n:String,$s:String,$e:String){ updateProfile(input:{name:$n, statusText:$s, statusEmoji:$e}){ id } }',
            { n: t.name, s: t.statusText, e: t.statusEmoji },
            overSocket,
          );
          const updated = await mutate<{ updateConversation: { title: string } }>(
            'mutation($c:ID!,$t:String){ updateConversation(input:{conversationId:$c, title:$t}){ title } }',
            { c: conv, t: t.title },
            !overSocket,
          );
          expect(updated.updateConversation.title).toBe(t.title.trim());
          for (const [i, v] of viewers.entries()) {
            const changed = await waitFor(
              v,
              marks[i]!,
              'the title change',
              (e) =>
                e.__typename === 'ConversationChanged' && e.conversation?.title === t.title.trim(),
            );
            expect(changed.conversation).toEqual(
              (await httpAs<{ conversation: Json }>(v.who, CONVERSATION, { c: conv })).conversation,
            );
          }

          await mutate(
            'mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }',
            { c: conv },
            overSocket,
          );
          for (const [i, v] of viewers.entries()) {
            const typing = await waitFor(
              v,
              marks[i]!,
              'typing',
              (e) => e.__typename === 'TypingChanged' && e.typing === true,
            );
            const expected = (
              await httpAs<{ user: Json }>(v.who, profile(v.user), { u: ada.userId })
            ).user;
            expect(typing.user).toEqual(expected);
            expect(expected.name).toBe(t.name.trim());
            expect(expected.statusText).toBe(t.statusText.trim());
            expect(expected.statusEmoji).toBe(t.statusEmoji.trim());
          }
          await mutate(
            'mutation($c:ID!){ setTyping(conversationId:$c, typing:false) }',
            { c: conv },
            overSocket,
          );
          for (const [i, v] of viewers.entries())
            await waitFor(
              v,
              marks[i]!,
              'typing stopped',
              (e) => e.__typename === 'TypingChanged' && e.typing === false,
            );

          const send =
            'mutation($c:ID!,$k:String!,$b:String!,$r:ID){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b, replyToId:$r}){ id seq body } }';
          const target = (
            await mutate<{ sendMessage: { id: string; seq: number; body: string } }>(
              send,
              { c: conv, k: `t-${run}-${Date.now()}`, b: t.reply, r: null },
              overSocket,
            )
          ).sendMessage;
          const sent = (
            await mutate<{ sendMessage: { id: string; seq: number; body: string } }>(
              send,
              { c: conv, k: `m-${run}-${Date.now()}`, b: t.body, r: target.id },
              !overSocket,
            )
          ).sendMessage;
          expect([target.body, sent.body]).toEqual([t.reply, t.body]); // kept verbatim
          for (const [i, v] of viewers.entries()) {
            const nodes = (
              await httpAs<{ messages: { edges: { node: Json & { id: string } }[] } }>(
                v.who,
                history(v.user),
                { c: conv, a: target.seq - 1 },
              )
            ).messages.edges.map((e) => e.node);
            for (const id of [target.id, sent.id]) {
              const added = await waitFor(
                v,
                marks[i]!,
                `message ${id}`,
                (e) => e.__typename === 'MessageAdded' && e.message?.id === id,
              );
              expect(added.message, `${v.who.name} MessageAdded`).toEqual(
                nodes.find((n) => n.id === id),
              );
            }
            expect((nodes.find((n) => n.id === sent.id)!.replyTo as Json).body).toBe(t.reply);
          }

          await mutate(
            'mutation($id:ID!,$b:String!){ editMessage(id:$id, body:$b){ id } }',
            { id: sent.id, b: t.edited },
            overSocket,
          );
          for (const [i, v] of viewers.entries()) {
            const updatedEvent = await waitFor(
              v,
              marks[i]!,
              'the edit',
              (e) =>
                e.__typename === 'MessageUpdated' &&
                e.message?.id === sent.id &&
                e.message.editedAt !== null,
            );
            const nodes = (
              await httpAs<{ messages: { edges: { node: Json & { id: string } }[] } }>(
                v.who,
                history(v.user),
                { c: conv, a: sent.seq - 1 },
              )
            ).messages.edges.map((e) => e.node);
            expect(updatedEvent.message, `${v.who.name} MessageUpdated`).toEqual(
              nodes.find((n) => n.id === sent.id),
            );
            expect(updatedEvent.message!.body).toBe(t.edited);
          }

          // A query over the socket answers exactly what HTTP answers.
          const overWs = data(
            await bobSocket.request(history(USER_SHARED), { c: conv, a: target.seq - 1 }),
            'history over the socket',
          );
          expect(overWs).toEqual(
            await httpAs(bob, history(USER_SHARED), { c: conv, a: target.seq - 1 }),
          );
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );

    // Replay on resume: a fresh stream from the start ends with what HTTP shows, in valid frames.
    for (const [who, user] of [
      [bob, USER_SHARED],
      [cyd, USER_PER_VIEWER],
    ] as const) {
      const socket = await RawSocket.open(api, who.accessToken);
      const viewer = rawViewer(who, user, socket, socket.subscribe(stream(user), { since }));
      const nodes = (
        await httpAs<{ messages: { edges: { node: Json & { id: string } }[] } }>(
          who,
          history(user),
          { c: conv, a: 0 },
        )
      ).messages.edges.map((e) => e.node);
      await waitFor(
        viewer,
        0,
        'the replay of the last message',
        (e) => e.message?.id === nodes[nodes.length - 1]!.id && e.__typename === 'MessageUpdated',
      );
      const last = new Map<string, Json>();
      for (const e of viewer.events()) if (e.message) last.set(e.message.id, e.message);
      for (const node of nodes)
        expect(last.get(node.id), `${who.name} replayed ${node.id}`).toEqual(node);
      expect(viewer.problems()).toEqual([]);
      await socket.close();
    }

    for (const v of viewers) expect(v.problems(), v.who.name).toEqual([]);
    danStream.stop();
    await danClient.dispose();
    await Promise.all([adaSocket.close(), bobSocket.close(), cydSocket.close()]);
  });

  it('refuses lone surrogates and control characters in every text field with BAD_USER_INPUT, over HTTP and over the socket', async () => {
    const socket = await RawSocket.open(api, ada.accessToken);
    const sent = await ok<{ sendMessage: { id: string } }>(
      api,
      'mutation($c:ID!){ sendMessage(input:{conversationId:$c, clientMessageId:"refusal-target", body:"ok"}){ id } }',
      { c: conv },
      ada.accessToken,
    );
    const operations: [string, (bad: string) => Json][] = [
      [
        'mutation($c:ID!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:"refused", body:$b}){ id } }',
        (b) => ({ c: conv, b }),
      ],
      [
        'mutation($id:ID!,$b:String!){ editMessage(id:$id, body:$b){ id } }',
        (b) => ({ id: sent.sendMessage.id, b }),
      ],
      ['mutation($b:String){ updateProfile(input:{name:$b}){ id } }', (b) => ({ b })],
      ['mutation($b:String){ updateProfile(input:{statusText:$b}){ id } }', (b) => ({ b })],
      ['mutation($b:String){ updateProfile(input:{statusEmoji:$b}){ id } }', (b) => ({ b })],
      [
        'mutation($c:ID!,$b:String){ updateConversation(input:{conversationId:$c, title:$b}){ id } }',
        (b) => ({ c: conv, b }),
      ],
      [
        'mutation($b:String!,$m:[ID!]!){ createGroup(input:{title:$b, memberIds:$m}){ id } }',
        (b) => ({ b, m: [bob.userId] }),
      ],
      ['mutation($b:String!){ createChannel(input:{title:$b}){ id } }', (b) => ({ b })],
    ];
    for (const bad of fc.sample(refusedText(), { numRuns: 3, seed: 27 })) {
      for (const [query, variables] of operations) {
        const http = await gql(api, query, variables(bad), ada.accessToken);
        expect(
          http.errors?.[0]?.extensions?.code,
          `${query} over HTTP with ${JSON.stringify(bad)}`,
        ).toBe('BAD_USER_INPUT');
        const ws = await socket.request(query, variables(bad));
        expect(
          ws.errors?.[0]?.extensions?.code,
          `${query} over the socket with ${JSON.stringify(bad)}`,
        ).toBe('BAD_USER_INPUT');
      }
    }
    expect(socket.invalid).toEqual([]);
    await socket.close();
  });
});
