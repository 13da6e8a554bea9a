// Apollo Client over HTTP for queries and mutations. Subscriptions do not go through Apollo:
// the realtime session owns the one graphql-ws stream and writes events into this cache.
import {
  ApolloClient,
  ApolloLink,
  HttpLink,
  InMemoryCache,
  Observable,
  from,
} from '@apollo/client';
import { onError } from '@apollo/client/link/error';
import type { Session } from '../auth/session';
import { persistedDocumentsLink } from './persisted-documents';
import { typePolicies } from './type-policies';

const PUBLIC_OPERATIONS = new Set(['RequestLoginCode', 'VerifyLoginCode', 'RefreshSession']);

export function createCache(): InMemoryCache {
  return new InMemoryCache({ typePolicies });
}

export function createApolloClient(session: Session, uri = '/graphql'): ApolloClient<unknown> {
  const authLink = new ApolloLink(
    (operation, forward) =>
      new Observable((observer) => {
        let sub: { unsubscribe(): void } | undefined;
        const start = async () => {
          const token = PUBLIC_OPERATIONS.has(operation.operationName)
            ? null
            : await session.getAccessToken();
          operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
            headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
            usedToken: token,
          }));
          sub = forward(operation).subscribe(observer);
        };
        start().catch((err: unknown) => observer.error(err));
        return () => sub?.unsubscribe();
      }),
  );

  // A token the server no longer accepts: drop it and retry once, which refreshes first.
  const retryOnAuthLink = onError(({ graphQLErrors, networkError, operation, forward }) => {
    const unauthenticated =
      graphQLErrors?.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED') ||
      (networkError as { statusCode?: number } | undefined)?.statusCode === 401;
    const ctx = operation.getContext();
    if (!unauthenticated || ctx['authRetried'] || PUBLIC_OPERATIONS.has(operation.operationName))
      return;
    if (session.state !== 'signed-in') return;
    session.invalidate(ctx['usedToken'] as string | undefined);
    operation.setContext({ authRetried: true });
    return forward(operation);
  });

  return new ApolloClient({
    cache: createCache(),
    link: from([retryOnAuthLink, authLink, persistedDocumentsLink(), new HttpLink({ uri })]),
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-first', nextFetchPolicy: 'cache-first' } },
  });
}
