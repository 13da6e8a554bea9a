import { ApolloError, type ApolloClient } from '@apollo/client';
import { SendMessageDocument, type SendMessageMutation } from '@chatter/client';
import type { Sender } from '../outbox/outbox';
import { bumpConversation, upsertMessageInList } from '../realtime/cache-writes';
import type { SocketOperations } from '../realtime/realtime-session';
import { describeError, errorCode, isNetworkFailure } from '../apollo/errors';

const RETRYABLE = new Set([
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
]);

/**
 * Sends one queued message and puts the server's answer into the cache. While the realtime
 * socket is open the mutation goes over it (one frame, no HTTP request); otherwise over HTTP.
 * Either way a lost answer is retried later, which is safe: sendMessage is idempotent on
 * clientMessageId.
 */
export function createSender(
  client: ApolloClient<unknown>,
  socket: () => SocketOperations | null = () => null,
): Sender {
  return async (m) => {
    const variables = {
      input: {
        conversationId: m.conversationId,
        clientMessageId: m.clientMessageId,
        body: m.body,
        replyToId: m.replyToId,
        ...(m.attachmentIds?.length ? { attachmentIds: m.attachmentIds } : {}),
      },
    };
    try {
      const overSocket = socket()?.execute(SendMessageDocument, variables);
      let data: SendMessageMutation | null | undefined;
      if (overSocket) {
        const result = await overSocket.catch((error: Error) => {
          throw new ApolloError({ networkError: error });
        });
        if (result.errors?.length) throw new ApolloError({ graphQLErrors: result.errors });
        data = result.data;
      } else {
        ({ data } = await client.mutate({ mutation: SendMessageDocument, variables }));
      }
      if (data) {
        upsertMessageInList(client.cache, data.sendMessage);
        bumpConversation(client.cache, data.sendMessage, { mine: true, countUnread: false });
      }
      return { ok: true };
    } catch (e) {
      const code = errorCode(e);
      const retryable = isNetworkFailure(e) || (code !== undefined && RETRYABLE.has(code));
      return { ok: false, retryable, error: describeError(e) } as const;
    }
  };
}
