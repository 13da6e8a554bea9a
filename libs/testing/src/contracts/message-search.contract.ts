import { NewMember, User } from '@chatter/core';
import { describe, expect, it } from 'vitest';
import { aConversation, aMessage, aTenantId } from '../builders';
import { MakeStore, seedUsers, useStore } from './store-under-test';

const member = (u: User): NewMember => ({ userId: u.id, role: 'MEMBER' });

/** The corpus: one message each, named for what the table refers to. */
export const SEARCH_CORPUS = {
  fox: 'The quick brown fox jumps over the lazy dog',
  reply: 'A quick reply: brown bread is fine',
  cafe: 'Meet me at the Café Crème at 9',
  wide: 'ＦＵＬＬ　ＷＩＤＴＨ text here',
  russian: 'Привет, как дела? Встретимся в Москве',
  greek: 'Καλημέρα κόσμε, Ὀδυσσεύς',
  arabic: 'مَرْحَبًا بالعالم',
  hebrew: 'שָׁלוֹם עולם',
  tokyo: '東京で会いましょう',
  beijing: '北京欢迎你',
  katakana: 'カタカナのテスト、ｶﾀｶﾅ半角',
  seoul: '서울에서 만나요',
  thai: 'สวัสดีครับ ยินดีต้อนรับ',
  party: 'Party tonight 🎉🎉 bring 🍕',
  thumbs: 'thumbs 👍🏽 from me',
  istanbul: 'İstanbul in spring',
  naive: 'a naïve résumé',
} as const;
type Key = keyof typeof SEARCH_CORPUS;

/** Query → the messages it must find (exactly). At least 30, across scripts. */
export const SEARCH_TABLE: readonly (readonly [string, readonly Key[]])[] = [
  // Latin: words, prefixes, phrases, case, accents, width.
  ['quick', ['fox', 'reply']],
  ['qui', ['fox', 'reply']],
  ['fo', ['fox']],
  ['"quick brown"', ['fox']],
  ['quick brown', ['fox', 'reply']],
  ['QUICK', ['fox', 'reply']],
  ['cafe creme', ['cafe']],
  ['Café', ['cafe']],
  ['full width', ['wide']],
  ['ｆｕｌｌ', ['wide']],
  ['naive resume', ['naive']],
  ['istanbul', ['istanbul']],
  ['dog cat', []],
  ['xyz', []],
  // Query syntax is plain text: stars, parentheses and column filters are separators.
  ['quick* (brown)', ['fox', 'reply']],
  ['body:quick', []],
  // Cyrillic
  ['привет', ['russian']],
  ['москв', ['russian']],
  ['ПРИВЕТ', ['russian']],
  // Greek (accents, final sigma)
  ['καλημερα', ['greek']],
  ['ΚΑΛΗΜΈΡΑ', ['greek']],
  ['οδυσσευς', ['greek']],
  // Arabic (vowel marks folded) and Hebrew (points folded)
  ['مرحبا', ['arabic']],
  ['بالعالم', ['arabic']],
  ['שלום', ['hebrew']],
  ['עולם', ['hebrew']],
  // Chinese
  ['北京', ['beijing']],
  ['欢迎', ['beijing']],
  ['京', ['tokyo', 'beijing']],
  ['大阪', []],
  // Japanese (inside a sentence; half-width katakana)
  ['東京', ['tokyo']],
  ['会いましょう', ['tokyo']],
  ['カタカナ', ['katakana']],
  ['ｶﾀｶﾅ', ['katakana']],
  // Korean (a word with its particle)
  ['서울', ['seoul']],
  ['만나요', ['seoul']],
  // Thai (no spaces between words)
  ['สวัสดี', ['thai']],
  ['ยินดี', ['thai']],
  // Emoji (skin tones folded)
  ['🎉', ['party']],
  ['🍕', ['party']],
  ['party 🎉', ['party']],
  ['👍', ['thumbs']],
  ['👍🏽', ['thumbs']],
  ['🚀', []],
];

/** Contract of `MessageRepository.search` in every script (one table for every store). */
export function messageSearchContract(makeStore: MakeStore): void {
  describe('MessageRepository search in every script', () => {
    const store = useStore(makeStore);

    it(`answers a table of ${SEARCH_TABLE.length} queries across scripts with exactly the expected messages`, async () => {
      const t = aTenantId();
      const users = await seedUsers(store(), t, 2);
      const conversation = await store().conversations.create(aConversation(t), users.map(member));
      const other = await store().conversations.create(aConversation(t), users.map(member));
      const ids = new Map<string, Key>();
      for (const [key, body] of Object.entries(SEARCH_CORPUS) as [Key, string][]) {
        const { message } = await store().messages.append(
          aMessage(t, conversation.id, users[0]!.id, { body }),
        );
        ids.set(message.id, key);
      }
      const elsewhere = await store().messages.append(
        aMessage(t, other.id, users[1]!.id, { body: '東京 quick 🎉' }),
      );
      const failures: string[] = [];
      for (const [query, expected] of SEARCH_TABLE) {
        const hits = await store().messages.search(t, users[1]!.id, query, conversation.id, 0, 50);
        const got = hits.map((h) => ids.get(h.message.id) ?? h.message.id).sort();
        if (JSON.stringify(got) !== JSON.stringify([...expected].sort()))
          failures.push(
            `${query}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`,
          );
      }
      expect(failures).toEqual([]);

      // Across all my conversations, and paged.
      const all = await store().messages.search(t, users[1]!.id, '東京', null, 0, 50);
      expect(all.map((h) => h.message.id).sort()).toEqual(
        [elsewhere.message.id, [...ids].find(([, k]) => k === 'tokyo')![0]].sort(),
      );
      const first = await store().messages.search(t, users[1]!.id, 'quick', null, 0, 2);
      const rest = await store().messages.search(t, users[1]!.id, 'quick', null, 2, 2);
      expect(first).toHaveLength(2);
      expect(rest).toHaveLength(1);
      expect(new Set([...first, ...rest].map((h) => h.message.id)).size).toBe(3);
      expect(first[0]!.rank).toBeGreaterThanOrEqual(first[1]!.rank);
    });
  });
}
