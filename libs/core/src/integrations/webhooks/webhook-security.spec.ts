import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../shared/network/private-address';
import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook target addresses', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:10.0.0.1', true],
    ['not an address', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['93.184.216.34', false],
    ['2606:4700::1111', false],
    ['::ffff:8.8.8.8', false],
  ])('%s private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('webhook signatures (Standard Webhooks)', () => {
  it('matches the specification’s example', () => {
    // From the Standard Webhooks specification's test vectors.
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('verifies any body it signed, and nothing else', () => {
    const secret = newWebhookSecret();
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), fc.string({ maxLength: 500 }), (body, other) => {
        const now = 1_700_000_000;
        const signature = signWebhook(secret, 'msg_1', now, body);
        const headers = { id: 'msg_1', timestamp: String(now), signature };
        expect(verifyWebhook(secret, headers, body, now)).toBe(true);
        if (other !== body) expect(verifyWebhook(secret, headers, other, now)).toBe(false);
        expect(verifyWebhook(secret, headers, body, now + 301)).toBe(false);
        expect(verifyWebhook(secret, { ...headers, id: 'msg_2' }, body, now)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
