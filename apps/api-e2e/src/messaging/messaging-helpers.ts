import { expect } from 'vitest';
import { ApiProcess, appUser as createAppUser, dataOf, gql, GqlResult, ok } from '../support';
import { startBuiltApi } from '../identity/identity-helpers';

export {
  expectCode,
  expectNoUnexpectedErrors,
  expectOneOf,
  RANDOM_ID,
} from '../identity/identity-helpers';

export const ADMIN_TOKEN = 'e2e-admin-token-messaging-0123456789';
export const DEFAULT_SECRET = 'e2e-messaging-default-secret-0123456789abcdef';

/** An API whose users come from app-issued tokens (no SMS round trips, no code rate limits). */
export function startMessagingApi(env: Record<string, string> = {}): Promise<ApiProcess> {
  return startBuiltApi({ ADMIN_TOKEN, DEFAULT_TENANT_SECRET: DEFAULT_SECRET, ...env });
}

export interface User {
  token: string;
  id: string;
  name: string;
}

/** A user of `tenant`, created on first use of an app-issued token. */
export async function appUser(
  api: ApiProcess,
  name: string,
  tenant = 'default',
  secret = DEFAULT_SECRET,
): Promise<User> {
  const session = await createAppUser(api, name, secret, tenant);
  return { token: session.accessToken, id: session.userId, name };
}

/** Creates a tenant through the admin API and returns its signing secret. */
export async function createTenant(api: ApiProcess, id: string): Promise<string> {
  const result = await gql(
    api,
    'mutation($id:ID!){ createTenant(id:$id, name:"Other tenant"){ signingSecret } }',
    { id },
    undefined,
    { 'x-admin-token': ADMIN_TOKEN },
  );
  return dataOf(result).createTenant.signingSecret as string;
}

export const MESSAGE_FIELDS =
  'id conversationId seq clientMessageId body editedAt deletedAt createdAt readBy sender { id } replyTo { id body } reactions { emoji count reactedByMe }';

export interface Msg {
  id: string;
  conversationId: string;
  seq: number;
  clientMessageId: string | null;
  body: string | null;
  editedAt: string | null;
  deletedAt: string | null;
  createdAt: string;
  readBy: number;
  sender: { id: string };
  replyTo: { id: string; body: string | null } | null;
  reactions: { emoji: string; count: number; reactedByMe: boolean }[];
}

const SEND = `mutation($c:ID!,$k:String!,$b:String!,$r:ID){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b, replyToId:$r}){ ${MESSAGE_FIELDS} } }`;

let counter = 0;
export const newClientId = () => `m-${process.pid}-${++counter}-${Date.now().toString(36)}`;

export function send(
  api: ApiProcess,
  who: User,
  conversationId: string,
  body: string,
  options: { clientMessageId?: string; replyToId?: string | null } = {},
): Promise<GqlResult<{ sendMessage: Msg }>> {
  return gql<{ sendMessage: Msg }>(
    api,
    SEND,
    {
      c: conversationId,
      k: options.clientMessageId ?? newClientId(),
      b: body,
      r: options.replyToId ?? null,
    },
    who.token,
  );
}

/** Sends and fails the test on error. */
export async function post(
  api: ApiProcess,
  who: User,
  conversationId: string,
  body: string,
  replyToId?: string,
): Promise<Msg> {
  const result = await send(api, who, conversationId, body, { replyToId });
  if (result.errors || !result.data)
    throw new Error(`send failed: ${JSON.stringify(result.errors)}`);
  return result.data.sendMessage;
}

/** Every message of a conversation, oldest first, paged forward with first/after. */
export async function allMessages(
  api: ApiProcess,
  who: User,
  conversationId: string,
  pageSize = 50,
): Promise<Msg[]> {
  const out: Msg[] = [];
  let after = 0;
  for (let page = 0; page < 1000; page++) {
    const data = await ok<{
      messages: { edges: { cursor: string; node: Msg }[]; pageInfo: { hasNextPage: boolean } };
    }>(
      api,
      `query($c:ID!,$f:Int,$a:Int){ messages(conversationId:$c, first:$f, after:$a){ edges { cursor node { ${MESSAGE_FIELDS} } } pageInfo { hasNextPage } } }`,
      { c: conversationId, f: pageSize, a: after },
      who.token,
    );
    out.push(...data.messages.edges.map((e) => e.node));
    if (!data.messages.pageInfo.hasNextPage || data.messages.edges.length === 0) break;
    after = data.messages.edges.at(-1)!.node.seq;
  }
  return out;
}

export async function openDm(api: ApiProcess, a: User, b: User): Promise<string> {
  const data = await ok<{ openDirectConversation: { id: string } }>(
    api,
    'mutation($u:ID!){ openDirectConversation(userId:$u){ id } }',
    { u: b.id },
    a.token,
  );
  return data.openDirectConversation.id;
}

export async function createGroup(
  api: ApiProcess,
  owner: User,
  members: User[],
  title = 'Group',
): Promise<string> {
  const data = await ok<{ createGroup: { id: string } }>(
    api,
    'mutation($t:String!,$m:[ID!]!){ createGroup(input:{title:$t, memberIds:$m}){ id } }',
    { t: title, m: members.map((m) => m.id) },
    owner.token,
  );
  return data.createGroup.id;
}

export const CONVERSATION_FIELDS =
  'id kind title lastSeq readSeq unreadCount myRole muted pinned archived memberCount lastMessage { id body }';
const WITH_MEMBERS = `${CONVERSATION_FIELDS} members(first: 50) { edges { node { role user { id } } } }`;

export interface Conv {
  id: string;
  kind: string;
  title: string | null;
  lastSeq: number;
  readSeq: number;
  unreadCount: number;
  myRole: string | null;
  muted: boolean;
  pinned: boolean;
  archived: boolean;
  memberCount: number;
  lastMessage: { id: string; body: string | null } | null;
  members?: { edges: { node: { role: string; user: { id: string } } }[] };
}

export async function conversation(api: ApiProcess, who: User, id: string): Promise<Conv | null> {
  const data = await ok<{ conversation: Conv | null }>(
    api,
    `query($id:ID!){ conversation(id:$id){ ${WITH_MEMBERS} } }`,
    { id },
    who.token,
  );
  return data.conversation;
}

export async function conversations(api: ApiProcess, who: User): Promise<Conv[]> {
  const data = await ok<{ conversations: { edges: { node: Conv }[] } }>(
    api,
    `{ conversations(first: 50){ edges { node { ${CONVERSATION_FIELDS} } } } }`,
    {},
    who.token,
  );
  return data.conversations.edges.map((e) => e.node);
}

export const roles = (c: Conv) =>
  Object.fromEntries((c.members?.edges ?? []).map((e) => [e.node.user.id, e.node.role]));

/** Asserts two refusals are indistinguishable (same errors, same data). */
export function expectSameAnswer(a: GqlResult<unknown>, b: GqlResult<unknown>): void {
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
}
