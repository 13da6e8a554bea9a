import type { ApolloCache } from '@apollo/client';

/**
 * Removes messages from the cache without a trace (disappearing messages the server deleted):
 * lists drop the dangling references, and nothing else keeps them.
 */
export function purgeMessages(cache: ApolloCache<unknown>, messageIds: readonly string[]): number {
  let removed = 0;
  for (const id of messageIds) {
    const ref = cache.identify({ __typename: 'Message', id });
    if (ref && cache.evict({ id: ref })) removed++;
  }
  if (removed > 0) cache.gc();
  return removed;
}
