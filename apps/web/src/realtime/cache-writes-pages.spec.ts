import { describe, expect, it } from 'vitest';
import { ApolloClient, ApolloLink, InMemoryCache, Observable } from '@apollo/client';
import { parse } from 'graphql';
import type { ConversationNoticesQuery, NoticeFieldsFragment } from '@chatter/client';
import { appendEdges, appendNotices } from './cache-writes';

const PAGE = parse(`
  query Page($after: String) {
    page(after: $after) {
      edges { cursor node { id } }
      pageInfo { endCursor hasNextPage }
    }
  }
`);

interface PageQuery {
  page: {
    __typename: 'Page';
    edges: { __typename: 'Edge'; cursor: string; node: { __typename: 'Item'; id: string } }[];
    pageInfo: { __typename: 'PageInfo'; endCursor: string | null; hasNextPage: boolean };
  };
}

const pageOf = (ids: string[], hasNextPage: boolean): PageQuery => ({
  page: {
    __typename: 'Page',
    edges: ids.map((id) => ({ __typename: 'Edge', cursor: id, node: { __typename: 'Item', id } })),
    pageInfo: { __typename: 'PageInfo', endCursor: ids.at(-1) ?? null, hasNextPage },
  },
});

describe('appendEdges', () => {
  it("keeps the cached edges, then the page's, under the page's pageInfo", () => {
    const merged = appendEdges('page')(pageOf(['a', 'b'], true), {
      fetchMoreResult: pageOf(['c'], false),
    });
    expect(merged.page.edges.map((e) => e.cursor)).toEqual(['a', 'b', 'c']);
    expect(merged.page.pageInfo).toEqual(pageOf(['c'], false).page.pageInfo);
  });

  it('is what the cache holds after fetchMore reads the next page', async () => {
    const pages: Record<string, PageQuery> = {
      '': pageOf(['a', 'b'], true),
      b: pageOf(['c', 'd'], false),
    };
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: new ApolloLink(
        (operation) =>
          new Observable((observer) => {
            observer.next({ data: pages[String(operation.variables.after ?? '')] });
            observer.complete();
          }),
      ),
    });
    const first = await client.query<PageQuery>({ query: PAGE });
    expect(first.data.page.edges.map((e) => e.node.id)).toEqual(['a', 'b']);
    const query = client.watchQuery<PageQuery, { after?: string }>({ query: PAGE });
    await query.fetchMore({ variables: { after: 'b' }, updateQuery: appendEdges('page') });
    const cached = client.readQuery<PageQuery>({ query: PAGE });
    expect(cached?.page.edges.map((e) => e.node.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(cached?.page.pageInfo.hasNextPage).toBe(false);
  });
});

describe('appendNotices', () => {
  const notice = (seq: number) => ({ id: `n${seq}`, seq }) as NoticeFieldsFragment;
  const noticesOf = (seqs: number[], hasNextPage: boolean): ConversationNoticesQuery => ({
    conversationNotices: {
      __typename: 'ConversationNoticeConnection',
      notices: seqs.map(notice),
      hasNextPage,
    },
  });

  it('appends only the lines after the seq read from, under the last hasNextPage', () => {
    const merged = appendNotices(5)(noticesOf([2, 5], true), {
      fetchMoreResult: noticesOf([5, 7, 9], false),
    });
    expect(merged.conversationNotices.notices.map((n) => n.seq)).toEqual([2, 5, 7, 9]);
    expect(merged.conversationNotices.hasNextPage).toBe(false);
  });
});
