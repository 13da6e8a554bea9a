// Operations go to the server by the hash GraphQL Code Generator gave them (libs/client's
// persisted-documents manifest), as Apollo persisted queries: queries over GET (short URLs,
// cacheable where the server allows), mutations over POST. A server running TRUSTED_DOCUMENTS
// accepts nothing else; any server answers these hashes from the same manifest.
import { ApolloLink } from '@apollo/client';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import type { DocumentNode } from 'graphql';

/** The hash the client preset embeds in each generated document (`__meta__.hash`). */
export function documentHash(document: DocumentNode): string | undefined {
  const meta = (document as { __meta__?: { hash?: unknown } }).__meta__;
  return typeof meta?.hash === 'string' ? meta.hash : undefined;
}

/** `extensions` naming a generated document by its hash (for operations sent over the socket). */
export function persistedQueryExtensions(
  document: DocumentNode,
): { persistedQuery: { version: 1; sha256Hash: string } } | undefined {
  const hash = documentHash(document);
  return hash ? { persistedQuery: { version: 1, sha256Hash: hash } } : undefined;
}

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
