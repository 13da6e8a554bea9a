// Small, targeted writes into the normalized Apollo cache, shared by live events, gap fills,
// sends and mutations. Each touches only the entities it names: no query is refetched.
// Every cache write of the web app is here (tools/web-cache-writes.spec.ts holds that).
import type { ApolloCache, Reference } from '@apollo/client';
import type { Modifier } from '@apollo/client/cache';
import {
  ConversationFieldsFragmentDoc,
  ConversationsDocument,
  MessageAttachmentFieldsFragmentDoc,
  MessageFieldsFragmentDoc,
  MessagesDocument,
  MyNotificationEmailDocument,
  ThreadRepliesDocument,
  type ChatEventsSubscription,
  type MessageAttachmentFieldsFragment,
  type ConversationFieldsFragment,
  type MessageFieldsFragment,
  type ConversationNoticesQuery,
  type MyNotificationEmailQuery,
} from '@chatter/client';

type Cache = ApolloCache<unknown>;
type ListField = { edges: { node: Reference }[] };

export function conversationCacheId(cache: Cache, id: string): string | undefined {
  return cache.identify({ __typename: 'Conversation', id });
}

/** Whether the message list of a conversation has been loaded (the conversation was opened). */
export function hasMessageList(cache: Cache, conversationId: string): boolean {
  return cache.readQuery({ query: MessagesDocument, variables: { conversationId } }) !== null;
}

export function writeMessage(cache: Cache, message: MessageFieldsFragment): Reference | undefined {
  return cache.writeFragment({
    fragment: MessageFieldsFragmentDoc,
    fragmentName: 'MessageFields',
    data: { ...message, __typename: 'Message' },
  });
}

/** Puts a message into its conversation's list (if loaded), in seq order, at most once. */
export function upsertMessageInList(cache: Cache, message: MessageFieldsFragment): void {
  writeMessage(cache, message);
  if (!hasMessageList(cache, message.conversationId)) return;
  cache.writeQuery({
    query: MessagesDocument,
    variables: { conversationId: message.conversationId, after: message.seq - 1, first: 1 },
    data: {
      messages: {
        __typename: 'MessageConnection',
        edges: [
          {
            __typename: 'MessageEdge',
            cursor: String(message.seq),
            node: { ...message, __typename: 'Message' },
          },
        ],
        pageInfo: { __typename: 'PageInfo', hasNextPage: false, hasPreviousPage: true },
      },
    },
  });
}

/** Updates the conversation's preview, order and unread count for a new message.
 *  Returns false when the conversation is not in the cache. */
export function bumpConversation(
  cache: Cache,
  message: MessageFieldsFragment,
  opts: { mine: boolean; countUnread: boolean },
): boolean {
  const id = conversationCacheId(cache, message.conversationId);
  if (!id) return false;
  const ref = writeMessage(cache, message);
  return cache.modify({
    id,
    fields: {
      lastMessage: (existing: Reference | null, { readField }) => {
        const current = existing ? readField<number>('seq', existing) : undefined;
        return current !== undefined && current > message.seq ? existing : (ref ?? existing);
      },
      lastSeq: (v: number) => Math.max(v, message.seq),
      lastActivityAt: (v: string) => (v && v > message.createdAt ? v : message.createdAt),
      unreadCount: (n: number) => (opts.mine ? n : opts.countUnread ? n + 1 : n),
      unreadMentionCount: (n: number) =>
        !opts.mine && opts.countUnread && message.mentionsMe ? n + 1 : n,
    },
  });
}

export function writeConversation(
  cache: Cache,
  conversation: ConversationFieldsFragment,
): Reference | undefined {
  return cache.writeFragment({
    fragment: ConversationFieldsFragmentDoc,
    fragmentName: 'ConversationFields',
    data: { ...conversation, __typename: 'Conversation' },
  });
}

/** Adds a conversation to the loaded list (if not there yet). */
export function addConversationToList(
  cache: Cache,
  conversation: ConversationFieldsFragment,
): void {
  const ref = writeConversation(cache, conversation);
  if (!ref) return;
  const list = cache.readQuery({ query: ConversationsDocument });
  if (!list) return;
  cache.modify({
    id: 'ROOT_QUERY',
    fields: {
      conversations: ((existing: ListField | undefined) => {
        if (!existing || existing.edges.some((e) => e.node.__ref === ref.__ref)) return existing;
        return {
          ...existing,
          edges: [
            { __typename: 'ConversationEdge', cursor: conversation.id, node: ref },
            ...existing.edges,
          ],
        };
      }) as Modifier<unknown>,
    },
  });
}

/** Drops a conversation the user no longer belongs to. */
export function removeConversation(cache: Cache, conversationId: string): void {
  const id = conversationCacheId(cache, conversationId);
  cache.modify({
    id: 'ROOT_QUERY',
    fields: {
      conversations: ((existing: ListField | undefined) =>
        existing
          ? { ...existing, edges: existing.edges.filter((e) => e.node.__ref !== id) }
          : existing) as Modifier<unknown>,
    },
  });
  cache.evict({ id: 'ROOT_QUERY', fieldName: 'messages', args: { conversationId } });
  if (id) cache.evict({ id });
  cache.gc();
}

/** Forgets the loaded history so the open view fetches it again (after ResyncRequired). */
export function dropMessageList(cache: Cache, conversationId: string): void {
  cache.evict({ id: 'ROOT_QUERY', fieldName: 'messages', args: { conversationId } });
}

/** Forgets the followed-threads list, so a threads panel fetches it again. */
export function dropFollowedThreads(cache: Cache): void {
  cache.evict({ id: 'ROOT_QUERY', fieldName: 'followedThreads' });
}

/** Forgets a conversation's member list, so an open details panel fetches it again. */
export function dropMemberList(cache: Cache, conversationId: string): void {
  const id = conversationCacheId(cache, conversationId);
  if (id) cache.evict({ id, fieldName: 'members' });
}

/** What a PresenceChanged event says about a person (presence and profile). */
export type ProfileUpdate = Extract<
  ChatEventsSubscription['chatEvents'],
  { __typename: 'PresenceChanged' }
>['user'];

/** Updates the one normalized User that every place showing this person reads (list, header,
 *  bubbles). Returns false when the person is not in the cache. */
export function writeProfile(cache: Cache, user: ProfileUpdate): boolean {
  const id = cache.identify({ __typename: 'User', id: user.id });
  if (!id) return false;
  return cache.modify({
    id,
    fields: {
      presence: () => user.presence,
      lastSeenAt: () => user.lastSeenAt ?? null,
      name: () => user.name,
      avatarUrl: () => user.avatarUrl ?? null,
      statusText: () => user.statusText ?? null,
      statusEmoji: () => user.statusEmoji ?? null,
    },
  });
}

/** Records that I blocked (or unblocked) a person, after the mutation succeeded. */
export function setBlockedFlag(cache: Cache, userId: string, blocked: boolean): void {
  const id = cache.identify({ __typename: 'User', id: userId });
  if (id) cache.modify({ id, fields: { isBlocked: () => blocked } });
}

export function setReadPointer(cache: Cache, conversationId: string, seq: number): void {
  const id = conversationCacheId(cache, conversationId);
  if (!id) return;
  cache.modify({
    id,
    fields: {
      readSeq: (v: number) => Math.max(v, seq),
      unreadCount: (n: number, { readField }) => {
        const lastSeq = readField<number>('lastSeq') ?? 0;
        return seq >= lastSeq ? 0 : n;
      },
      // Exact again on the next fetch; reading to the end clears it now.
      unreadMentionCount: (n: number, { readField }) => {
        const lastSeq = readField<number>('lastSeq') ?? 0;
        return seq >= lastSeq ? 0 : n;
      },
    },
  });
}

/** Raises readBy of messages up to `seq` not sent by `readerId` (DMs: exactly one reader). */
export function markReadInDirect(
  cache: Cache,
  conversationId: string,
  readerId: string,
  seq: number,
): void {
  const data = cache.readQuery({ query: MessagesDocument, variables: { conversationId } });
  for (const edge of data?.messages.edges ?? []) {
    const m = edge.node;
    if (m.seq <= seq && m.sender.id !== readerId && m.readBy < 1) {
      cache.modify({
        id: cache.identify({ __typename: 'Message', id: m.id }),
        fields: { readBy: () => 1 },
      });
    }
  }
}

/** An attachment as it now is (processing finished): normalized by id, so every message showing
 *  the file is updated by this one write. */
export function writeAttachment(cache: Cache, attachment: MessageAttachmentFieldsFragment): void {
  cache.writeFragment({
    id: cache.identify(attachment),
    fragment: MessageAttachmentFieldsFragmentDoc,
    data: attachment,
  });
}

/**
 * Removes messages from the cache without a trace (disappearing messages the server deleted):
 * lists drop the dangling references, and nothing else keeps them. Returns how many it removed.
 */
export function purgeMessages(cache: Cache, messageIds: readonly string[]): number {
  let removed = 0;
  for (const id of messageIds) {
    const ref = cache.identify({ __typename: 'Message', id });
    if (ref && cache.evict({ id: ref })) removed++;
  }
  if (removed > 0) cache.gc();
  return removed;
}

/** The page of a thread the thread pane loads (the variables of its query). */
export const THREAD_PAGE = 100;

/** A reply in a thread: into the thread's loaded replies (if open), never into the timeline. */
export function addThreadReply(cache: Cache, message: MessageFieldsFragment): void {
  writeMessage(cache, message);
  const rootId = message.threadRootId;
  if (!rootId) return;
  const variables = { rootId, first: THREAD_PAGE };
  const data = cache.readQuery({ query: ThreadRepliesDocument, variables });
  if (!data || data.threadReplies.edges.some((e) => e.node.id === message.id)) return;
  const edges = [
    ...data.threadReplies.edges,
    { __typename: 'MessageEdge' as const, cursor: String(message.seq), node: message },
  ].sort((a, b) => a.node.seq - b.node.seq);
  cache.writeQuery({
    query: ThreadRepliesDocument,
    variables,
    data: { threadReplies: { ...data.threadReplies, edges } },
  });
}

/** The notification e-mail view, as a mutation answered it (it has no id to merge by). */
export function writeNotificationEmail(
  cache: Cache,
  view: MyNotificationEmailQuery['myNotificationEmail'] | undefined,
): void {
  if (view)
    cache.writeQuery({ query: MyNotificationEmailDocument, data: { myNotificationEmail: view } });
}

/**
 * fetchMore's merge of the next page of a connection field (`field { edges pageInfo }`): the
 * cached edges, then the page's, under the page's pageInfo. `updateQuery: appendEdges('field')`.
 */
export const appendEdges =
  <K extends string>(field: K) =>
  <T extends Record<K, { edges: readonly unknown[] }>>(
    cached: T,
    { fetchMoreResult }: { fetchMoreResult: T },
  ): T => {
    const page = fetchMoreResult[field];
    // One root field: the query's result is that field alone.
    return { [field]: { ...page, edges: [...cached[field].edges, ...page.edges] } } as unknown as T;
  };

/**
 * fetchMore's merge of further timeline lines read after seq `after`: the cached lines, then the
 * page's newer than `after` (none twice), under the page's hasNextPage.
 */
export const appendNotices =
  (after: number) =>
  (
    cached: ConversationNoticesQuery,
    { fetchMoreResult }: { fetchMoreResult: ConversationNoticesQuery },
  ): ConversationNoticesQuery => ({
    conversationNotices: {
      ...fetchMoreResult.conversationNotices,
      notices: [
        ...cached.conversationNotices.notices,
        ...fetchMoreResult.conversationNotices.notices.filter((n) => n.seq > after),
      ],
    },
  });
