import { InMemoryCache, gql } from '@apollo/client';
import { describe, expect, it } from 'vitest';
import { purgeMessages } from './cache-writes';

const LIST = gql`
  query List {
    list {
      id
      body
    }
  }
`;

describe('purgeMessages', () => {
  it('removes expired messages from the cache and from the lists that held them', () => {
    const cache = new InMemoryCache();
    cache.writeQuery({
      query: LIST,
      data: {
        list: [
          { __typename: 'Message', id: 'a', body: 'stays' },
          { __typename: 'Message', id: 'b', body: 'goes' },
        ],
      },
    });
    expect(purgeMessages(cache, ['b', 'unknown'])).toBe(1);
    expect(
      cache.readQuery<{ list: { id: string }[] }>({ query: LIST })?.list.map((m) => m.id),
    ).toEqual(['a']);
    expect(cache.extract()['Message:b']).toBeUndefined();
    expect(purgeMessages(cache, ['b'])).toBe(0);
  });
});
