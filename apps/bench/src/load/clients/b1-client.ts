import type { ChurnConfirm, ConnSpec, Endpoint } from '../ipc';
import { GqlWsSocket } from './gql-ws-socket';
import { errorCode, type GraphQLResponse, type HttpJson } from './http-json';
import {
  endpointOf,
  withTimeout,
  type ConnEvents,
  type ConnHandle,
  type TargetClient,
} from './target-client';

export const MESSAGE_ADDED = `subscription BenchMessageAdded($roomId: ID!) { messageAdded(roomId: $roomId) { id roomId senderId body createdAt } }`;
export const B1_SEND = `mutation BenchSend($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;

interface MessageAddedPayload {
  data?: { messageAdded?: { roomId: string; body: string } };
  errors?: Array<{ message: string }>;
}

/** B1: one graphql-ws subscription per room, `sendMessage` over HTTP. */
export class B1Client implements TargetClient {
  constructor(
    private readonly endpoints: Endpoint[],
    private readonly http: HttpJson,
  ) {}

  async open(conn: ConnSpec, events: ConnEvents): Promise<ConnHandle> {
    const send = async (room: string, body: string): Promise<string | undefined> => {
      try {
        const { status, json } = await this.http.post(
          endpointOf(this.endpoints, conn).httpUrl,
          { query: B1_SEND, variables: { input: { roomId: room, body } } },
          { authorization: `Bearer ${conn.token}` },
        );
        const r = json as GraphQLResponse<{ sendMessage?: { id: string } }>;
        return r.data?.sendMessage && !r.errors ? undefined : errorCode(status, json);
      } catch (e) {
        return (e as Error).message.slice(0, 40);
      }
    };
    if (!conn.subscribe) return { send, close: () => undefined, terminate: () => undefined };
    const socket = new GqlWsSocket(
      endpointOf(this.endpoints, conn).wsUrl,
      { authorization: `Bearer ${conn.token}` },
      {
        onNext: (_id, payload) => {
          const m = (payload as MessageAddedPayload).data?.messageAdded;
          if (m) events.onDelivery(m.roomId, undefined, m.body);
          else events.onSubError('NO_DATA');
        },
        onError: (_id, errors) => events.onSubError(errorCode(0, { errors })),
        onComplete: () => events.onSubError('COMPLETED_BY_SERVER'),
        onClose: (code) => events.onUnexpectedClose(code),
      },
    );
    await socket.open();
    conn.rooms.forEach((roomId, i) => socket.subscribe(`r${i}`, MESSAGE_ADDED, { roomId }));
    return { send, close: () => socket.close(), terminate: () => socket.terminate() };
  }

  async churnCycle(conn: ConnSpec, _confirm: ChurnConfirm): Promise<void> {
    const socket = new GqlWsSocket(
      endpointOf(this.endpoints, conn).wsUrl,
      { authorization: `Bearer ${conn.token}` },
      { onNext: () => undefined },
    );
    try {
      await socket.open(10_000);
      socket.subscribe('1', MESSAGE_ADDED, { roomId: conn.rooms[0] ?? 'none' });
      // graphql-ws has no subscribe acknowledgement: a pong after the subscribe is the closest confirmation.
      await withTimeout(socket.ping(), 10_000, 'pong timeout');
    } finally {
      socket.close();
    }
  }
}
