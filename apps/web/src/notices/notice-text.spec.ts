import { describe, expect, it } from 'vitest';
import type { NoticeFieldsFragment } from '@chatter/client';
import { noticeText } from './notice-text';

const ada = { __typename: 'User' as const, id: 'u-ada', name: 'Ada' };
const dan = { __typename: 'User' as const, id: 'u-dan', name: 'Dan <b>' };
const me = { __typename: 'User' as const, id: 'u-me', name: 'Me' };

const notice = (over: Partial<NoticeFieldsFragment>): NoticeFieldsFragment => ({
  __typename: 'ConversationNotice',
  id: 'c:1',
  conversationId: 'c',
  seq: 1,
  at: '2026-01-01T10:00:00.000Z',
  kind: 'MEMBER_ADDED',
  actor: null,
  member: null,
  role: null,
  title: null,
  historyVisibility: null,
  description: null,
  ...over,
});

describe('noticeText', () => {
  it('says who did what, from the viewer’s side', () => {
    const t = (over: Partial<NoticeFieldsFragment>, kind: 'GROUP' | 'CHANNEL' = 'GROUP') =>
      noticeText(notice(over), me.id, kind);
    expect(t({ kind: 'MEMBER_ADDED', actor: ada, member: dan })).toBe('Ada added Dan <b>');
    expect(t({ kind: 'MEMBER_ADDED', actor: ada, member: me })).toBe('Ada added you');
    expect(t({ kind: 'MEMBER_ADDED', actor: me, member: dan })).toBe('You added Dan <b>');
    expect(t({ kind: 'MEMBER_ADDED', member: dan })).toBe('Dan <b> was added');
    expect(t({ kind: 'MEMBER_JOINED', actor: dan, member: dan }, 'CHANNEL')).toBe('Dan <b> joined');
    expect(t({ kind: 'MEMBER_REMOVED', actor: ada, member: me })).toBe('Ada removed you');
    expect(t({ kind: 'MEMBER_LEFT', actor: me, member: me })).toBe('You left');
    expect(t({ kind: 'ROLE_CHANGED', actor: ada, member: dan, role: 'ADMIN' })).toBe(
      'Ada made Dan <b> an admin',
    );
    expect(t({ kind: 'TITLE_CHANGED', actor: ada, title: 'Trip ✈️' })).toBe(
      'Ada renamed the group to “Trip ✈️”',
    );
    expect(t({ kind: 'TITLE_CHANGED', title: 'News' }, 'CHANNEL')).toBe(
      'The channel was renamed to “News”',
    );
    expect(t({ kind: 'HISTORY_VISIBILITY_CHANGED', actor: ada, historyVisibility: 'FULL' })).toBe(
      'Ada let new members see earlier messages',
    );
    expect(t({ kind: 'DESCRIPTION_CHANGED', actor: me, description: '' })).toBe(
      'You removed the description',
    );
  });
});
