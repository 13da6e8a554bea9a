// Mentions in the web app. The server's syntax (docs/notifications.md): `<@user-id>` names a
// member, `@all` everyone. The composer shows `@Name` while writing and turns the names picked
// from the autocomplete into tokens when sending; bubbles show tokens as names.

const TOKEN = /<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/g;
const ALL = /(?<![\p{L}\p{N}\p{M}_@.-])@all(?![\p{L}\p{N}\p{M}_])/gu;

export interface MentionedUser {
  readonly id: string;
  readonly name: string;
}

export type MentionPart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'mention'; readonly text: string; readonly userId: string | null };

/**
 * Splits a message body into text and mentions: tokens of the people the server resolved
 * (`mentions`) become `@Name`, `@all` is marked when the server counted it; anything else
 * (an unknown token included) stays text exactly as written.
 */
export function splitMentions(
  body: string,
  mentions: readonly MentionedUser[],
  mentionsAll: boolean,
): MentionPart[] {
  const names = new Map(mentions.map((u) => [u.id, u.name] as const));
  const found: { start: number; end: number; part: MentionPart }[] = [];
  for (const m of body.matchAll(TOKEN)) {
    const name = names.get(m[1]!);
    if (name === undefined) continue;
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      part: { kind: 'mention', text: `@${name}`, userId: m[1]! },
    });
  }
  if (mentionsAll) {
    for (const m of body.matchAll(ALL)) {
      found.push({
        start: m.index,
        end: m.index + m[0].length,
        part: { kind: 'mention', text: '@all', userId: null },
      });
    }
  }
  found.sort((a, b) => a.start - b.start);
  const parts: MentionPart[] = [];
  let last = 0;
  for (const f of found) {
    if (f.start < last) continue;
    if (f.start > last) parts.push({ kind: 'text', text: body.slice(last, f.start) });
    parts.push(f.part);
    last = f.end;
  }
  if (last < body.length || parts.length === 0)
    parts.push({ kind: 'text', text: body.slice(last) });
  return parts;
}

/** The `@query` being typed right before the caret, if any (an `@` at a word start, no space since). */
export function activeMentionQuery(
  text: string,
  caret: number,
): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0) return null;
  const query = before.slice(at + 1);
  if (query.length > 32 || /[\s<>@]/u.test(query)) return null;
  const prev = at === 0 ? '' : before[at - 1]!;
  if (prev && !/[\s([{"'«“]/u.test(prev)) return null;
  return { start: at, query };
}

/** Candidates whose name starts a word with the query (case-insensitive), best first, at most `limit`. */
export function matchCandidates<T extends MentionedUser>(
  candidates: readonly T[],
  query: string,
  limit = 8,
): T[] {
  const q = query.toLocaleLowerCase();
  const scored = candidates.flatMap((c) => {
    const name = c.name.toLocaleLowerCase();
    if (name.startsWith(q)) return [{ c, score: 0 }];
    if (name.split(/\s+/u).some((w) => w.startsWith(q))) return [{ c, score: 1 }];
    return [];
  });
  scored.sort((a, b) => a.score - b.score || a.c.name.localeCompare(b.c.name));
  return scored.slice(0, limit).map((s) => s.c);
}

/** Replaces the typed `@query` (from `start` to `caret`) with `@Name ` and returns the new caret. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name} `;
  return {
    text: text.slice(0, start) + inserted + text.slice(caret),
    caret: start + inserted.length,
  };
}

/**
 * The body to send: every `@Name` of a person picked while writing becomes their token (longest
 * names first, so "@Ann Lee" wins over "@Ann"). A name typed but never picked stays text.
 */
export function draftToBody(draft: string, picked: readonly MentionedUser[]): string {
  const byLength = [...new Map(picked.map((u) => [u.name, u] as const)).values()].sort(
    (a, b) => b.name.length - a.name.length,
  );
  let out = '';
  let i = 0;
  outer: while (i < draft.length) {
    if (draft[i] === '@') {
      for (const u of byLength) {
        const label = `@${u.name}`;
        const after = draft[i + label.length];
        if (
          draft.startsWith(label, i) &&
          (after === undefined || !/[\p{L}\p{N}\p{M}_]/u.test(after))
        ) {
          out += `<@${u.id}>`;
          i += label.length;
          continue outer;
        }
      }
    }
    out += draft[i];
    i++;
  }
  return out;
}

/** The editable text of a sent message: its tokens as `@Name`, and the people they name. */
export function bodyToDraft(
  body: string,
  mentions: readonly MentionedUser[],
): { draft: string; picked: MentionedUser[] } {
  const names = new Map(mentions.map((u) => [u.id, u.name] as const));
  const picked = new Map<string, MentionedUser>();
  const draft = body.replace(TOKEN, (token, id: string) => {
    const name = names.get(id);
    if (name === undefined) return token;
    picked.set(id, { id, name });
    return `@${name}`;
  });
  return { draft, picked: [...picked.values()] };
}

/** The body as plain text with resolved tokens as `@Name` (previews, notifications). */
export function mentionsAsText(body: string, mentions: readonly MentionedUser[]): string {
  return splitMentions(body, mentions, false)
    .map((p) => p.text)
    .join('');
}
