import { ApiProcess, gql, ok, Session, sleep } from '../support';

export const EVENT_FIELDS = `
  __typename
  ... on MessageAdded { seq message { id seq body editedAt deletedAt sender { id } reactions { emoji count } } }
  ... on MessageUpdated { seq message { id seq body editedAt deletedAt reactions { emoji count } } }
  ... on ReadReceipt { conversationId userId seq }
  ... on ConversationChanged { logSeq conversation { id title muted } }
  ... on MembershipChanged { seq userId change conversation { id } }
  ... on TypingChanged { conversationId typing user { id } }
  ... on PresenceChanged { user { id presence { status lastSeenAt } } }
  ... on ResyncRequired { conversationId reason }
`;

export const STREAM = `subscription($since:[ConversationCursorInput!]) { chatEvents(since:$since) { ${EVENT_FIELDS} } }`;

export interface Ev {
  chatEvents: {
    __typename: string;
    seq?: number | null;
    logSeq?: number | null;
    message?: {
      id: string;
      seq: number;
      body: string | null;
      editedAt: string | null;
      deletedAt: string | null;
      reactions: { emoji: string; count: number }[];
    };
    conversation?: { id: string; title?: string | null; muted?: boolean };
    conversationId?: string;
    userId?: string;
    change?: string;
    typing?: boolean;
    reason?: string;
    user?: { id: string; presence?: { status: string; lastSeenAt: string | null } };
  };
}

export const ofType = (items: Ev[], type: string) =>
  items.filter((i) => i.chatEvents.__typename === type).map((i) => i.chatEvents);

export async function group(
  api: ApiProcess,
  owner: Session,
  members: Session[],
  title = 'Team',
): Promise<string> {
  const data = await ok<{ createGroup: { id: string } }>(
    api,
    'mutation($t:String!,$m:[ID!]!){ createGroup(input:{title:$t, memberIds:$m}){ id } }',
    { t: title, m: members.map((m) => m.userId) },
    owner.accessToken,
  );
  return data.createGroup.id;
}

let counter = 0;
/** Sends like a well-behaved client: a RATE_LIMITED answer is retried after its hint. */
export async function send(
  api: ApiProcess,
  who: Session,
  conversationId: string,
  body: string,
): Promise<{ id: string; seq: number }> {
  const key = `k-${process.pid}-${++counter}`;
  for (let attempt = 0; ; attempt++) {
    const result = await gql<{ sendMessage: { id: string; seq: number } }>(
      api,
      'mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ id seq } }',
      { c: conversationId, k: key, b: body },
      who.accessToken,
    );
    if (result.data?.sendMessage) return result.data.sendMessage;
    const error = result.errors?.[0];
    if (error?.extensions?.code !== 'RATE_LIMITED' || attempt >= 3)
      throw new Error(`sendMessage failed: ${JSON.stringify(result.errors)}`);
    await sleep(Number(error.extensions.retryAfterSeconds ?? 1) * 1000);
  }
}

export interface MessageState {
  id: string;
  seq: number;
  body: string | null;
  editedAt: string | null;
  deletedAt: string | null;
  reactions: { emoji: string; count: number }[];
}

export async function history(
  api: ApiProcess,
  who: Session,
  conversationId: string,
): Promise<MessageState[]> {
  const all: MessageState[] = [];
  let after = 0;
  for (;;) {
    const data = await ok<{
      messages: { edges: { node: MessageState }[]; pageInfo: { hasNextPage: boolean } };
    }>(
      api,
      'query($c:ID!,$a:Int){ messages(conversationId:$c, first:100, after:$a){ edges { node { id seq body editedAt deletedAt reactions { emoji count } } } pageInfo { hasNextPage } } }',
      { c: conversationId, a: after },
      who.accessToken,
    );
    all.push(...data.messages.edges.map((e) => e.node));
    if (!data.messages.pageInfo.hasNextPage || data.messages.edges.length === 0) return all;
    after = all[all.length - 1]!.seq;
  }
}

/**
 * Waits until a stream is live: a probe message sent into a conversation the stream follows
 * arrives (live topics are subscribed before anything is delivered, so one delivery proves it).
 */
export async function probe(
  api: ApiProcess,
  sender: Session,
  conversationId: string,
  stream: { until(p: (items: Ev[]) => boolean, timeoutMs?: number, what?: string): Promise<Ev[]> },
): Promise<number> {
  const sent = await send(
    api,
    sender,
    conversationId,
    `probe ${Math.random().toString(36).slice(2)}`,
  );
  await stream.until(
    (items) => ofType(items, 'MessageAdded').some((e) => e.message?.id === sent.id),
    15_000,
    'the probe message',
  );
  return sent.seq;
}
