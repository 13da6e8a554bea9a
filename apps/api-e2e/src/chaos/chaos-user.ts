import WebSocket from 'ws';
import { ApiProcess, Session, sleep } from '../support';
import { Rng } from './chaos-rng';

/** What a client knows of a message (and what a fresh fetch returns). */
export interface MessageView {
  id: string;
  seq: number;
  body: string | null;
  editedAt: string | null;
  deletedAt: string | null;
  reactions: { emoji: string; count: number }[];
}

export interface Acknowledged {
  conversationId: string;
  seq: number;
  id: string;
  sender: number;
}

/** What every simulated user shares: the cluster's live instances and the acknowledged sends. */
export interface ChaosWorld {
  live(): ApiProcess[];
  acknowledged: Acknowledged[];
  /** Counts per operation kind: attempted and acknowledged. */
  operations: Map<string, { attempted: number; acknowledged: number }>;
  /** Error codes (or network failures) answered to operations, for the report. */
  failures: Map<string, number>;
}

const MESSAGE_FIELDS = 'id conversationId seq body editedAt deletedAt reactions { emoji count }';
const STREAM = `subscription($since:[ConversationCursorInput!]) { chatEvents(since:$since) {
  __typename
  ... on MessageAdded { seq message { ${MESSAGE_FIELDS} } }
  ... on MessageUpdated { seq message { ${MESSAGE_FIELDS} } }
  ... on MembershipChanged { seq conversation { id } }
  ... on ConversationChanged { logSeq conversation { id } }
  ... on ResyncRequired { conversationId reason }
} }`;

const EMOJIS = ['👍', '🔥', '😂', '🎉'];
const PIECES = [
  'hello',
  'héllo wörld',
  '$& $1 $$',
  '\u202eRTL\u202c',
  '👩‍👩‍👧 family',
  'line\nbreak',
  '<b>not html</b>',
  '漢字かな',
  '   ',
  '"quoted"',
];

type Frame = { type: string; id?: string; payload?: unknown };

/**
 * A simulated user with one client: a graphql-ws socket to a random instance running the
 * chatEvents stream with per-conversation cursors, and HTTP mutations to random instances. It
 * applies ordered events like a real client (by seq, per conversation) and counts duplicates and
 * events out of order; it reconnects by itself when its socket dies.
 */
export class ChaosUser {
  /** Highest ordered seq applied, per conversation. */
  readonly last = new Map<string, number>();
  readonly seen = new Map<string, Set<number>>();
  /** Seqs of MessageAdded events applied, per conversation. */
  readonly added = new Map<string, Set<number>>();
  readonly messages = new Map<string, Map<string, MessageView>>();
  duplicates: string[] = [];
  outOfOrder: string[] = [];
  resyncs: string[] = [];
  streamErrors = 0;
  connects = 0;
  private ws: WebSocket | null = null;
  private subscription: string | null = null;
  private nextId = 0;
  private running = true;
  private opsRunning = false;
  private counter = 0;
  private readonly mine: Acknowledged[] = [];
  private readonly deleted = new Set<string>();

  constructor(
    readonly index: number,
    readonly session: Session,
    readonly conversations: string[],
    private readonly rng: Rng,
    private readonly world: ChaosWorld,
  ) {
    for (const c of conversations) {
      this.last.set(c, 0);
      this.seen.set(c, new Set());
      this.added.set(c, new Set());
      this.messages.set(c, new Map());
    }
  }

  /** Whether the stream is subscribed on an open socket. */
  get streaming(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.subscription !== null;
  }

  start(): void {
    this.connect();
  }

  /** Performs random operations until stopOperations(). */
  async operate(): Promise<void> {
    this.opsRunning = true;
    while (this.opsRunning) {
      await sleep(this.rng.int(150, 700));
      if (!this.opsRunning) break;
      const op = this.rng.weighted({
        send: 40,
        edit: 12,
        delete: 5,
        react: 15,
        reconnect: 10,
        reopen: 10,
      });
      await this.perform(op);
    }
  }

  stopOperations(): void {
    this.opsRunning = false;
  }

  /** Ends the client for good. */
  close(): void {
    this.running = false;
    this.opsRunning = false;
    this.ws?.terminate();
    this.ws = null;
  }

  /** Makes sure the socket is connected and the stream subscribed (after quiescence). */
  ensureStreaming(): void {
    if (!this.ws) this.connect();
    else if (this.ws.readyState === WebSocket.OPEN && this.subscription === null) this.subscribe();
  }

  private async perform(
    op: 'send' | 'edit' | 'delete' | 'react' | 'reconnect' | 'reopen',
  ): Promise<void> {
    switch (op) {
      case 'send': {
        const conversationId = this.rng.pick(this.conversations);
        const key = `u${this.index}-${++this.counter}`;
        const body = `${this.rng.pick(PIECES)} #${this.counter}`;
        const data = await this.mutate<{ sendMessage: { id: string; seq: number } }>(
          'send',
          'mutation($c:ID!,$k:String!,$b:String!){ sendMessage(input:{conversationId:$c, clientMessageId:$k, body:$b}){ id seq } }',
          { c: conversationId, k: key, b: body },
        );
        if (data) {
          const acked = {
            conversationId,
            seq: data.sendMessage.seq,
            id: data.sendMessage.id,
            sender: this.index,
          };
          this.world.acknowledged.push(acked);
          this.mine.push(acked);
        }
        return;
      }
      case 'edit': {
        const own = this.mine.filter((m) => !this.deleted.has(m.id));
        if (own.length === 0) return;
        const target = this.rng.pick(own);
        await this.mutate(
          'edit',
          'mutation($id:ID!,$b:String!){ editMessage(id:$id, body:$b){ id } }',
          { id: target.id, b: `${this.rng.pick(PIECES)} (edited)` },
        );
        return;
      }
      case 'delete': {
        const own = this.mine.filter((m) => !this.deleted.has(m.id));
        if (own.length === 0) return;
        const target = this.rng.pick(own);
        if (
          await this.mutate('delete', 'mutation($id:ID!){ deleteMessage(id:$id){ id } }', {
            id: target.id,
          })
        )
          this.deleted.add(target.id);
        return;
      }
      case 'react': {
        const mine = new Set(this.conversations);
        const candidates = this.world.acknowledged
          .filter((m) => mine.has(m.conversationId))
          .slice(-50);
        if (candidates.length === 0) return;
        const target = this.rng.pick(candidates);
        const emoji = this.rng.pick(EMOJIS);
        const add = this.rng.chance(0.7);
        await this.mutate(
          'react',
          `mutation($id:ID!,$e:String!){ ${add ? 'addReaction' : 'removeReaction'}(messageId:$id, emoji:$e){ id } }`,
          { id: target.id, e: emoji },
          ['NOT_FOUND', 'BAD_USER_INPUT', 'FAILED_PRECONDITION'],
        );
        return;
      }
      case 'reconnect':
        this.count('reconnect', true);
        // Half the time a clean close, half the time a dropped connection.
        if (this.rng.chance(0.5)) this.ws?.close(1000);
        else this.ws?.terminate();
        return;
      case 'reopen': {
        this.count('reopen', true);
        const ws = this.ws;
        if (!ws || ws.readyState !== WebSocket.OPEN || !this.subscription) return;
        ws.send(JSON.stringify({ id: this.subscription, type: 'complete' }));
        this.subscription = null;
        await sleep(this.rng.int(50, 800));
        if (this.ws === ws && ws.readyState === WebSocket.OPEN && this.subscription === null)
          this.subscribe();
        return;
      }
    }
  }

  /**
   * One mutation over HTTP, to a random live instance, retried (same arguments: sends are
   * idempotent by clientMessageId) after network errors, timeouts and UNAVAILABLE/internal
   * answers. Returns the data once acknowledged, or null.
   */
  private async mutate<T>(
    kind: string,
    query: string,
    variables: Record<string, unknown>,
    refusals: string[] = ['NOT_FOUND', 'BAD_USER_INPUT'],
  ): Promise<T | null> {
    this.count(kind, false);
    for (let attempt = 0; attempt < 8; attempt++) {
      const live = this.world.live();
      if (live.length === 0) {
        await sleep(500);
        continue;
      }
      const api = this.rng.pick(live);
      let code: string;
      let retryAfterMs = 300 * (attempt + 1);
      try {
        const res = await fetch(`${api.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${this.session.accessToken}`,
          },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(10_000),
        });
        const json = (await res.json()) as {
          data?: T | null;
          errors?: { extensions?: { code?: string; retryAfterSeconds?: number } }[];
        };
        if (json.data && !json.errors?.length) {
          this.count(kind, true);
          return json.data;
        }
        code = json.errors?.[0]?.extensions?.code ?? `HTTP ${res.status}`;
        if (code === 'RATE_LIMITED')
          retryAfterMs = (json.errors?.[0]?.extensions?.retryAfterSeconds ?? 1) * 1000;
      } catch (error) {
        code = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network error';
      }
      this.world.failures.set(
        `${kind}: ${code}`,
        (this.world.failures.get(`${kind}: ${code}`) ?? 0) + 1,
      );
      if (refusals.includes(code)) return null;
      await sleep(retryAfterMs);
    }
    return null;
  }

  private count(kind: string, acknowledged: boolean): void {
    const entry = this.world.operations.get(kind) ?? { attempted: 0, acknowledged: 0 };
    if (acknowledged) entry.acknowledged++;
    else entry.attempted++;
    if (acknowledged && (kind === 'reconnect' || kind === 'reopen')) entry.attempted++;
    this.world.operations.set(kind, entry);
  }

  private connect(): void {
    if (!this.running) return;
    const live = this.world.live();
    if (live.length === 0) {
      setTimeout(() => this.connect(), 300).unref();
      return;
    }
    const api = this.rng.pick(live);
    const ws = new WebSocket(api.wsUrl, 'graphql-transport-ws');
    this.ws = ws;
    this.subscription = null;
    this.connects++;
    // No acknowledgement in time (the instance is stuck on a frozen store): try again elsewhere.
    const ackTimer = setTimeout(() => ws.terminate(), 15_000);
    ackTimer.unref();
    ws.on('open', () =>
      ws.send(
        JSON.stringify({
          type: 'connection_init',
          payload: { authorization: `Bearer ${this.session.accessToken}` },
        }),
      ),
    );
    ws.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(data)) as Frame;
      } catch {
        return;
      }
      if (frame.type === 'connection_ack') {
        clearTimeout(ackTimer);
        this.subscribe();
      } else if (frame.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      } else if (frame.id !== undefined && frame.id === this.subscription && this.ws === ws) {
        this.onFrame(ws, frame);
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      clearTimeout(ackTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      this.subscription = null;
      if (this.running) setTimeout(() => this.connect(), this.rng.int(50, 1_000)).unref();
    });
  }

  private subscribe(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const id = `s${++this.nextId}`;
    this.subscription = id;
    const since = this.conversations.map((conversationId) => ({
      conversationId,
      afterSeq: this.last.get(conversationId) ?? 0,
    }));
    ws.send(
      JSON.stringify({ id, type: 'subscribe', payload: { query: STREAM, variables: { since } } }),
    );
  }

  private onFrame(ws: WebSocket, frame: Frame): void {
    if (frame.type === 'next') {
      const payload = frame.payload as {
        data?: { chatEvents?: Record<string, unknown> };
        errors?: unknown[];
      };
      if (payload.errors?.length) this.streamErrors++;
      const event = payload.data?.chatEvents;
      if (event) this.apply(event);
      return;
    }
    // The server ended or refused the stream: subscribe again with the cursors, as a client would.
    if (frame.type === 'error') this.streamErrors++;
    this.subscription = null;
    setTimeout(
      () => {
        if (this.ws === ws && this.subscription === null) this.subscribe();
      },
      this.rng.int(100, 1_000),
    ).unref();
  }

  private apply(event: Record<string, unknown>): void {
    const type = event['__typename'] as string;
    if (type === 'ResyncRequired') {
      this.resyncs.push(`${event['conversationId'] as string}: ${event['reason'] as string}`);
      return;
    }
    const message = event['message'] as (MessageView & { conversationId: string }) | undefined;
    const conversationId =
      message?.conversationId ?? (event['conversation'] as { id: string } | undefined)?.id;
    const seq = (event['seq'] ?? event['logSeq']) as number | undefined;
    if (!conversationId || typeof seq !== 'number' || !this.last.has(conversationId)) return;
    const seen = this.seen.get(conversationId)!;
    const last = this.last.get(conversationId)!;
    if (seq <= last) {
      if (seen.has(seq)) this.duplicates.push(`${type} ${conversationId}#${seq}`);
      else this.outOfOrder.push(`${type} ${conversationId}#${seq} after #${last}`);
      return;
    }
    this.last.set(conversationId, seq);
    seen.add(seq);
    if (type === 'MessageAdded') this.added.get(conversationId)!.add(seq);
    if (message) {
      const { conversationId: _c, ...view } = message;
      this.messages.get(conversationId)!.set(message.id, view);
    }
  }
}
