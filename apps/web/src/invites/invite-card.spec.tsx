// The invitation card: besides sharing, the server can text the invitation through its SMS
// sender; its refusals are said in plain words.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { GraphQLError } from 'graphql';
import { MeDocument, SendInviteDocument } from '@chatter/client';
import { user } from '../test/fixtures';
import { InviteCard } from './invite-card';

const PHONE = '+14155550169';
const meMock: MockedResponse = {
  request: { query: MeDocument },
  result: {
    data: { me: { ...user('u1', 'Ada'), phone: '+14155550100', presencePrivacy: 'EVERYONE' } },
  },
};
const invite = (result: MockedResponse['result']): MockedResponse => ({
  request: { query: SendInviteDocument, variables: { phone: PHONE } },
  result,
});

function renderCard(mocks: MockedResponse[]) {
  render(
    <MockedProvider mocks={[meMock, ...mocks]}>
      <InviteCard phone={PHONE} display="+1 415 555 0169" />
    </MockedProvider>,
  );
}

describe('InviteCard', () => {
  afterEach(cleanup);

  it('asks the server to text the invitation, then says it was sent', async () => {
    renderCard([
      invite({
        data: { sendInvite: { __typename: 'SendInvitePayload', sent: true, to: PHONE } },
      }),
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Let Chatter text them' }));
    expect((await screen.findByRole('status')).textContent).toBe(
      'Invitation sent to +1 415 555 0169.',
    );
    const done = screen.getByRole('button', { name: 'Invitation sent' }) as HTMLButtonElement;
    expect(done.disabled).toBe(true);
    // Sharing from this device stays offered.
    expect(screen.getByRole('link', { name: 'Send by SMS' }).getAttribute('href')).toMatch(
      /^sms:\+14155550169\?body=/,
    );
  });

  it('says in plain words why it was not sent, and lets the person try again', async () => {
    renderCard([
      invite({
        errors: [
          new GraphQLError('too many invitations to this number; retry in 86400 s', {
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 86400 },
          }),
        ],
      }),
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Let Chatter text them' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'This number got an invitation recently, or you have sent many today. Share or copy the invite instead.',
    );
    expect(alert.textContent).not.toMatch(/retry in|86400/);
    expect(
      (screen.getByRole('button', { name: 'Let Chatter text them' }) as HTMLButtonElement).disabled,
    ).toBe(false);
  });
});
