import { describe, expect, it } from 'vitest';
import { exitNoticeText, type ViewerExit } from './exit-notice-text';

const exit = (change: 'REMOVED' | 'LEFT', by: { id: string; name: string } | null): ViewerExit => ({
  __typename: 'ConversationExit',
  change,
  at: '2026-01-01T12:00:00.000Z',
  by: by && { __typename: 'User', ...by },
});

describe('exitNoticeText', () => {
  it('says who removed me, and where', () => {
    expect(exitNoticeText(exit('REMOVED', { id: 'ada', name: 'Ada' }), 'GROUP', 'me').title).toBe(
      'You were removed from this group by Ada',
    );
    expect(exitNoticeText(exit('REMOVED', null), 'CHANNEL', 'me').title).toBe(
      'You were removed from this channel',
    );
  });

  it('says I left when I did', () => {
    expect(exitNoticeText(exit('LEFT', { id: 'me', name: 'Me' }), 'GROUP', 'me').title).toBe(
      'You left this group',
    );
    expect(exitNoticeText(exit('LEFT', null), 'CHANNEL', 'me').title).toBe('You left this channel');
  });

  it('keeps a hostile name as text', () => {
    const { title } = exitNoticeText(
      exit('REMOVED', { id: 'x', name: '<img src=x onerror=alert(1)>' }),
      'GROUP',
      'me',
    );
    expect(title).toBe('You were removed from this group by <img src=x onerror=alert(1)>');
  });
});
