import type { ApolloClient } from '@apollo/client';
import { SendMessageDocument } from '@chatter/client';
import type { Sender } from '../outbox/outbox';
import { bumpConversation, upsertMessageInList } from '../realtime/cache-writes';
import { describeError, errorCode, isNetworkFailure } from '../apollo/errors';

const RETRYABLE = new Set([
  'RATE_LIMITED',
  'UNAUTHENTICATED',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
]);

/** Sends one queued message and puts the server's answer into the cache. */
export function createSender(client: ApolloClient<unknown>): Sender {
  return async (m) => {
    try {
      const { data } = await client.mutate({
        mutation: SendMessageDocument,
        variables: {
          input: {
            conversationId: m.conversationId,
            clientMessageId: m.clientMessageId,
            body: m.body,
            replyToId: m.replyToId,
          },
        },
      });
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
