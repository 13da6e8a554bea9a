import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/domain-error';
import { Call, offerSdpSeenBy } from './call';
import { checkCandidates, checkSdp, MAX_CANDIDATES_PER_BATCH, MAX_SDP_LENGTH } from './call-signal';
import { turnCredentials } from './turn-credentials';
import { historyText, summarize } from './use-cases/call-history';

const call = (overrides: Partial<Call>): Call => ({
  id: 'c1',
  tenantId: 't1',
  conversationId: 'dm',
  callerId: 'ann',
  calleeId: 'ben',
  callerSessionId: 's1',
  calleeSessionId: null,
  media: 'VOICE',
  offerSdp: 'v=0\r\n',
  state: 'ENDED',
  createdAt: new Date(0),
  expiresAt: new Date(45_000),
  answeredAt: null,
  endedAt: new Date(45_000),
  endReason: 'MISSED',
  ...overrides,
});

describe('TURN REST credentials (coturn use-auth-secret)', () => {
  it('names the expiry and the user, and the password is the base64 HMAC-SHA1 of the username', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const minted = turnCredentials('s3cret-s3cret-s3cret', 'user-1', now, 3600);
    const expiry = now.getTime() / 1000 + 3600;
    expect(minted.username).toBe(`${expiry}:user-1`);
    expect(minted.expiresAt).toEqual(new Date(expiry * 1000));
    const expected = createHmac('sha1', 's3cret-s3cret-s3cret')
      .update(minted.username)
      .digest('base64');
    expect(minted.credential).toBe(expected);
    // Another secret (a server that does not share it) computes another password.
    expect(createHmac('sha1', 'other').update(minted.username).digest('base64')).not.toBe(
      minted.credential,
    );
  });
});

describe('call signal validation', () => {
  it('accepts a browser-shaped SDP and refuses anything else with VALIDATION_FAILED', () => {
    expect(checkSdp('sdp', 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n')).toMatch(/^v=0/);
    for (const bad of [null, 42, '', 'hello', `v=0${'a'.repeat(MAX_SDP_LENGTH)}`, 'v=0\u0000x'])
      expect(() => checkSdp('sdp', bad)).toThrowError(DomainError);
  });

  it('never crashes on hostile text: it returns the input or throws a DomainError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        for (const check of [() => checkSdp('sdp', `v=0${text}`), () => checkCandidates([text])]) {
          try {
            check();
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect((error as DomainError).code).toBe('VALIDATION_FAILED');
          }
        }
      }),
    );
  });

  it('takes 1 to 32 candidates per batch', () => {
    expect(() => checkCandidates([])).toThrowError(DomainError);
    expect(() =>
      checkCandidates(Array.from({ length: MAX_CANDIDATES_PER_BATCH + 1 }, () => '{}')),
    ).toThrowError(DomainError);
    expect(checkCandidates(['{"candidate":"x"}'])).toEqual(['{"candidate":"x"}']);
  });
});

describe('call history', () => {
  it('says missed, declined, or how long an answered call lasted', () => {
    expect(summarize(call({}))).toMatchObject({ outcome: 'MISSED', durationSeconds: null });
    expect(historyText(summarize(call({})))).toBe('Missed voice call');
    const declined = summarize(call({ endReason: 'DECLINED', media: 'VIDEO' }));
    expect(historyText(declined)).toBe('Declined video call');
    const talked = summarize(
      call({ answeredAt: new Date(5_000), endedAt: new Date(130_000), endReason: 'HANGUP' }),
    );
    expect(talked).toMatchObject({ outcome: 'COMPLETED', durationSeconds: 125 });
    expect(historyText(talked)).toBe('Voice call (2:05)');
  });
});

describe('what a viewer sees of a call', () => {
  it("shows the caller's offer to the callee alone, while the call rings", () => {
    expect(offerSdpSeenBy(call({ state: 'RINGING' }), 'ben')).toBe('v=0\r\n');
    expect(offerSdpSeenBy(call({ state: 'RINGING' }), 'ann')).toBeNull();
    expect(offerSdpSeenBy(call({ state: 'RINGING' }), 'cleo')).toBeNull();
    for (const state of ['ACTIVE', 'ENDED'] as const)
      expect(offerSdpSeenBy(call({ state }), 'ben')).toBeNull();
  });
});
