// Repairs after what the stream reports: a hole in a conversation's seqs is filled from the
// store, an unknown conversation is fetched, ResyncRequired refetches one conversation. Part of
// the lazily loaded stream engine.
import type { ApolloClient } from '@apollo/client';
import { ConversationDocument, MessagesDocument } from '@chatter/client';
import type { SeqTracker } from './seq-tracker';
import {
  addConversationToList,
  dropMessageList,
  hasMessageList,
  removeConversation,
  upsertMessageInList,
} from './cache-writes';

const GAP_PAGE = 50;

export interface RepairContext {
  readonly client: ApolloClient<unknown>;
  readonly tracker: SeqTracker;
  /** Conversations being fetched now (one fetch at a time each). */
  readonly filling: Set<string>;
}

export async function fillGap(
  ctx: RepairContext,
  conversationId: string,
  afterSeq: number,
  beforeSeq: number,
): Promise<void> {
  const { cache } = ctx.client;
  if (!hasMessageList(cache, conversationId)) return; // Nothing on screen to complete; opening it fetches.
  let after = afterSeq;
  try {
    while (after < beforeSeq - 1) {
      const { data } = await ctx.client.query({
        query: MessagesDocument,
        variables: { conversationId, after, first: Math.min(GAP_PAGE, beforeSeq - after - 1) },
        fetchPolicy: 'no-cache',
      });
      const edges = data.messages.edges.filter((e) => e.node.seq < beforeSeq);
      for (const e of edges) upsertMessageInList(cache, e.node);
      if (!edges.length || !data.messages.pageInfo.hasNextPage) break;
      after = edges[edges.length - 1].node.seq;
    }
  } catch {
    // Could not fill now: a resync makes sure nothing stays missing.
    await resync(ctx, conversationId);
  }
}

export async function fetchConversation(ctx: RepairContext, conversationId: string): Promise<void> {
  if (ctx.filling.has(conversationId)) return;
  ctx.filling.add(conversationId);
  try {
    const { data } = await ctx.client.query({
      query: ConversationDocument,
      variables: { id: conversationId },
      fetchPolicy: 'network-only',
    });
    if (data.conversation) {
      ctx.tracker.seed(conversationId, data.conversation.lastSeq);
      addConversationToList(ctx.client.cache, data.conversation);
    }
  } catch {
    // Next event for it tries again.
  } finally {
    ctx.filling.delete(conversationId);
  }
}

export async function resync(ctx: RepairContext, conversationId: string): Promise<void> {
  const { cache } = ctx.client;
  try {
    const { data } = await ctx.client.query({
      query: ConversationDocument,
      variables: { id: conversationId },
      fetchPolicy: 'network-only',
    });
    if (!data.conversation) {
      ctx.tracker.forget(conversationId);
      removeConversation(cache, conversationId);
      return;
    }
    ctx.tracker.reset(conversationId, data.conversation.lastSeq);
    addConversationToList(cache, data.conversation);
    dropMessageList(cache, conversationId);
  } catch {
    // Offline: the reconnect resumes from the cursor anyway.
  }
}
