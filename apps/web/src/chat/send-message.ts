import type { ApolloClient } from '@apollo/client';
import type { Sender } from '@chatter/sdk';
import { bumpConversation, upsertMessageInList } from '../realtime/cache-writes';
import { describeError } from '../apollo/errors';

/**
 * The outbox's sender: one attempt through the SDK (over the realtime socket while it is open,
 * else over HTTP; a lost answer is retried later, which is safe: sendMessage is idempotent on
 * clientMessageId), then the server's answer goes into the cache and a refusal into words.
 */
export function createSender(client: ApolloClient<unknown>, deliver: Sender): Sender {
  return async (m) => {
    const outcome = await deliver(m);
    if (outcome.ok) {
      if (outcome.message) {
        upsertMessageInList(client.cache, outcome.message);
        bumpConversation(client.cache, outcome.message, { mine: true, countUnread: false });
      }
      return outcome;
    }
    return { ...outcome, error: describeError(outcome.cause ?? outcome.error) };
  };
}
