import { describe, expect, it } from 'vitest';
import {
  activeMentionQuery,
  bodyToDraft,
  draftToBody,
  insertMention,
  matchCandidates,
  splitMentions,
} from './mention-text';

const ann = { id: '00000000-0000-4000-8000-00000000000a', name: 'Ann' };
const annLee = { id: '00000000-0000-4000-8000-00000000000b', name: 'Ann Lee' };
const rtl = { id: '00000000-0000-4000-8000-00000000000c', name: '\u202eevil 👩‍👩‍👧' };
const tok = (u: { id: string }) => `<@${u.id}>`;

describe('splitMentions', () => {
  it('shows resolved tokens as names, keeps unknown tokens and other text exactly', () => {
    const stranger = '<@00000000-0000-4000-8000-0000000000ff>';
    const body = `hi ${tok(ann)}, ${stranger} and ${tok(rtl)}!`;
    const parts = splitMentions(body, [ann, rtl], false);
    expect(parts).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@Ann', userId: ann.id },
      { kind: 'text', text: `, ${stranger} and ` },
      { kind: 'mention', text: `@${rtl.name}`, userId: rtl.id },
      { kind: 'text', text: '!' },
    ]);
  });

  it('marks @all only when the server counted it', () => {
    expect(splitMentions('@all go', [], true)[0]).toEqual({
      kind: 'mention',
      text: '@all',
      userId: null,
    });
    expect(splitMentions('@all go', [], false)).toEqual([{ kind: 'text', text: '@all go' }]);
    expect(splitMentions('me@all.example', [], true)).toEqual([
      { kind: 'text', text: 'me@all.example' },
    ]);
  });
});

describe('composer helpers', () => {
  it('finds the @query before the caret at a word start only', () => {
    expect(activeMentionQuery('hello @an', 9)).toEqual({ start: 6, query: 'an' });
    expect(activeMentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(activeMentionQuery('mail me@an', 10)).toBeNull();
    expect(activeMentionQuery('@ann lee', 8)).toBeNull();
    expect(activeMentionQuery('no at here', 5)).toBeNull();
  });

  it('matches names by prefix of the name first, then of any word', () => {
    const bob = { id: 'b', name: 'Bob Annson' };
    expect(matchCandidates([bob, annLee, ann], 'an').map((c) => c.name)).toEqual([
      'Ann',
      'Ann Lee',
      'Bob Annson',
    ]);
    expect(matchCandidates([ann], 'x')).toEqual([]);
  });

  it('inserts the picked name and turns picked names into tokens on send, longest first', () => {
    const typed = insertMention('hey @an', 4, 7, annLee.name);
    expect(typed).toEqual({ text: 'hey @Ann Lee ', caret: 13 });
    const draft = `${typed.text}and @Ann, not @Annie or @Bob`;
    expect(draftToBody(draft, [ann, annLee])).toBe(
      `hey ${tok(annLee)} and ${tok(ann)}, not @Annie or @Bob`,
    );
    expect(draftToBody(`@${rtl.name}!`, [rtl])).toBe(`${tok(rtl)}!`);
  });

  it('round-trips a sent body through editing', () => {
    const body = `${tok(ann)} and ${tok(annLee)} <@00000000-0000-4000-8000-0000000000ff>`;
    const { draft, picked } = bodyToDraft(body, [ann, annLee]);
    expect(draft).toBe('@Ann and @Ann Lee <@00000000-0000-4000-8000-0000000000ff>');
    expect(draftToBody(draft, picked)).toBe(body);
  });
});
