// The reply count under a thread root: shown only with replies, names the count and my unread
// replies, and opens the thread.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { message } from '../test/fixtures';
import { ThreadUiContext } from './thread-ui-context';
import { ThreadLink } from './thread-link';

afterEach(cleanup);

const withThread = (replyCount: number, unreadCount: number, following = true) => ({
  ...message('c1', 1, 'ann', 'root'),
  thread: {
    __typename: 'ThreadSummary' as const,
    rootId: 'c1-m1',
    replyCount,
    lastReplyAt: new Date(Date.UTC(2026, 0, 1, 12, 5)).toISOString(),
    following,
    unreadCount,
    participants: [
      { __typename: 'User' as const, id: 'bob', name: 'Bob', avatarUrl: null, isBot: false },
    ],
  },
});

describe('ThreadLink', () => {
  it('shows the count and my unread replies, and opens the thread', () => {
    const openThread = vi.fn();
    render(
      <ThreadUiContext.Provider value={{ openThread, forward: vi.fn() }}>
        <ThreadLink message={withThread(2, 1)} />
      </ThreadUiContext.Provider>,
    );
    const link = screen.getByRole('button', { name: /2 replies/ });
    expect(link.textContent).toContain('1 unread');
    fireEvent.click(link);
    expect(openThread).toHaveBeenCalledWith('c1-m1');
  });

  it('shows nothing without replies, and no unread count when not following', () => {
    const { container } = render(<ThreadLink message={withThread(0, 0)} />);
    expect(container.textContent).toBe('');
    cleanup();
    render(<ThreadLink message={withThread(1, 3, false)} />);
    const link = screen.getByRole('button', { name: /1 reply/ });
    expect(link.textContent).not.toContain('unread');
  });
});
