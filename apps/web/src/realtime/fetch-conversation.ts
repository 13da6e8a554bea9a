// A stream event named a conversation the chat list does not hold yet (a new DM, being added
// to a group): fetch it and add it to the list. One fetch at a time per conversation. Also, on
// each (re)connect, the conversations the list lacks.
import type { ApolloClient } from '@apollo/client';
import { ConversationDocument, ConversationsDocument } from '@chatter/client';
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

/**
 * Lists the first `first` conversations again, apart from the cached list, and adds the ones it
 * lacks (one I was added to while no stream of mine was registered on the server sent me
 * nothing). The cached list is not replaced: the pages fetched behind its first stay.
 */
export async function addMissingConversations(
  client: ApolloClient<unknown>,
  first: number,
): Promise<void> {
  const { data } = await client.query({
    query: ConversationsDocument,
    variables: { first },
    fetchPolicy: 'no-cache',
  });
  const known = new Set(
    client.cache
      .readQuery({ query: ConversationsDocument })
      ?.conversations.edges.map((e) => e.node.id),
  );
  // Each is added at the top: the last first keeps the server's order among them.
  for (const { node } of [...data.conversations.edges].reverse())
    if (!known.has(node.id)) addConversationToList(client.cache, node);
}
