// Operations go to the server by the hash GraphQL Code Generator gave them (libs/client's
// persisted-documents manifest), as Apollo persisted queries: queries over GET (short URLs,
// cacheable where the server allows), mutations over POST. A server running TRUSTED_DOCUMENTS
// accepts nothing else; any server answers these hashes from the same manifest.
import { ApolloLink } from '@apollo/client';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { documentHash } from '@chatter/sdk';

/**
 * Sends generated documents by hash; a document without one (none in the app today) goes as
 * text. Apollo Server's CSRF prevention lets a GET through only with a header a cross-site form
 * cannot send: `x-apollo-operation-name` is that header.
 */
export function persistedDocumentsLink(): ApolloLink {
  const byHash = createPersistedQueryLink({
    generateHash: (document) => documentHash(document) ?? '',
    useGETForHashedQueries: true,
  });
  const operationName = new ApolloLink((operation, forward) => {
    operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
      headers: { ...headers, 'x-apollo-operation-name': operation.operationName || 'anonymous' },
    }));
    return forward(operation);
  });
  return ApolloLink.split(
    (operation) => documentHash(operation.query) !== undefined,
    ApolloLink.from([operationName, byHash]),
  );
}
