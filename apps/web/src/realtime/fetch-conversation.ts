// A stream event named a conversation the chat list does not hold yet (a new DM, being added
// to a group): fetch it and add it to the list. One fetch at a time per conversation.
import type { ApolloClient } from '@apollo/client';
import { ConversationDocument } from '@chatter/client';
import { addConversationToList } from './cache-writes';

export async function fetchConversation(
  client: ApolloClient<unknown>,
  filling: Set<string>,
  conversationId: string,
): Promise<void> {
  if (filling.has(conversationId)) return;
  filling.add(conversationId);
  try {
    const { data } = await client.query({
      query: ConversationDocument,
      variables: { id: conversationId },
      fetchPolicy: 'network-only',
    });
    if (data.conversation) addConversationToList(client.cache, data.conversation);
  } catch {
    // The next event for it tries again.
  } finally {
    filling.delete(conversationId);
  }
}
