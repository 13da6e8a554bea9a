import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, nextPhone, ok, removeDataDir } from '../support';
import {
  expectCode,
  expectNoUnexpectedErrors,
  expectOneOf,
  me,
  REQUEST_CODE,
  SmsReceiver,
  startBuiltApi,
  VERIFY_CODE,
} from './identity-helpers';

// Sign-up and login through the webhook SMS sender (a local HTTP gateway), one API process.
describe('sign-in with phone codes (webhook sender)', () => {
  let api: ApiProcess;
  let sms: SmsReceiver;

  beforeAll(async () => {
    sms = await new SmsReceiver().start();
    api = await startBuiltApi({ SMS_WEBHOOK_URL: sms.url });
  });

  afterAll(async () => {
    if (api) {
      expectNoUnexpectedErrors(api);
      await api.stop();
      removeDataDir(api);
    }
    await sms?.stop();
  });

  const request = (phone: string, tenant?: string) =>
    gql(api, REQUEST_CODE, { p: phone, t: tenant ?? null });
  const verify = (phone: string, code: string, name?: string | null) =>
    gql(api, VERIFY_CODE, { p: phone, c: code, n: name ?? null });
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  it('signs up and logs in with the code the gateway receives', async () => {
    const phone = nextPhone();
    const first = await request(phone);
    expect(first.errors).toBeUndefined();
    expect(first.data!.requestLoginCode.sent).toBe(true);
    expect(first.data!.requestLoginCode.expiresInSeconds).toBeGreaterThan(0);

    // The gateway got one JSON POST with number, purpose, code, text and tenant.
    const code = await sms.codeFor(phone);
    const delivered = sms.for(phone);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toEqual({
      to: phone,
      purpose: 'login-code',
      code: expect.stringMatching(/^\d{6}$/),
      text: expect.stringContaining(code),
      tenant: 'default',
    });
    expect(sms.requests.at(-1)).toEqual({
      method: 'POST',
      contentType: expect.stringContaining('application/json'),
    });
    // With a real sender the code does not go to the server log.
    expect(api.output()).not.toContain(`login code for ${phone}`);

    const signedUp = await verify(phone, code, 'Ada Lovelace');
    expect(signedUp.errors).toBeUndefined();
    const auth = signedUp.data!.verifyLoginCode;
    expect(auth.user).toEqual({ id: expect.any(String), name: 'Ada Lovelace', phone });
    expect(typeof auth.accessToken).toBe('string');
    expect(typeof auth.refreshToken).toBe('string');
    expect(new Date(auth.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect((await me(api, auth.accessToken)).data!.me).toMatchObject({
      id: auth.user.id,
      name: 'Ada Lovelace',
      phone,
    });

    // Login: a second code, no name needed, same account (the name is kept).
    await ok(api, REQUEST_CODE, { p: phone, t: null });
    await expect.poll(() => sms.for(phone).length).toBe(2);
    const login = await verify(phone, sms.for(phone)[1]!.code);
    expect(login.errors).toBeUndefined();
    expect(login.data!.verifyLoginCode.user).toEqual({
      id: auth.user.id,
      name: 'Ada Lovelace',
      phone,
    });
    expect(login.data!.verifyLoginCode.accessToken).not.toBe(auth.accessToken);
  });

  it('accepts a formatted number and delivers to its E.164 form', async () => {
    const phone = nextPhone();
    const formatted = `+1 (${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}`;
    expect((await request(formatted)).errors).toBeUndefined();
    const code = await sms.codeFor(phone);
    const result = await verify(formatted, code, 'Formatted');
    expect(result.data?.verifyLoginCode.user.phone).toBe(phone);
  });

  it('answers SMS_DELIVERY_FAILED when the gateway answers 500, and works again once it recovers', async () => {
    const phone = nextPhone();
    sms.status = 500;
    try {
      const failed = await request(phone);
      expectCode(failed, 'SMS_DELIVERY_FAILED');
      expect(failed.data ?? null).toBeNull();
      expect(sms.for(phone).length).toBeGreaterThanOrEqual(1); // it was tried (and retried)
    } finally {
      sms.status = 200;
    }
    const before = sms.for(phone).length;
    const again = await request(phone);
    expect(again.errors).toBeUndefined();
    await expect.poll(() => sms.for(phone).length).toBe(before + 1);
    const result = await verify(phone, sms.for(phone).at(-1)!.code, 'Recovered');
    expect(result.data?.verifyLoginCode.user.name).toBe('Recovered');
  });

  it('asks for a name on first sign-up (NAME_REQUIRED) and then accepts the same code with a name', async () => {
    const phone = nextPhone();
    await ok(api, REQUEST_CODE, { p: phone, t: null });
    const code = await sms.codeFor(phone);
    const noName = await verify(phone, code);
    expectCode(noName, 'NAME_REQUIRED', 'name');
    const stillNoName = await verify(phone, code, null);
    expectCode(stillNoName, 'NAME_REQUIRED', 'name');
    const named = await verify(phone, code, 'Grace Hopper');
    expect(named.errors).toBeUndefined();
    expect(named.data!.verifyLoginCode.user).toMatchObject({ name: 'Grace Hopper', phone });
  });

  it('uses a code once: a second verify with it is LOGIN_CODE_EXPIRED', async () => {
    const phone = nextPhone();
    await ok(api, REQUEST_CODE, { p: phone, t: null });
    const code = await sms.codeFor(phone);
    const first = await verify(phone, code, 'Once');
    expect(first.errors).toBeUndefined();
    expectCode(await verify(phone, code), 'LOGIN_CODE_EXPIRED');
    expectCode(await verify(phone, code, 'Once'), 'LOGIN_CODE_EXPIRED');
    // A number that never asked for a code is answered the same way.
    expectCode(await verify(nextPhone(), '123456', 'Nobody'), 'LOGIN_CODE_EXPIRED');
  });

  it('burns a code after 5 wrong attempts: the right code on the 6th attempt is LOGIN_CODE_EXPIRED', async () => {
    const phone = nextPhone();
    await ok(api, REQUEST_CODE, { p: phone, t: null });
    const code = await sms.codeFor(phone);
    for (let i = 0; i < 4; i++)
      expectCode(await verify(phone, wrong(code), 'Mallory'), 'LOGIN_CODE_INVALID');
    // The 5th wrong code burns it (answered as wrong, or already as expired).
    expectOneOf(await verify(phone, wrong(code), 'Mallory'), [
      'LOGIN_CODE_INVALID',
      'LOGIN_CODE_EXPIRED',
    ]);
    expectCode(await verify(phone, code, 'Mallory'), 'LOGIN_CODE_EXPIRED');
    // Nothing was created: a fresh code for the number still needs a name (no account yet).
    await ok(api, REQUEST_CODE, { p: phone, t: null });
    await expect.poll(() => sms.for(phone).length).toBe(2);
    const fresh = sms.for(phone)[1]!.code;
    expectCode(await verify(phone, fresh), 'NAME_REQUIRED');
    expect((await verify(phone, fresh, 'Finally')).data?.verifyLoginCode.user.name).toBe('Finally');
  });

  it('answers requestLoginCode identically for registered and unknown numbers', async () => {
    const known = nextPhone();
    await ok(api, REQUEST_CODE, { p: known, t: null });
    expect((await verify(known, await sms.codeFor(known), 'Known')).errors).toBeUndefined();
    const unknown = nextPhone();
    const forKnown = await request(known);
    const forUnknown = await request(unknown);
    expect(forKnown.errors).toBeUndefined();
    expect(JSON.stringify(forKnown)).toBe(JSON.stringify(forUnknown));
    // Both got an SMS (the sender does not look the number up).
    await expect.poll(() => sms.for(unknown).length).toBe(1);
    await expect.poll(() => sms.for(known).length).toBe(2);
  });

  it('limits code requests per number: the 6th within the window is RATE_LIMITED with a retry hint and sends nothing', async () => {
    const phone = nextPhone();
    for (let i = 0; i < 5; i++) expect((await request(phone)).errors).toBeUndefined();
    await expect.poll(() => sms.for(phone).length).toBe(5);
    const limited = await request(phone);
    expectCode(limited, 'RATE_LIMITED');
    expect(limited.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(sms.for(phone)).toHaveLength(5);
    // The latest code still works; other numbers are not affected.
    expect((await verify(phone, sms.for(phone)[4]!.code, 'Patient')).errors).toBeUndefined();
  });

  it('refuses malformed phone numbers, tenants and wrongly typed arguments with stable codes, sending nothing', async () => {
    const sent = sms.received.length;
    const malformed = [
      '',
      ' ',
      '123',
      '4155550123',
      '+1',
      '+1415',
      '+++14155550123',
      '+1415555012a',
      'phone',
      '+99912345678901234',
      '\u0000+14155550123',
      `+1${'4'.repeat(10_000)}`,
      '+'.repeat(10_000),
    ];
    for (const phone of malformed) expectCode(await request(phone), 'BAD_USER_INPUT', 'phone');
    expectCode(await request(nextPhone(), 'Not A Tenant!'), 'BAD_USER_INPUT', 'tenant');
    expectCode(await request(nextPhone(), 'x'.repeat(10_000)), 'BAD_USER_INPUT', 'tenant');
    // An unknown tenant answers like a known one (no tenant enumeration): nothing is sent.
    const unknownTenant = await request(nextPhone(), 'no-such-tenant');
    expect(unknownTenant.errors).toBeUndefined();
    expect(unknownTenant.data?.requestLoginCode?.sent).toBe(true);

    // Wrong types and missing arguments, inline and as variables.
    expectCode(
      await gql(api, 'mutation { requestLoginCode(phone: 14155550123) { sent } }'),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expectCode(
      await gql(api, 'mutation { requestLoginCode { sent } }'),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expectCode(
      await gql(api, 'mutation { requestLoginCode(phone: null) { sent } }'),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expectCode(
      await gql(api, 'mutation { requestLoginCode(phone: "+14155550123", bogus: 1) { sent } }'),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expectOneOf(await gql(api, REQUEST_CODE, { p: 14155550123 }), [
      'BAD_USER_INPUT',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expectOneOf(await gql(api, REQUEST_CODE, { p: ['+14155550123'] }), [
      'BAD_USER_INPUT',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expectOneOf(await gql(api, REQUEST_CODE, {}), ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']);
    expectOneOf(await gql(api, REQUEST_CODE, { p: { $ne: null } }), [
      'BAD_USER_INPUT',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expectOneOf(await gql(api, 'mutation { requestLoginCode(phone: "+1415555'), [
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
    ]);

    expect(sms.received.length).toBe(sent);
  });

  it('refuses phone numbers with control characters or trailing text instead of extracting a number from them', async () => {
    const sent = sms.received.length;
    for (const phone of [
      '+14155550123\u0007',
      '+14155550123\u0000',
      '+1 415 555 0123 <script>',
      '+1 415 555 0123 ext 9; DROP TABLE users',
    ]) {
      expectCode(await request(phone), 'BAD_USER_INPUT', 'phone');
    }
    expect(sms.received.length).toBe(sent);
  });

  it('refuses bad names and arguments on verifyLoginCode without spending the code or creating anything', async () => {
    const phone = nextPhone();
    await ok(api, REQUEST_CODE, { p: phone, t: null });
    const code = await sms.codeFor(phone);

    for (const name of [
      '',
      '   ',
      'x'.repeat(10_000),
      'Bell\u0007',
      'Line\nbreak',
      'Tab\there',
      'Nul\u0000',
      'Esc\u001b[31m',
      'C1\u0085',
      '\uD800lone',
    ]) {
      expectCode(await verify(phone, code, name), 'BAD_USER_INPUT', 'name');
    }
    expectCode(await verify('not-a-phone', code, 'Valid Name'), 'BAD_USER_INPUT', 'phone');
    expectCode(
      await gql(
        api,
        'mutation { verifyLoginCode(phone: "+14155550123", code: 123456, name: "X") { accessToken } }',
      ),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expectCode(
      await gql(api, 'mutation { verifyLoginCode(phone: "+14155550123") { accessToken } }'),
      'GRAPHQL_VALIDATION_FAILED',
    );
    expectOneOf(await gql(api, VERIFY_CODE, { p: phone, c: Number(code), n: 'X' }), [
      'BAD_USER_INPUT',
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expectOneOf(await gql(api, VERIFY_CODE, { p: phone, n: 'X' }), [
      'BAD_USER_INPUT',
      'GRAPHQL_VALIDATION_FAILED',
    ]);

    // None of that cost an attempt or created the account: the code still signs up, with the good name.
    const result = await verify(phone, code, '  Valid Name  ');
    expect(result.errors).toBeUndefined();
    expect(result.data!.verifyLoginCode.user).toMatchObject({ name: 'Valid Name', phone });
  });
});
