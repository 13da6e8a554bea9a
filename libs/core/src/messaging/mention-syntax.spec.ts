import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/domain-error';
import { newId } from '../shared/ids';
import { mayMentionAll } from './mention-all-policy';
import {
  MAX_MENTIONS,
  addedMentions,
  mentionToken,
  parseMentions,
  unionMentions,
} from './mention-syntax';

describe('parseMentions', () => {
  const a = newId();
  const b = newId();

  it('finds id tokens once each, in order', () => {
    expect(parseMentions(`${mentionToken(a)} and ${mentionToken(b)}, ${mentionToken(a)}!`)).toEqual(
      {
        userIds: [a, b],
        all: false,
      },
    );
  });

  it('ignores malformed tokens and names that only look like mentions', () => {
    const upper = a.toUpperCase();
    expect(parseMentions(`<@${upper}> <@ ${a}> <@${a} > @${a} <@x> @Ada`)).toEqual({
      userIds: [],
      all: false,
    });
  });

  it('reads @all as a word only', () => {
    for (const body of ['@all', 'hey @all!', '(@all)', '@all\u200b', 'ok\n@all']) {
      expect(parseMentions(body).all, body).toBe(true);
    }
    for (const body of [
      '@allison',
      'me@all.example',
      '@@all',
      '@alle',
      '@all_x',
      '@allé',
      '@ALL',
    ]) {
      expect(parseMentions(body).all, body).toBe(false);
    }
  });

  it('keeps a token inside hostile Unicode intact and never reads one across it', () => {
    const rtl = `\u202e${mentionToken(a)}\u202c`;
    expect(parseMentions(`👩‍👩‍👧 ${rtl} \u0000`).userIds).toEqual([a]);
    // A zero-width joiner or a combining mark inside the token breaks it: no mention.
    const broken = `<@${a.slice(0, 4)}\u200d${a.slice(4)}> <\u0301@${b}>`;
    expect(parseMentions(broken).userIds).toEqual([]);
  });

  it(`refuses more than ${MAX_MENTIONS} people with VALIDATION_FAILED on body`, () => {
    const many = Array.from({ length: MAX_MENTIONS + 1 }, () => mentionToken(newId())).join(' ');
    let error: unknown;
    try {
      parseMentions(many);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'body' } });
    const enough = Array.from({ length: MAX_MENTIONS }, () => mentionToken(newId())).join(' ');
    expect(parseMentions(enough).userIds).toHaveLength(MAX_MENTIONS);
  });
});

describe('addedMentions / unionMentions', () => {
  const [a, b, c] = [newId(), newId(), newId()];

  it('reports only what no earlier version had', () => {
    const ever = { userIds: [a, b], all: false };
    expect(addedMentions(ever, { userIds: [b, c], all: true })).toEqual({
      userIds: [c],
      all: true,
    });
    expect(addedMentions({ userIds: [], all: true }, { userIds: [], all: true }).all).toBe(false);
    expect(unionMentions(ever, { userIds: [c, a], all: true })).toEqual({
      userIds: [a, b, c],
      all: true,
    });
  });
});

describe('mayMentionAll', () => {
  it('follows the conversation policy and never applies to direct chats', () => {
    expect(mayMentionAll('GROUP', 'MEMBERS', 'MEMBER')).toBe(true);
    expect(mayMentionAll('GROUP', 'ADMINS', 'MEMBER')).toBe(false);
    expect(mayMentionAll('CHANNEL', 'ADMINS', 'ADMIN')).toBe(true);
    expect(mayMentionAll('CHANNEL', 'ADMINS', 'OWNER')).toBe(true);
    expect(mayMentionAll('DIRECT', 'MEMBERS', 'OWNER')).toBe(false);
  });
});
