import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProcess, gql, GqlResult, nextPhone, removeDataDir } from '../support';
import {
  appToken,
  expectNoUnexpectedErrors,
  REQUEST_CODE,
  SmsReceiver,
  startBuiltApi,
  VERIFY_CODE,
} from './identity-helpers';

/**
 * Sign-in abuse: tenant enumeration, address rotation inside an IPv6 /64, SMS toll fraud through
 * volume, brute force of the admin token, and tenants that must not accept phone sign-ups. The
 * API sits behind a (simulated) proxy on loopback, so X-Forwarded-For names the client.
 */
const ADMIN_TOKEN = `admin-${randomBytes(16).toString('hex')}`;
const from = (address: string) => ({ 'x-forwarded-for': address });
const codeOf = (r: GqlResult<unknown>) => r.errors?.[0]?.extensions?.code ?? 'sent';
const request = (api: ApiProcess, phone: string, tenant: string | null, address: string) =>
  gql(api, REQUEST_CODE, { p: phone, t: tenant }, undefined, from(address));
const verify = (
  api: ApiProcess,
  phone: string,
  code: string,
  tenant: string | null,
  address: string,
  name: string | null = 'Eve',
) => gql(api, VERIFY_CODE, { p: phone, c: code, n: name, t: tenant }, undefined, from(address));
const admin = (
  api: ApiProcess,
  query: string,
  variables: Record<string, unknown> = {},
  address = '198.51.100.200',
  token = ADMIN_TOKEN,
) => gql(api, query, variables, undefined, { 'x-admin-token': token, ...from(address) });

describe('sign-in abuse (default limits)', () => {
  let api: ApiProcess;
  const sms = new SmsReceiver();

  beforeAll(async () => {
    await sms.start();
    api = await startBuiltApi({ ADMIN_TOKEN, TRUST_PROXY: 'loopback', SMS_WEBHOOK_URL: sms.url });
  }, 60_000);

  afterAll(async () => {
    if (api) {
      expectNoUnexpectedErrors(api);
      await api.stop();
      removeDataDir(api);
    }
    await sms.stop();
  });

  it('answers unknown tenants exactly like known ones, under the same per-address limit, sending nothing', async () => {
    const outcomes: Record<string, string[]> = {};
    const phones: Record<string, string[]> = {};
    for (const [tenant, address] of [
      ['default', '192.0.2.10'],
      ['no-such-tenant', '192.0.2.11'],
    ] as const) {
      phones[tenant] = Array.from({ length: 31 }, () => nextPhone());
      outcomes[tenant] = [];
      for (const phone of phones[tenant]) {
        const answer = await request(api, phone, tenant, address);
        outcomes[tenant].push(answer.errors ? String(codeOf(answer)) : JSON.stringify(answer.data));
      }
    }
    expect(outcomes['no-such-tenant']).toEqual(outcomes['default']);
    expect(outcomes['default']!.slice(0, 30).every((o) => o.includes('"sent":true'))).toBe(true);
    expect(outcomes['default']![30]).toBe('RATE_LIMITED');
    // Codes went to the known tenant's numbers only.
    await sms.codeFor(phones['default']![29]!);
    expect(phones['no-such-tenant']!.some((p) => sms.for(p).length > 0)).toBe(false);

    // Verifying answers alike too: an unknown tenant's code is "expired", as a never-sent code is.
    const known = await verify(api, nextPhone(), '123456', 'default', '192.0.2.12');
    const unknown = await verify(api, nextPhone(), '123456', 'no-such-tenant', '192.0.2.12');
    expect([codeOf(known), known.errors?.[0]?.message]).toEqual([
      codeOf(unknown),
      unknown.errors?.[0]?.message,
    ]);
    expect(codeOf(unknown)).toBe('LOGIN_CODE_EXPIRED');
  }, 60_000);

  it('counts every address of one IPv6 /64 as one client', async () => {
    const outcomes: string[] = [];
    for (let i = 1; i <= 31; i++)
      outcomes.push(
        String(
          codeOf(await request(api, nextPhone(), null, `2001:db8:77:1:${i.toString(16)}::${i}`)),
        ),
      );
    expect(outcomes.slice(0, 30)).toEqual(Array<string>(30).fill('sent'));
    expect(outcomes[30]).toBe('RATE_LIMITED');
    // The next /64 is another client.
    expect(codeOf(await request(api, nextPhone(), null, '2001:db8:77:2::1'))).toBe('sent');
  }, 60_000);

  it('lets operators turn phone sign-up off for a tenant: no code, no account for new numbers; existing users and app tokens still work', async () => {
    const created = await admin(
      api,
      'mutation { createTenant(id: "apponly", name: "App only") { signingSecret } }',
    );
    const secret = (created.data as { createTenant: { signingSecret: string } }).createTenant
      .signingSecret;
    const member = nextPhone();
    expect(codeOf(await request(api, member, 'apponly', '192.0.2.20'))).toBe('sent');
    expect(
      codeOf(await verify(api, member, await sms.codeFor(member), 'apponly', '192.0.2.20', 'Mia')),
    ).toBe('sent');

    const SET =
      'mutation($on:Boolean!){ updateTenantSettings(id: "apponly", phoneSignUp: $on) { id phoneSignUp } }';
    expect(codeOf(await gql(api, SET, { on: false }, undefined, from('192.0.2.21')))).toBe(
      'FORBIDDEN',
    );
    expect((await admin(api, SET, { on: false })).data).toEqual({
      updateTenantSettings: { id: 'apponly', phoneSignUp: false },
    });
    expect((await admin(api, '{ tenants { id phoneSignUp } }')).data?.tenants).toContainEqual({
      id: 'apponly',
      phoneSignUp: false,
    });

    // A new number gets the usual answer, but no SMS and no account.
    const stranger = nextPhone();
    const asked = await request(api, stranger, 'apponly', '192.0.2.22');
    expect(asked.errors).toBeUndefined();
    expect((asked.data as { requestLoginCode: { sent: boolean } }).requestLoginCode.sent).toBe(
      true,
    );
    for (const code of ['000000', '123456'])
      expect(codeOf(await verify(api, stranger, code, 'apponly', '192.0.2.22'))).toBe(
        'LOGIN_CODE_EXPIRED',
      );
    // The registered number still signs in; app-issued tokens still work.
    const before = sms.for(member).length;
    expect(codeOf(await request(api, member, 'apponly', '192.0.2.23'))).toBe('sent');
    await waitForSms(sms, member, before + 1);
    expect(sms.for(stranger)).toEqual([]);
    expect(
      codeOf(
        await verify(api, member, sms.for(member).at(-1)!.code, 'apponly', '192.0.2.23', null),
      ),
    ).toBe('sent');
    expect(
      (
        await gql(
          api,
          '{ me { id } }',
          {},
          await appToken(secret, { tenant: 'apponly', sub: 'app-user' }),
        )
      ).errors,
    ).toBeUndefined();
  }, 60_000);

  it('limits admin-token attempts per address (IPv6 by /64), right token or wrong', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 61; i++)
      outcomes.push(
        String(
          codeOf(
            await admin(
              api,
              '{ tenants { id } }',
              {},
              `2001:db8:99:1::${i + 1}`,
              `wrong-${i}-${'x'.repeat(24)}`,
            ),
          ),
        ),
      );
    expect(outcomes.slice(0, 60)).toEqual(Array<string>(60).fill('FORBIDDEN'));
    expect(outcomes[60]).toBe('RATE_LIMITED');
    // The right token does not get through from that network either, but does from another one.
    expect(codeOf(await admin(api, '{ tenants { id } }', {}, '2001:db8:99:1::ffff'))).toBe(
      'RATE_LIMITED',
    );
    expect(codeOf(await admin(api, '{ tenants { id } }', {}, '2001:db8:99:2::1'))).toBe('sent');
  }, 60_000);
});

describe('SMS budgets per tenant and for the deployment', () => {
  let api: ApiProcess;
  const sms = new SmsReceiver();

  beforeAll(async () => {
    await sms.start();
    api = await startBuiltApi({
      ADMIN_TOKEN,
      TRUST_PROXY: 'loopback',
      SMS_WEBHOOK_URL: sms.url,
      SMS_PER_TENANT_PER_HOUR: '3',
      SMS_PER_HOUR: '5',
    });
  }, 60_000);

  afterAll(async () => {
    if (api) {
      expectNoUnexpectedErrors(api);
      await api.stop();
      removeDataDir(api);
    }
    await sms.stop();
  });

  it('stops sending past SMS_PER_TENANT_PER_HOUR for a tenant and past SMS_PER_HOUR in all, whatever the address', async () => {
    expect(
      codeOf(
        await admin(
          api,
          'mutation { createTenant(id: "second", name: "Second") { signingSecret } }',
        ),
      ),
    ).toBe('sent');
    let n = 0;
    const ask = async (tenant: string) =>
      String(codeOf(await request(api, nextPhone(), tenant, `203.0.113.${++n}`)));
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(`default ${await ask('default')}`);
    for (let i = 0; i < 3; i++) outcomes.push(`second ${await ask('second')}`);
    expect(outcomes).toEqual([
      'default sent',
      'default sent',
      'default sent',
      'default RATE_LIMITED', // the tenant's 3 per hour
      'second sent',
      'second sent',
      'second RATE_LIMITED', // the deployment's 5 per hour
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(sms.received).toHaveLength(5);
  }, 30_000);
});

async function waitForSms(sms: SmsReceiver, phone: string, count: number): Promise<void> {
  const until = Date.now() + 5_000;
  while (sms.for(phone).length < count) {
    if (Date.now() > until) throw new Error(`no new SMS for ${phone}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
