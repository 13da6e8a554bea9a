import type { ChurnConfirm, ConnSpec, Endpoint } from '../ipc';
import { GqlWsSocket } from './gql-ws-socket';
import { errorCode, type GraphQLResponse, type HttpJson } from './http-json';
import {
  endpointOf,
  withTimeout,
  type ConnEvents,
  type ConnHandle,
  type ResumeCursor,
  type TargetClient,
} from './target-client';

export const CHAT_EVENTS = `subscription BenchChatEvents($since: [ConversationCursorInput!]) {
  chatEvents(since: $since) {
    __typename
    ... on MessageAdded { seq message { id conversationId seq body createdAt } }
    ... on ResyncRequired { conversationId reason }
  }
}`;

export const SEND_MESSAGE = `mutation BenchSend($input: SendMessageInput!) { sendMessage(input: $input) { id seq } }`;

interface ChatEventPayload {
  data?: {
    chatEvents?: {
      __typename: string;
      message?: { conversationId: string; seq: number; body: string | null };
      conversationId?: string;
    };
  };
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/** Chatter: graphql-ws `chatEvents` for receiving, `sendMessage` over HTTP like the web client. */
export class ChatterClient implements TargetClient {
  constructor(
    private readonly endpoints: Endpoint[],
    private readonly http: HttpJson,
  ) {}

  private async sendHttp(
    conn: ConnSpec,
    room: string,
    body: string,
    clientMessageId: string,
  ): Promise<string | undefined> {
    try {
      const { status, json } = await this.http.post(
        endpointOf(this.endpoints, conn).httpUrl,
        {
          query: SEND_MESSAGE,
          variables: { input: { conversationId: room, clientMessageId, body } },
        },
        { authorization: `Bearer ${conn.token}` },
        15_000,
        true,
      );
      const r = json as GraphQLResponse<{ sendMessage?: { seq: number } }>;
      return r.data?.sendMessage && !r.errors ? undefined : errorCode(status, json);
    } catch (e) {
      return (e as Error).message.slice(0, 40);
    }
  }

  async open(conn: ConnSpec, events: ConnEvents, since?: ResumeCursor[]): Promise<ConnHandle> {
    const sendHttp = (room: string, body: string, id: string): Promise<string | undefined> =>
      this.sendHttp(conn, room, body, id);
    if (!conn.subscribe)
      return { send: sendHttp, close: () => undefined, terminate: () => undefined };
    // Sends on the socket: each is a graphql-ws operation of its own (next, then complete).
    const sends = new Map<string, (error?: string) => void>();
    let sendSeq = 0;
    const sendOnSocket = (room: string, body: string, clientMessageId: string) =>
      new Promise<string | undefined>((resolve) => {
        const opId = `s${++sendSeq}`;
        const timer = setTimeout(() => settle('SEND_TIMEOUT'), 15_000);
        const settle = (error?: string) => {
          clearTimeout(timer);
          sends.delete(opId);
          resolve(error);
        };
        sends.set(opId, settle);
        socket.subscribe(opId, SEND_MESSAGE, {
          input: { conversationId: room, clientMessageId, body },
        });
      });
    const socket = new GqlWsSocket(
      endpointOf(this.endpoints, conn).wsUrl,
      { authorization: `Bearer ${conn.token}` },
      {
        onNext: (id, payload) => {
          const sent = sends.get(id);
          if (sent) {
            const r = payload as GraphQLResponse<{ sendMessage?: { seq: number } }>;
            sent(r.data?.sendMessage && !r.errors ? undefined : errorCode(0, r));
            return;
          }
          const p = payload as ChatEventPayload;
          const ev = p.data?.chatEvents;
          if (ev?.__typename === 'MessageAdded' && ev.message) {
            events.onDelivery(ev.message.conversationId, ev.message.seq, ev.message.body ?? '');
          } else if (ev?.__typename === 'ResyncRequired') {
            events.onResync(ev.conversationId ?? '');
          } else if (p.errors) {
            events.onSubError(
              p.errors[0]?.extensions?.code ?? p.errors[0]?.message.slice(0, 60) ?? 'error',
            );
          }
        },
        onError: (id, errors) => {
          const sent = sends.get(id);
          if (sent) sent(errorCode(0, { errors }));
          else events.onSubError(errorCode(0, { errors }));
        },
        onComplete: (id) => {
          if (id === '1') events.onSubError('COMPLETED_BY_SERVER');
        },
        onClose: (code) => {
          for (const settle of [...sends.values()]) settle(`closed ${code}`);
          events.onUnexpectedClose(code);
        },
      },
    );
    await socket.open();
    socket.subscribe('1', CHAT_EVENTS, since && since.length > 0 ? { since } : {});
    const send = conn.sendOnSocket ? sendOnSocket : sendHttp;
    return { send, close: () => socket.close(), terminate: () => socket.terminate() };
  }

  async churnCycle(
    conn: ConnSpec,
    confirm: ChurnConfirm,
    cursors?: Record<string, number>,
  ): Promise<void> {
    let firstEvent!: () => void;
    let failed!: (e: Error) => void;
    const confirmed = new Promise<void>((resolve, reject) => {
      firstEvent = resolve;
      failed = reject;
    });
    // Awaited only in replay mode; a late failure must not become an unhandled rejection.
    confirmed.catch(() => undefined);
    const socket = new GqlWsSocket(
      endpointOf(this.endpoints, conn).wsUrl,
      { authorization: `Bearer ${conn.token}` },
      {
        onNext: (_id, payload) => {
          const p = payload as ChatEventPayload;
          // Presence and other events may come first; only a replayed message confirms.
          if (p.data?.chatEvents?.__typename === 'MessageAdded') firstEvent();
          else if (p.errors) failed(new Error(errorCode(0, p)));
        },
        onError: (_id, errors) => failed(new Error(errorCode(0, { errors }))),
        onClose: (code) => failed(new Error(`closed ${code}`)),
      },
    );
    try {
      await socket.open(10_000);
      if (confirm === 'replay') {
        const since = Object.entries(cursors ?? {})
          .filter(([room]) => conn.rooms.includes(room))
          .map(([conversationId, afterSeq]) => ({ conversationId, afterSeq }));
        socket.subscribe('1', CHAT_EVENTS, { since });
        await withTimeout(confirmed, 10_000, 'replay timeout');
      } else {
        socket.subscribe('1', CHAT_EVENTS, {});
        await withTimeout(socket.ping(), 10_000, 'pong timeout');
      }
    } finally {
      socket.close();
    }
  }
}
