import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MockedProvider, type MockedResponse } from '@apollo/client/testing';
import { GraphQLError } from 'graphql';
import { RequestLoginCodeDocument, VerifyLoginCodeDocument } from '@chatter/client';
import { SignInPage } from './sign-in.page';
import { AppServicesContext, type AppServices } from '../app/services';
import { Session } from '../auth/session';
import { MemoryStorage, user } from '../test/fixtures';

const PHONE = '+15550100001';
const me = { ...user('u1', 'Ada Lovelace'), phone: PHONE, presencePrivacy: 'EVERYONE' as const };
const authPayload = {
  __typename: 'AuthPayload' as const,
  accessToken: 'access-1',
  refreshToken: 'refresh-1',
  expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  user: me,
};

const requestCode: MockedResponse = {
  request: { query: RequestLoginCodeDocument, variables: { phone: PHONE } },
  result: {
    data: {
      requestLoginCode: {
        __typename: 'RequestLoginCodePayload',
        sent: true,
        expiresInSeconds: 300,
        resendAfterSeconds: 30,
      },
    },
  },
};

function renderPage(mocks: MockedResponse[]) {
  const session = new Session('/graphql', new MemoryStorage(), vi.fn());
  const accept = vi.spyOn(session, 'accept');
  const services = { session, client: null } as unknown as AppServices;
  render(
    <AppServicesContext.Provider value={services}>
      <MockedProvider mocks={mocks}>
        <SignInPage />
      </MockedProvider>
    </AppServicesContext.Provider>,
  );
  return { session, accept };
}

async function enterPhoneAndCode(code: string) {
  await screen.findByLabelText('Country'); // the number library has loaded
  fireEvent.change(screen.getByLabelText('Phone number'), { target: { value: PHONE } });
  fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
  const codeInput = await screen.findByLabelText('Login code');
  expect(screen.getByText('+1 555 010 0001')).toBeTruthy();
  fireEvent.change(codeInput, { target: { value: code } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignInPage', () => {
  afterEach(cleanup);

  it('accepts a number as people write it, formatted as they type, in the country of the browser', async () => {
    expect(navigator.language).toBe('en-US');
    renderPage([
      {
        ...requestCode,
        request: { query: RequestLoginCodeDocument, variables: { phone: '+14152345678' } },
      },
    ]);
    const country = (await screen.findByLabelText('Country')) as HTMLSelectElement;
    expect(country.value).toBe('US');
    const input = screen.getByLabelText('Phone number') as HTMLInputElement;
    for (const typed of [
      '(',
      '(4',
      '(41',
      '(415',
      '(415) 2',
      '(415) 23',
      '(415) 234-5',
      '(415) 234-56',
      '(415) 234-567',
      '(415) 234-5678',
    ])
      fireEvent.change(input, { target: { value: typed } });
    expect(input.value).toBe('(415) 234-5678');
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
    expect(await screen.findByLabelText('Login code')).toBeTruthy();
  });

  it('uses the picked country for a national number', async () => {
    renderPage([
      {
        ...requestCode,
        request: { query: RequestLoginCodeDocument, variables: { phone: '+442079460958' } },
      },
    ]);
    fireEvent.change(await screen.findByLabelText('Country'), { target: { value: 'GB' } });
    fireEvent.change(screen.getByLabelText('Phone number'), { target: { value: '020 7946 0958' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
    expect(await screen.findByLabelText('Login code')).toBeTruthy();
  });

  it('explains a number that cannot be one, in plain words, without asking the server', async () => {
    renderPage([]);
    await screen.findByLabelText('Country');
    fireEvent.change(screen.getByLabelText('Phone number'), { target: { value: '12' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'That does not look like a phone number. Check the number and the country.',
    );
  });

  it('signs in an existing user with phone and code', async () => {
    const { accept, session } = renderPage([
      requestCode,
      {
        request: { query: VerifyLoginCodeDocument, variables: { phone: PHONE, code: '123456' } },
        result: { data: { verifyLoginCode: authPayload } },
      },
    ]);
    await enterPhoneAndCode('123456');
    await waitFor(() =>
      expect(accept).toHaveBeenCalledWith(
        expect.objectContaining({ accessToken: 'access-1', refreshToken: 'refresh-1' }),
      ),
    );
    expect(session.state).toBe('signed-in');
    // The resend button waits for resendAfterSeconds.
    expect(
      (screen.getByRole('button', { name: /Resend code in/ }) as HTMLButtonElement).disabled,
    ).toBe(true);
    session.dispose();
  });

  it('asks for a name on first sign-up (NAME_REQUIRED) and sends it with the same code', async () => {
    const { accept, session } = renderPage([
      requestCode,
      {
        request: { query: VerifyLoginCodeDocument, variables: { phone: PHONE, code: '654321' } },
        result: {
          errors: [new GraphQLError('Name required', { extensions: { code: 'NAME_REQUIRED' } })],
        },
      },
      {
        request: {
          query: VerifyLoginCodeDocument,
          variables: { phone: PHONE, code: '654321', name: 'Ada Lovelace' },
        },
        result: { data: { verifyLoginCode: authPayload } },
      },
    ]);
    await enterPhoneAndCode('654321');
    const nameInput = await screen.findByLabelText('Your name');
    expect(accept).not.toHaveBeenCalled();
    fireEvent.change(nameInput, { target: { value: 'Ada Lovelace' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(accept).toHaveBeenCalledTimes(1));
    session.dispose();
  });

  it('explains a wrong code and lets the user try again', async () => {
    const { accept } = renderPage([
      requestCode,
      {
        request: { query: VerifyLoginCodeDocument, variables: { phone: PHONE, code: '000000' } },
        result: {
          errors: [
            new GraphQLError('Invalid code', { extensions: { code: 'LOGIN_CODE_INVALID' } }),
          ],
        },
      },
    ]);
    await enterPhoneAndCode('000000');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/code is not right/);
    expect(screen.getByLabelText('Login code')).toBeTruthy();
    expect(accept).not.toHaveBeenCalled();
  });

  it('shows the wait time when rate limited', async () => {
    renderPage([
      {
        request: { query: RequestLoginCodeDocument, variables: { phone: PHONE } },
        result: {
          errors: [
            new GraphQLError('Slow down', {
              extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 42 },
            }),
          ],
        },
      },
    ]);
    fireEvent.change(screen.getByLabelText('Phone number'), { target: { value: PHONE } });
    fireEvent.click(screen.getByRole('button', { name: 'Send code' }));
    expect((await screen.findByRole('alert')).textContent).toContain('42 s');
    expect(screen.queryByLabelText('Login code')).toBeNull();
  });

  it('signs in to the tenant named in the address (?tenant=acme)', async () => {
    window.history.pushState({}, '', '/?tenant=acme');
    try {
      const { accept, session } = renderPage([
        {
          request: { query: RequestLoginCodeDocument, variables: { phone: PHONE, tenant: 'acme' } },
          result: requestCode.result,
        },
        {
          request: {
            query: VerifyLoginCodeDocument,
            variables: { phone: PHONE, code: '111111', tenant: 'acme' },
          },
          result: { data: { verifyLoginCode: authPayload } },
        },
      ]);
      await enterPhoneAndCode('111111');
      await waitFor(() => expect(accept).toHaveBeenCalledTimes(1));
      session.dispose();
    } finally {
      window.history.pushState({}, '', '/');
    }
  });
});
