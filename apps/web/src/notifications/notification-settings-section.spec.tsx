// Settings → Notifications: what the section says in each permission state, and that changing a
// level saves it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import {
  NotificationSetupDocument,
  UpdateNotificationSettingsDocument,
  type NotificationSetupQuery,
} from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { NotificationSettingsSection } from './notification-settings-section';
import { minutesToTime, timeToMinutes } from './quiet-hours';

const settings = (channel: 'ALL' | 'MENTIONS' | 'NONE') => ({
  __typename: 'NotificationSettings' as const,
  levels: {
    __typename: 'NotifyLevels' as const,
    direct: 'ALL' as const,
    group: 'ALL' as const,
    channel,
  },
  timeZone: 'Europe/Berlin',
  quietHours: null,
  onlyIfUnread: true,
  delaySeconds: 60,
});

const setup = (
  channel: 'ALL' | 'MENTIONS' | 'NONE',
  key: string | null = 'BKey',
): MockedResponse => ({
  request: { query: NotificationSetupDocument },
  result: {
    data: {
      vapidPublicKey: key,
      myPushDevices: [],
      notificationSettings: settings(channel),
    } satisfies NotificationSetupQuery,
  },
});

function renderSection(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <NotificationSettingsSection />
    </MockedProvider>,
  );
}

describe('NotificationSettingsSection', () => {
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('explains before asking: the button comes with what it means', async () => {
    vi.stubGlobal('Notification', { permission: 'default', requestPermission: vi.fn() });
    Object.defineProperty(navigator, 'serviceWorker', { value: {}, configurable: true });
    renderSection([setup('MENTIONS')]);
    const button = await screen.findByRole('button', { name: 'Turn on notifications' });
    expect(button.closest('[data-testid="push-permission"]')?.textContent).toContain(
      'Your browser will ask for permission next',
    );
  });

  it('says how to allow blocked notifications instead of offering a dead button', async () => {
    vi.stubGlobal('Notification', { permission: 'denied', requestPermission: vi.fn() });
    Object.defineProperty(navigator, 'serviceWorker', { value: {}, configurable: true });
    renderSection([setup('MENTIONS')]);
    expect(await screen.findByText(/blocked for this site/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Turn on notifications' })).toBeNull();
  });

  it('says so when the server has no push keys', async () => {
    vi.stubGlobal('Notification', { permission: 'default', requestPermission: vi.fn() });
    Object.defineProperty(navigator, 'serviceWorker', { value: {}, configurable: true });
    renderSection([setup('MENTIONS', null)]);
    expect(await screen.findByText(/not set up on this server/)).toBeTruthy();
  });

  it('saves a changed level', async () => {
    vi.stubGlobal('Notification', { permission: 'default', requestPermission: vi.fn() });
    const saved = vi.fn(() => ({ data: { updateNotificationSettings: settings('NONE') } }));
    renderSection([
      setup('MENTIONS'),
      {
        request: {
          query: UpdateNotificationSettingsDocument,
          variables: { input: { levels: { channel: 'NONE' } } },
        },
        result: saved,
      },
      setup('NONE'),
    ]);
    const select = await screen.findByRole('combobox', { name: 'Channels' });
    expect((select as HTMLSelectElement).value).toBe('MENTIONS');
    fireEvent.change(select, { target: { value: 'NONE' } });
    await waitFor(() => expect(saved).toHaveBeenCalledTimes(1));
  });

  it('reads and writes quiet-hour times', () => {
    expect(minutesToTime(22 * 60 + 5)).toBe('22:05');
    expect(timeToMinutes('07:30')).toBe(450);
    expect(timeToMinutes('24:00')).toBeNull();
    expect(timeToMinutes('7:30')).toBeNull();
    for (let m = 0; m < 1440; m += 7) expect(timeToMinutes(minutesToTime(m))).toBe(m);
  });
});
