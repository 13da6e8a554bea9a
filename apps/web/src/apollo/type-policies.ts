// Normalized-cache rules. Message lists are kept per conversation as one seq-ordered,
// de-duplicated list, whatever page (older history, gap fill, live event) brought a message.
import type { FieldMergeFunction, TypePolicies, Reference } from '@apollo/client';

interface EdgeLike {
  cursor?: string;
  node: Reference;
}
interface ConnectionLike {
  __typename?: string;
  edges: EdgeLike[];
  pageInfo: { hasPreviousPage?: boolean; hasNextPage?: boolean; [k: string]: unknown };
}

export const mergeMessages: FieldMergeFunction<ConnectionLike, ConnectionLike> = (
  existing,
  incoming,
  { readField, args },
) => {
  const seqOf = (e: EdgeLike) => readField<number>('seq', e.node) ?? 0;
  const bySeq = new Map<number, EdgeLike>();
  for (const e of existing?.edges ?? []) bySeq.set(seqOf(e), e);
  for (const e of incoming.edges) bySeq.set(seqOf(e), e);
  const edges = [...bySeq.values()].sort((a, b) => seqOf(a) - seqOf(b));
  if (!existing) return { ...incoming, edges };

  // Only a page that reaches further back than what we hold says whether older history exists.
  const isBackwardPage = args?.['after'] == null;
  const oldestExisting = existing.edges.length ? seqOf(existing.edges[0]) : Infinity;
  const oldestIncoming = incoming.edges.length ? seqOf(incoming.edges[0]) : Infinity;
  const hasPreviousPage =
    isBackwardPage && oldestIncoming <= oldestExisting
      ? Boolean(incoming.pageInfo.hasPreviousPage)
      : Boolean(existing.pageInfo.hasPreviousPage);
  return { ...existing, edges, pageInfo: { ...existing.pageInfo, hasPreviousPage } };
};

/** Appends pages (first/after) and de-duplicates by node. */
export const mergeForwardPages: FieldMergeFunction<ConnectionLike, ConnectionLike> = (
  existing,
  incoming,
  { args },
) => {
  if (!existing || !args?.['after']) return incoming;
  const seen = new Set(existing.edges.map((e) => e.node.__ref));
  return {
    ...incoming,
    edges: [...existing.edges, ...incoming.edges.filter((e) => !seen.has(e.node.__ref))],
  };
};

function keepKnown<T>(existing: T | null | undefined, incoming: T | null): T | null {
  return incoming ?? existing ?? null;
}

export const typePolicies: TypePolicies = {
  Query: {
    fields: {
      messages: { keyArgs: ['conversationId'], merge: mergeMessages },
      conversations: { keyArgs: false, merge: mergeForwardPages },
      contacts: { keyArgs: false, merge: mergeForwardPages },
      channels: { keyArgs: ['query'], merge: mergeForwardPages },
      searchMessages: { keyArgs: ['query', 'conversationId'], merge: mergeForwardPages },
      // Serve conversation(id) and user(id) from entities already in the cache.
      conversation: {
        read: (existing, { args, toReference }) =>
          existing ??
          (args?.['id']
            ? toReference({ __typename: 'Conversation', id: args['id'] as string })
            : undefined),
      },
      user: {
        read: (existing, { args, toReference }) =>
          existing ??
          (args?.['id']
            ? toReference({ __typename: 'User', id: args['id'] as string })
            : undefined),
      },
    },
  },
  Conversation: { fields: { members: { keyArgs: false, merge: mergeForwardPages } } },
  Message: { fields: { reactions: { merge: false } } },
  Presence: { merge: true },
  Member: { keyFields: false },
  // What media processing measured never goes back to unknown: an event serialized before the
  // processing finished (a list preview, say) may arrive after the AttachmentUpdated.
  Attachment: {
    fields: {
      duration: { merge: keepKnown },
      width: { merge: keepKnown },
      height: { merge: keepKnown },
      placeholder: { merge: keepKnown },
      thumbnailUrl: { merge: keepKnown },
      url: { merge: keepKnown },
      processing: {
        merge: (existing: unknown, incoming: unknown) => (existing === false ? false : incoming),
      },
    },
  },
};
