import { useEffect } from 'react';
import { useQuery, type WatchQueryFetchPolicy } from '@apollo/client';
import { ContactsDocument } from '@chatter/client';

export const PAGE_MAX = 50; // the server caps every page at 50

/** All contacts: the first page at once, the rest fetched page by page behind it. */
export function useContacts(fetchPolicy: WatchQueryFetchPolicy = 'cache-first') {
  const result = useQuery(ContactsDocument, { variables: { first: PAGE_MAX }, fetchPolicy });
  const { data, fetchMore } = result;
  const next = data?.contacts.pageInfo.hasNextPage ? data.contacts.pageInfo.endCursor : null;
  useEffect(() => {
    if (next) void fetchMore({ variables: { after: next } }).catch(() => undefined);
  }, [next, fetchMore]);
  return result;
}
