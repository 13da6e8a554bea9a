// Settings → Notifications → E-mail digest: hidden without SMTP, address → code → verified, and
// the digest switch.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import {
  MyNotificationEmailDocument,
  SetEmailDigestDocument,
  SetNotificationEmailDocument,
  VerifyNotificationEmailDocument,
} from '@chatter/client';
import { createCache } from '../apollo/apollo-client';
import { EmailDigestSection } from './email-digest-section';

const view = (over: Record<string, unknown> = {}) => ({
  __typename: 'NotificationEmail' as const,
  available: true,
  address: null as string | null,
  verified: false,
  emailDigest: false,
  codePending: false,
  ...over,
});

const current = (v: ReturnType<typeof view>): MockedResponse => ({
  request: { query: MyNotificationEmailDocument },
  result: { data: { myNotificationEmail: v } },
});

function renderSection(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <EmailDigestSection />
    </MockedProvider>,
  );
}

describe('EmailDigestSection', () => {
  afterEach(cleanup);

  it('shows nothing when the server cannot send e-mail', async () => {
    renderSection([current(view({ available: false }))]);
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByText('E-mail digest')).toBeNull();
  });

  it('sends a code to the address, then verifies it', async () => {
    const address = 'ada@example.com';
    const pending = view({ address, codePending: true, emailDigest: true });
    renderSection([
      current(view()),
      {
        request: { query: SetNotificationEmailDocument, variables: { email: address } },
        result: { data: { setNotificationEmail: pending } },
      },
      {
        request: { query: VerifyNotificationEmailDocument, variables: { code: '123456' } },
        result: {
          data: { verifyNotificationEmail: { ...pending, verified: true, codePending: false } },
        },
      },
      {
        request: { query: SetEmailDigestDocument, variables: { enabled: false } },
        result: {
          data: {
            setEmailDigest: { ...pending, verified: true, codePending: false, emailDigest: false },
          },
        },
      },
    ]);
    fireEvent.change(await screen.findByLabelText('E-mail address'), {
      target: { value: address },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
    expect(await screen.findByText(`We sent a code to ${address}.`)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Code from the e-mail'), {
      target: { value: '12a3456' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('E-mail address verified.')).toBeTruthy();
    expect(screen.getByText(`Verified: ${address}`)).toBeTruthy();
    const toggle = screen.getByRole('checkbox', {
      name: 'E-mail me a digest of unread conversations',
    }) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    fireEvent.click(toggle);
    expect(await screen.findByText('E-mail digests are off.')).toBeTruthy();
  });
});
