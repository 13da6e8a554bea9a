import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, ok, removeDataDir } from '../support';
import {
  appUser,
  createGroup,
  expectCode,
  expectNoUnexpectedErrors,
  post,
  startMessagingApi,
  User,
} from './messaging-helpers';

const SEARCH = `query($q:String!,$c:ID,$f:Int,$a:String){ searchMessages(query:$q, conversationId:$c, first:$f, after:$a){
  edges { cursor node { id body conversationId } snippet { text highlights { start end } } }
  pageInfo { hasNextPage endCursor } } }`;
interface Edge {
  node: { id: string; body: string; conversationId: string };
  snippet: { text: string; highlights: { start: number; end: number }[] } | null;
}
interface Page {
  searchMessages: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('searchMessages in every script, with highlighted snippets', () => {
  let api: ApiProcess;
  let alice: User;
  let bob: User;
  let outsider: User;
  let group: string;
  let other: string;

  beforeAll(async () => {
    api = await startMessagingApi();
    [alice, bob, outsider] = await Promise.all([
      appUser(api, 'Search Alice'),
      appUser(api, 'Search Bob'),
      appUser(api, 'Search Outsider'),
    ]);
    group = await createGroup(api, alice, [bob], 'Search');
    other = await createGroup(api, bob, [alice], 'Other');
    for (const body of [
      'The quick brown fox',
      'A quick reply: brown bread',
      'Meet me at the Café Crème',
      '東京で会いましょう',
      '서울에서 만나요',
      'สวัสดีครับ ยินดีต้อนรับ',
      'Party 🎉 tonight',
      'Привет из Москвы',
    ])
      await post(api, alice, group, body);
    await post(api, bob, other, '東京 again, quickly');
  });

  afterAll(async () => {
    if (!api) return;
    expectNoUnexpectedErrors(api);
    await api.stop();
    removeDataDir(api);
  });

  const search = async (who: User, q: string, c?: string, f = 20, a?: string) =>
    (await ok<Page>(api, SEARCH, { q, c: c ?? null, f, a: a ?? null }, who.token)).searchMessages;
  const marked = (e: Edge) =>
    e.snippet!.highlights.map((h) => e.snippet!.text.slice(h.start, h.end));

  it('finds words by prefix, phrases, accents and CJK, Korean, Thai and emoji, and marks what matched', async () => {
    const cases: [string, string[], string[]][] = [
      ['fo', ['The quick brown fox'], ['fox']],
      ['"quick brown"', ['The quick brown fox'], ['quick brown']],
      ['cafe creme', ['Meet me at the Café Crème'], ['Café', 'Crème']],
      ['東京', ['東京で会いましょう'], ['東京']],
      ['서울', ['서울에서 만나요'], ['서울에서']],
      ['ยินดี', ['สวัสดีครับ ยินดีต้อนรับ'], ['ยินดี']],
      ['🎉', ['Party 🎉 tonight'], ['🎉']],
      ['МОСКВ', ['Привет из Москвы'], ['Москвы']],
    ];
    for (const [q, bodies, marks] of cases) {
      const page = await search(bob, q, group);
      expect(
        page.edges.map((e) => e.node.body),
        q,
      ).toEqual(bodies);
      expect(marked(page.edges[0]!), q).toEqual(marks);
    }
  });

  it('searches all my conversations or one, pages, and shows nothing to others', async () => {
    expect((await search(alice, '東京')).edges.map((e) => e.node.conversationId).sort()).toEqual(
      [group, other].sort(),
    );
    expect((await search(alice, '東京', other)).edges).toHaveLength(1);
    const first = await search(alice, 'quick', undefined, 2);
    expect(first.edges).toHaveLength(2);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await search(alice, 'quick', undefined, 2, first.pageInfo.endCursor!);
    expect(rest.edges).toHaveLength(1);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect((await search(outsider, 'quick')).edges).toEqual([]);
    expectCode(await gql(api, SEARCH, { q: 'quick', c: group }, outsider.token), 'NOT_FOUND');
    expectCode(await gql(api, SEARCH, { q: '   ' }, alice.token), 'BAD_USER_INPUT', 'query');
    // Markup in a body is text in the snippet.
    await post(api, alice, group, '<img src=x onerror=alert(1)> findme');
    const hostile = (await search(bob, 'findme', group)).edges[0]!;
    expect(hostile.snippet!.text).toBe('<img src=x onerror=alert(1)> findme');
    expect(marked(hostile)).toEqual(['findme']);
  });
});
