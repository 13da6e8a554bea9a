import { Client } from 'graphql-ws';
import { ApiProcess, gql, ok, Session, wsClient } from '../support';
import { Ev, history, MessageState } from './realtime-helpers';

const MIRROR_STREAM = `subscription($since:[ConversationCursorInput!]) { chatEvents(since:$since) {
  __typename
  ... on MessageAdded { seq message { id conversationId seq body editedAt deletedAt reactions { emoji count } } }
  ... on MessageUpdated { seq message { id conversationId seq body editedAt deletedAt reactions { emoji count } } }
  ... on ConversationChanged { logSeq conversation { id } }
  ... on MembershipChanged { seq userId change conversation { id } }
  ... on ResyncRequired { conversationId reason }
} }`;

/**
 * A client as the API documents it (docs/realtime.md, "What a client does"): it keeps each
 * conversation's messages from the stream, keeps a conversation read-only when it leaves or is
 * removed (docs/history-visibility.md), keeps it on its own ADDED, refetches a conversation on ResyncRequired or
 * when an event concerns a conversation it does not hold (one it was added to while away), and
 * resumes with one cursor per conversation it holds. Its state must always converge to what a
 * fresh fetch shows.
 */
export class ClientMirror {
  /** Conversation id → message id → message. */
  readonly conversations = new Map<string, Map<string, MessageState>>();
  /** Conversation id → highest seq applied (the resume cursor). */
  readonly cursors = new Map<string, number>();
  /** Every message body that ever reached this client over the socket. */
  readonly seenBodies = new Set<string>();
  readonly resyncs: { conversationId: string; reason: string }[] = [];
  readonly errors: unknown[] = [];
  private client: Client | null = null;
  private dispose: (() => void) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly api: ApiProcess,
    readonly session: Session,
  ) {}

  get connected(): boolean {
    return this.client !== null;
  }

  /** Learns conversations it may have missed while away, then opens a stream with its cursors. */
  async connect(): Promise<void> {
    if (this.client) return;
    // First the conversations it was added to while away, so each gets a cursor: a stream
    // started without one begins at the store's position when it starts, which may be past
    // what the fetch saw. One added after this listing arrives as an event and is fetched then.
    const listed = await ok<{ conversations: { edges: { node: { id: string } }[] } }>(
      this.api,
      'query { conversations(first: 50) { edges { node { id } } } }',
      {},
      this.session.accessToken,
    );
    for (const { node } of listed.conversations.edges)
      if (!this.conversations.has(node.id)) await this.refetch(node.id);
    const since = [...this.cursors.entries()].map(([conversationId, afterSeq]) => ({
      conversationId,
      afterSeq,
    }));
    const client = wsClient(this.api, this.session.accessToken);
    this.client = client;
    this.dispose = client.subscribe<Ev>(
      { query: MIRROR_STREAM, variables: { since } },
      {
        next: (value) => {
          if (value.errors) this.errors.push(value.errors);
          const data = value.data;
          if (!data) return;
          this.pending++;
          this.chain = this.chain
            .then(() => this.apply(data.chatEvents))
            .finally(() => this.pending--);
        },
        error: (error) => this.errors.push(error),
        complete: () => undefined,
      },
    );
  }

  async disconnect(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.dispose?.();
    this.client = null;
    this.dispose = null;
    await client.dispose();
    await this.chain;
  }

  /** Waits until the stream has applied the conversation up to `seq` (it is live there). */
  async reached(conversationId: string, seq: number, timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while ((this.cursors.get(conversationId) ?? -1) < seq) {
      if (Date.now() > end)
        throw new Error(
          `${this.session.name} never reached seq ${seq} of ${conversationId}; errors ${JSON.stringify(this.errors)}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves once every received event has been applied. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.chain;
  }

  /** Replaces a conversation with a fresh fetch (or drops it when the caller may not see it). */
  async refetch(conversationId: string): Promise<void> {
    const found = await gql<{
      conversation: { lastSeq: number; viewerIsMember: boolean; viewerExit: unknown } | null;
    }>(
      this.api,
      'query($c:ID!){ conversation(id:$c){ lastSeq viewerIsMember viewerExit { change } } }',
      { c: conversationId },
      this.session.accessToken,
    );
    const conversation = found.data?.conversation;
    // A public channel it never joined is visible too, but not one it holds.
    if (!conversation || (!conversation.viewerIsMember && !conversation.viewerExit)) {
      this.drop(conversationId);
      return;
    }
    // The cursor is the lastSeq read before the messages: whatever follows arrives live or by replay.
    const messages = await history(this.api, this.session, conversationId).catch(() => null);
    if (!messages) {
      this.drop(conversationId);
      return;
    }
    this.conversations.set(conversationId, new Map(messages.map((m) => [m.id, m])));
    this.cursors.set(
      conversationId,
      Math.max(conversation.lastSeq, this.cursors.get(conversationId) ?? 0),
    );
  }

  private drop(conversationId: string): void {
    this.conversations.delete(conversationId);
    this.cursors.delete(conversationId);
  }

  private advance(conversationId: string, seq: number | null | undefined): void {
    if (typeof seq !== 'number' || !this.conversations.has(conversationId)) return;
    this.cursors.set(conversationId, Math.max(this.cursors.get(conversationId) ?? 0, seq));
  }

  private async apply(e: Ev['chatEvents']): Promise<void> {
    switch (e.__typename) {
      case 'MessageAdded':
      case 'MessageUpdated': {
        const m = e.message as (MessageState & { conversationId?: string }) | undefined;
        if (!m) return;
        if (m.body !== null) this.seenBodies.add(m.body);
        const conversationId = m.conversationId!;
        const messages = this.conversations.get(conversationId);
        if (!messages) return this.refetch(conversationId); // not one it holds: learn it
        const { id, seq, body, editedAt, deletedAt, reactions } = m;
        messages.set(id, { id, seq, body, editedAt, deletedAt, reactions });
        this.advance(conversationId, e.seq);
        return;
      }
      case 'MembershipChanged': {
        const conversationId = e.conversation!.id;
        // Its own REMOVED or LEFT: the conversation stays, read-only, with what it held. Its own
        // ADDED to one it holds: it goes on from there (ResyncRequired follows when it may now
        // read more). Any event of a conversation it does not hold: fetch it.
        if (!this.conversations.has(conversationId)) return this.refetch(conversationId);
        this.advance(conversationId, e.seq);
        return;
      }
      case 'ConversationChanged':
        if (e.conversation) this.advance(e.conversation.id, e.logSeq);
        return;
      case 'ResyncRequired':
        this.resyncs.push({ conversationId: e.conversationId!, reason: e.reason! });
        return this.refetch(e.conversationId!);
      default:
        return;
    }
  }
}

/** The mirror's messages of a conversation, as `history` returns them (by seq). */
export const mirrored = (mirror: ClientMirror, conversationId: string): MessageState[] | null => {
  const messages = mirror.conversations.get(conversationId);
  return messages ? [...messages.values()].sort((a, b) => a.seq - b.seq) : null;
};
