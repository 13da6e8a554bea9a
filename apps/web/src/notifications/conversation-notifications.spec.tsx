// Details panel → notifications of one conversation: the level and a snooze are saved.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import {
  ConversationNotificationSettingsDocument,
  SetConversationNotificationsDocument,
} from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { ConversationNotifications } from './conversation-notifications';

const current = (level: 'ALL' | 'MENTIONS' | 'NONE' | null, mutedUntil: string | null = null) => ({
  request: { query: ConversationNotificationSettingsDocument, variables: { conversationId: 'c1' } },
  result: {
    data: {
      conversationNotificationSettings: {
        __typename: 'ConversationNotificationSettings' as const,
        conversationId: 'c1',
        level,
        mutedUntil,
      },
    },
  },
});

function renderControl(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <ConversationNotifications conversationId="c1" />
    </MockedProvider>,
  );
}

describe('ConversationNotifications', () => {
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('saves a level, keeping the default when "My default" is chosen', async () => {
    const saved = vi.fn(() => ({
      data: {
        setConversationNotifications: {
          __typename: 'ConversationNotificationSettings' as const,
          conversationId: 'c1',
          level: 'MENTIONS' as const,
          mutedUntil: null,
        },
      },
    }));
    renderControl([
      current(null),
      {
        request: {
          query: SetConversationNotificationsDocument,
          variables: { input: { conversationId: 'c1', level: 'MENTIONS', mutedUntil: null } },
        },
        result: saved,
      },
      current('MENTIONS'),
    ]);
    const level = await screen.findByRole('combobox', { name: 'Notify me about' });
    expect((level as HTMLSelectElement).value).toBe('');
    fireEvent.change(level, { target: { value: 'MENTIONS' } });
    await waitFor(() => expect(saved).toHaveBeenCalledTimes(1));
  });

  it('snoozes for an hour from now', async () => {
    const now = new Date('2026-03-10T12:00:00.000Z');
    vi.useFakeTimers({ now, toFake: ['Date'] });
    const saved = vi.fn(() => ({
      data: {
        setConversationNotifications: {
          __typename: 'ConversationNotificationSettings' as const,
          conversationId: 'c1',
          level: null,
          mutedUntil: '2026-03-10T13:00:00.000Z',
        },
      },
    }));
    renderControl([
      current(null),
      {
        request: {
          query: SetConversationNotificationsDocument,
          variables: {
            input: { conversationId: 'c1', level: null, mutedUntil: '2026-03-10T13:00:00.000Z' },
          },
        },
        result: saved,
      },
      current(null, '2026-03-10T13:00:00.000Z'),
    ]);
    const snooze = await screen.findByRole('combobox', { name: 'Snooze' });
    fireEvent.change(snooze, { target: { value: '1' } });
    await waitFor(() => expect(saved).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(snooze.textContent).toContain('Until'));
  });
});
