import { invalid } from '../shared/domain-error';
import { UserId } from '../shared/ids';

/**
 * How a message body mentions people (docs/notifications.md, "Mentions").
 *
 * - `<@user-id>`: one person, by id. Clients insert the token when the author picks someone
 *   (autocomplete) and render it with the person's current name. The server decides: only ids
 *   of members of the conversation become mentions; any other token stays plain text.
 * - `@all`: every member, where the conversation lets the author use it (`MentionAllPolicy`).
 *   It counts as a word: not inside `me@all.example` or `@allison`.
 *
 * The body is stored exactly as written (tokens are ASCII, so no Unicode in names or text can
 * forge, split or hide one); the resolved ids travel beside it as `Message.mentions`.
 */
export const MENTION_TOKEN = /<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/g;
const MENTION_ALL = /(?<![\p{L}\p{N}\p{M}_@.-])@all(?![\p{L}\p{N}\p{M}_])/u;

/** Distinct people one message may mention (more is refused, not truncated). */
export const MAX_MENTIONS = 50;

/** Who a message mentions: people by id, and whether it mentions everyone. */
export interface MentionSet {
  userIds: UserId[];
  all: boolean;
}

export const NO_MENTIONS: MentionSet = Object.freeze({ userIds: [], all: false }) as MentionSet;

/** The token a client inserts to mention `userId`. */
export const mentionToken = (userId: UserId): string => `<@${userId}>`;

/** What the body asks for, before the server checks membership and the `@all` policy. */
export function parseMentions(body: string): MentionSet {
  const ids = new Set<UserId>();
  for (const match of body.matchAll(MENTION_TOKEN)) {
    ids.add(match[1]!);
    if (ids.size > MAX_MENTIONS) {
      throw invalid('body', `a message may mention at most ${MAX_MENTIONS} people`);
    }
  }
  return { userIds: [...ids], all: MENTION_ALL.test(body) };
}

/** Mentions in `next` that none of the earlier versions (`ever`) had: who an edit newly mentions. */
export function addedMentions(ever: MentionSet, next: MentionSet): MentionSet {
  const seen = new Set(ever.userIds);
  return { userIds: next.userIds.filter((id) => !seen.has(id)), all: next.all && !ever.all };
}

/** `a` ∪ `b`, order kept (a first). */
export function unionMentions(a: MentionSet, b: MentionSet): MentionSet {
  return { userIds: [...new Set([...a.userIds, ...b.userIds])], all: a.all || b.all };
}
