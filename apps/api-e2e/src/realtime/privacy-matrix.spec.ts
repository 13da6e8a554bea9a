import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  getNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, ok, Session, signUp, startApi } from '../support';
import { group } from './realtime-helpers';
import { RawSocket } from './raw-socket';

/**
 * The privacy matrix: four subscribers with different relations to a sender subscribe with a
 * selection that reaches every type and field available from `chatEvents`; whatever each one
 * receives equals what the same user's HTTP query returns for the same objects. A shared render
 * that leaked one viewer's view (phone, presence, isContact, isBlocked, reactedByMe, my
 * settings…) to another would differ from that viewer's HTTP answer.
 */
const schema: GraphQLSchema = buildSchema(
  readFileSync(join(__dirname, '../../../../schema.graphql'), 'utf8'),
);

/**
 * Every field of a type except `skip`; object fields expanded in full, except a type already on
 * the path (leaves only, to end cycles).
 */
function selectionOf(
  typeName: string,
  skip: ReadonlySet<string>,
  path: string[] = [typeName],
): string {
  const type = schema.getType(typeName);
  if (!type || !isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return Object.values(type.getFields())
    .filter(
      (f) =>
        !skip.has(`${type.name}.${f.name}`) &&
        !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined),
    )
    .map((f) => {
      const named = getNamedType(f.type);
      if (isLeafType(named)) return f.name;
      if (path.includes(named.name))
        return `${f.name} { ${leavesOf(named as GraphQLObjectType, skip)} }`;
      return `${f.name} { ${selectionOf(named.name, skip, [...path, named.name])} }`;
    })
    .join(' ');
}
const leavesOf = (type: GraphQLObjectType, skip: ReadonlySet<string>) =>
  Object.values(type.getFields())
    .filter(
      (f) =>
        !skip.has(`${type.name}.${f.name}`) &&
        isLeafType(getNamedType(f.type)) &&
        !f.args.some((a) => isNonNullType(a.type)),
    )
    .map((f) => f.name)
    .join(' ');

interface Selections {
  name: string;
  stream: string;
  /** The HTTP queries answering the same selection of the same objects. */
  messages: string;
  conversation: string;
  user: string;
}

function selections(name: string, skip: ReadonlySet<string>): Selections {
  const chatEvent = schema.getType('ChatEvent');
  if (!isUnionType(chatEvent)) throw new Error('ChatEvent is not a union');
  const events = chatEvent
    .getTypes()
    .map((t) => `... on ${t.name} { ${selectionOf(t.name, skip)} }`)
    .join(' ');
  return {
    name,
    stream: `subscription($since: [ConversationCursorInput!]) { chatEvents(since: $since) { __typename ${events} } }`,
    messages: `query($c: ID!, $a: Int) { messages(conversationId: $c, first: 20, after: $a) { edges { node { ${selectionOf('Message', skip)} } } } }`,
    conversation: `query($c: ID!) { conversation(id: $c) { ${selectionOf('Conversation', skip)} } }`,
    user: `query($u: ID!) { user(id: $u) { ${selectionOf('User', skip)} } }`,
  };
}

/** Everything: rendered per subscriber. */
const FULL = selections('full', new Set());
/**
 * Everything but the fields known to depend on the viewer: rendered once and shared by all four.
 * A per-viewer field added without a declaration lands in this selection, is shared, and then
 * differs from some viewer's HTTP answer.
 */
const SHARED = selections(
  'shared',
  new Set([
    'User.phone',
    'User.presence',
    'User.lastSeenAt',
    'User.presencePrivacy',
    'User.isContact',
    'User.isBlocked',
    'Message.clientMessageId',
    'Message.reactions',
    'Conversation.myRole',
    'Conversation.muted',
    'Conversation.pinned',
    'Conversation.archived',
    'Conversation.readSeq',
    'Conversation.unreadCount',
    'Conversation.otherUser',
    'Conversation.members',
    'Conversation.lastMessage',
  ]),
);
const VARIANTS = [FULL, SHARED];

type Json = Record<string, unknown>;

/**
 * An online user's presence.lastSeenAt moves with each of their actions (sending marks them
 * active), so between a render and the HTTP query it may legitimately differ: compared is
 * whether the viewer may see it, not the instant.
 */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Json).map(([k, v]) => [k, comparable(v)] as const);
  const out = Object.fromEntries(entries) as Json;
  if ('status' in out && 'lastSeenAt' in out && out.status === 'ONLINE')
    out.lastSeenAt = out.lastSeenAt === null ? null : 'visible';
  return out;
}
type Event = Json & {
  __typename: string;
  message?: Json & { id: string };
  conversation?: Json & { id: string };
  user?: Json & { id: string };
  typing?: boolean;
};

let api: ApiProcess;
let ada: Session; // the sender
let bob: Session; // ada's contact (both ways), while ada's presence is CONTACTS-only
let cyd: Session; // a stranger
let dan: Session; // blocked ada
let eve: Session;
let conv: string;

beforeAll(async () => {
  api = await startApi({ AWAY_AFTER_MS: '600000', TYPING_TTL_MS: '60000' });
  [ada, bob, cyd, dan, eve] = [
    await signUp(api, 'Ada'),
    await signUp(api, 'Bob'),
    await signUp(api, 'Cyd'),
    await signUp(api, 'Dan'),
    await signUp(api, 'Eve'),
  ];
  await ok(
    api,
    'mutation($p:String!){ addContact(phone:$p){ addedAt } }',
    { p: bob.phone },
    ada.accessToken,
  );
  await ok(
    api,
    'mutation($p:String!){ addContact(phone:$p){ addedAt } }',
    { p: ada.phone },
    bob.accessToken,
  );
  await ok(
    api,
    'mutation { updateProfile(input:{presencePrivacy: CONTACTS, statusText: "on a $& trip", statusEmoji: "🧭"}){ id } }',
    {},
    ada.accessToken,
  );
  // Dan joins before he blocks Ada: nobody can add a blocked or blocking user to a group.
  conv = await group(api, ada, [bob, cyd, dan], 'Matrix');
  await ok(api, 'mutation($u:ID!){ blockUser(userId:$u) }', { u: ada.userId }, dan.accessToken);
});
afterAll(async () => {
  await api?.stop();
});

describe('privacy matrix: every field of chatEvents, per relation to the sender', () => {
  it('selects every type and field reachable from chatEvents', () => {
    const seen = new Set<string>();
    const typeInfo = new TypeInfo(schema);
    visit(
      parse(FULL.stream),
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (parent && !node.name.value.startsWith('__'))
            seen.add(`${parent.name}.${node.name.value}`);
        },
      }),
    );
    const reachable = new Set<string>();
    const walk = (name: string) => {
      const type = schema.getType(name);
      if (isUnionType(type)) return type.getTypes().forEach((t) => walk(t.name));
      if (!isObjectType(type)) return;
      for (const f of Object.values(type.getFields())) {
        const key = `${type.name}.${f.name}`;
        if (reachable.has(key)) continue;
        reachable.add(key);
        walk(getNamedType(f.type).name);
      }
    };
    walk('ChatEvent');
    expect([...reachable].filter((f) => !seen.has(f))).toEqual([]);
    expect(reachable.size).toBeGreaterThan(60);
  });

  it('gives each subscriber exactly what its own HTTP query shows, per viewer and shared', async () => {
    const people = [ada, bob, cyd, dan];
    const sockets = new Map<Session, { socket: RawSocket; ids: Map<Selections, string> }>();
    // Watchers first, the sender last: her connecting is a presence change they may see.
    for (const who of [bob, cyd, dan, ada]) {
      const socket = await RawSocket.open(api, who.accessToken);
      const since = [{ conversationId: conv, afterSeq: 0 }];
      sockets.set(who, {
        socket,
        ids: new Map(VARIANTS.map((v) => [v, socket.subscribe(v.stream, { since })])),
      });
    }
    const events = (who: Session, variant: Selections): Event[] => {
      const { socket, ids } = sockets.get(who)!;
      return socket.results<{ chatEvents: Event }>(ids.get(variant)!).map((r) => {
        if (r.errors?.length || !r.data)
          throw new Error(`${who.name}: ${JSON.stringify(r.errors)}`);
        return r.data.chatEvents;
      });
    };
    const marks = new Map<string, number>();
    const mark = () => {
      for (const who of people)
        for (const v of VARIANTS) marks.set(`${who.userId}|${v.name}`, events(who, v).length);
    };
    /**
     * Waits for the event on both of a subscriber's selections, and checks each against HTTP.
     * Returns the event as the full selection received it (later events, such as a presence
     * change, may already follow it on the stream).
     */
    const check = async (
      who: Session,
      what: string,
      predicate: (e: Event) => boolean,
      http: (v: Selections, e: Event) => Promise<[unknown, unknown]>,
      fromStart = false,
    ): Promise<Event> => {
      let full: Event | undefined;
      for (const v of VARIANTS) {
        const { socket } = sockets.get(who)!;
        const from = fromStart ? 0 : (marks.get(`${who.userId}|${v.name}`) ?? 0);
        let found: Event | undefined;
        await socket.until(
          () => (found = events(who, v).slice(from).find(predicate)) !== undefined,
          15_000,
          `${who.name} (${v.name}): ${what}`,
        );
        const [got, expected] = await http(v, found!);
        expect(comparable(got), `${who.name} (${v.name}) ${what}`).toEqual(comparable(expected));
        if (v === FULL) full = found;
      }
      return full!;
    };
    const query = <T>(who: Session, q: string, variables: Json) =>
      ok<T>(api, q, variables, who.accessToken);
    const messageAsSeenBy = async (who: Session, v: Selections, id: string) =>
      (
        await query<{ messages: { edges: { node: Json & { id: string } }[] } }>(who, v.messages, {
          c: conv,
          a: 0,
        })
      ).messages.edges
        .map((e) => e.node)
        .find((n) => n.id === id);
    const conversationAsSeenBy = async (who: Session, v: Selections) =>
      (await query<{ conversation: Json }>(who, v.conversation, { c: conv })).conversation;
    const userAsSeenBy = async (who: Session, v: Selections, id: string) =>
      (await query<{ user: Json }>(who, v.user, { u: id })).user;

    // A message from the sender: everyone in the group gets it, each with their own view of her.
    mark();
    const sent = await ok<{ sendMessage: { id: string } }>(
      api,
      'mutation($c:ID!){ sendMessage(input:{conversationId:$c, clientMessageId:"matrix-1", body:"hi $& all \\u2028 👋"}){ id } }',
      { c: conv },
      ada.accessToken,
    );
    const id = sent.sendMessage.id;
    for (const who of people) {
      await check(
        who,
        'MessageAdded',
        (e) => e.__typename === 'MessageAdded' && e.message?.id === id,
        async (v, e) => [e.message, await messageAsSeenBy(who, v, id)],
      );
    }
    const sender = (who: Session) =>
      events(who, FULL).find((e) => e.message?.id === id)!.message!.sender as Json;
    // The views differ where they must (a shared render would have made them equal).
    expect(sender(ada)).toMatchObject({
      phone: ada.phone,
      presencePrivacy: 'CONTACTS',
      isContact: false,
      isBlocked: false,
    });
    expect(sender(bob)).toMatchObject({
      phone: ada.phone,
      presencePrivacy: null,
      isContact: true,
      isBlocked: false,
      presence: { status: 'ONLINE' },
    });
    expect(sender(cyd)).toMatchObject({
      phone: null,
      presencePrivacy: null,
      isContact: false,
      isBlocked: false,
      presence: { status: 'OFFLINE' },
    });
    expect(sender(dan)).toMatchObject({
      phone: null,
      presencePrivacy: null,
      isContact: false,
      isBlocked: true,
      presence: { status: 'OFFLINE' },
      lastSeenAt: null,
    });

    // Her coming online reaches her contact (CONTACTS privacy), not the stranger or the blocker;
    // every presence change delivered shows what HTTP shows.
    await check(
      bob,
      'her presence',
      (e) => e.__typename === 'PresenceChanged' && e.user?.id === ada.userId,
      async (v, e) => [e.user, await userAsSeenBy(bob, v, ada.userId)],
      true,
    );
    for (const who of [cyd, dan])
      for (const v of VARIANTS)
        expect(
          events(who, v).filter(
            (e) => e.__typename === 'PresenceChanged' && e.user?.id === ada.userId,
          ),
        ).toEqual([]);
    for (const who of people) {
      for (const v of VARIANTS) {
        for (const e of events(who, v).filter((x) => x.__typename === 'PresenceChanged')) {
          expect(comparable(e.user), `${who.name} (${v.name}) PresenceChanged`).toEqual(
            comparable(await userAsSeenBy(who, v, e.user!.id)),
          );
        }
      }
    }

    // Reactions: reactedByMe differs per viewer.
    mark();
    await ok(
      api,
      'mutation($m:ID!){ addReaction(messageId:$m, emoji:"👍"){ id } }',
      { m: id },
      bob.accessToken,
    );
    const reacted = new Map<Session, Event>();
    for (const who of people) {
      reacted.set(
        who,
        await check(
          who,
          'MessageUpdated (reaction)',
          (e) => e.__typename === 'MessageUpdated' && e.message?.id === id,
          async (v, e) => [e.message, await messageAsSeenBy(who, v, id)],
        ),
      );
    }
    expect((reacted.get(bob)!.message!.reactions as Json[])[0]).toMatchObject({
      reactedByMe: true,
    });
    expect((reacted.get(cyd)!.message!.reactions as Json[])[0]).toMatchObject({
      reactedByMe: false,
    });

    // A title change: the conversation as each member sees it (role, unread count, settings…).
    mark();
    await ok(
      api,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, title:"Matrix $\' renamed"}){ id } }',
      { c: conv },
      ada.accessToken,
    );
    const renamed = new Map<Session, Event>();
    for (const who of people) {
      renamed.set(
        who,
        await check(
          who,
          'ConversationChanged',
          (e) =>
            e.__typename === 'ConversationChanged' && e.conversation?.title === "Matrix $' renamed",
          async (v, e) => [e.conversation, await conversationAsSeenBy(who, v)],
        ),
      );
    }
    expect(renamed.get(ada)!.conversation).toMatchObject({ myRole: 'OWNER' });
    expect(renamed.get(bob)!.conversation).toMatchObject({ myRole: 'MEMBER' });

    // My own settings reach only me.
    mark();
    await ok(
      api,
      'mutation($c:ID!){ updateConversation(input:{conversationId:$c, muted:true, pinned:true}){ id } }',
      { c: conv },
      bob.accessToken,
    );
    const mine = await check(
      bob,
      'my settings',
      (e) => e.__typename === 'ConversationChanged' && e.logSeq === null,
      async (v, e) => [e.conversation, await conversationAsSeenBy(bob, v)],
    );
    expect(mine.conversation).toMatchObject({ muted: true, pinned: true });

    // Typing: the sender as each watcher sees her; not to herself, not to whoever blocked her.
    mark();
    await ok(
      api,
      'mutation($c:ID!){ setTyping(conversationId:$c, typing:true) }',
      { c: conv },
      ada.accessToken,
    );
    for (const who of [bob, cyd]) {
      await check(
        who,
        'TypingChanged',
        (e) => e.__typename === 'TypingChanged' && e.typing === true,
        async (v, e) => [e.user, await userAsSeenBy(who, v, ada.userId)],
      );
    }

    // A membership change: the conversation as each member sees it.
    mark();
    await ok(
      api,
      'mutation($c:ID!,$u:[ID!]!){ addMembers(conversationId:$c, userIds:$u){ id } }',
      { c: conv, u: [eve.userId] },
      ada.accessToken,
    );
    for (const who of people) {
      await check(
        who,
        'MembershipChanged',
        (e) => e.__typename === 'MembershipChanged' && e.userId === eve.userId,
        async (v, e) => [e.conversation, await conversationAsSeenBy(who, v)],
      );
    }
    for (const v of VARIANTS) {
      expect(
        events(dan, v).filter((e) => e.__typename === 'TypingChanged' && e.user?.id === ada.userId),
      ).toEqual([]);
      expect(events(ada, v).filter((e) => e.__typename === 'TypingChanged')).toEqual([]);
    }

    for (const { socket } of sockets.values()) {
      expect(socket.invalid).toEqual([]);
      await socket.close();
    }
  });
});
