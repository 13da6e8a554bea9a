import { describe, expect, it } from 'vitest';
import {
  busClockMs,
  formatSentAt,
  hopSeconds,
  parseSentAt,
  stampPayload,
  unstampPayload,
} from './bus-envelope';
import { decodeEvent, encodeEvent } from './realtime-event';
import { decodeTenantSecretRotated } from '../tenancy/tenant-secret-rotations';

describe('bus envelope', () => {
  it('stamps a JSON object with its publish time and gives the payload back exactly', () => {
    const payload = '{"type":"READ_RECEIPT","tenantId":"t1","seq":3}';
    const stamped = stampPayload(payload, 1765000000000.125);
    expect(stamped).toBe(
      '{"@busSentAt":1765000000000.125,"type":"READ_RECEIPT","tenantId":"t1","seq":3}',
    );
    expect(JSON.parse(stamped)).toMatchObject({ '@busSentAt': 1765000000000.125, seq: 3 });
    expect(unstampPayload(stamped)).toEqual({ payload, sentAtMs: 1765000000000.125 });
  });

  it('leaves payloads that are not a JSON object with members as they are, unmeasured', () => {
    for (const payload of ['from A', '', '{}', '[1,2]', '"x"', '42', '{ "spaced": 1 }']) {
      expect(stampPayload(payload, 1)).toBe(payload);
      const back = unstampPayload(payload);
      expect(back.payload).toBe(payload);
      expect(back.sentAtMs).toBeNaN();
    }
  });

  it('hands over a payload that only looks stamped untouched', () => {
    const odd = '{"@busSentAt":"soon","type":"X"}';
    expect(unstampPayload(odd)).toEqual({ payload: odd, sentAtMs: NaN });
    expect(unstampPayload('{"@busSentAt":12').payload).toBe('{"@busSentAt":12');
  });

  it('is read by the previous version’s decoders as an unknown field (rolling deploy)', () => {
    const event = {
      type: 'READ_RECEIPT' as const,
      tenantId: 't1',
      conversationId: 'c1',
      userId: 'u1',
      seq: 7,
    };
    // What an older instance does with a stamped payload: decode it, extra member and all.
    expect(decodeEvent(stampPayload(encodeEvent(event), busClockMs()))).toMatchObject(event);
    const control = JSON.stringify({ type: 'TENANT_SECRET_ROTATED', tenantId: 'acme' });
    expect(decodeTenantSecretRotated(stampPayload(control, busClockMs()))).toEqual({
      type: 'TENANT_SECRET_ROTATED',
      tenantId: 'acme',
    });
  });

  it('turns a publish time into a hop in seconds; skew below zero counts as zero', () => {
    expect(hopSeconds(1000, 1002.5)).toBeCloseTo(0.0025, 9);
    expect(hopSeconds(1000, 999)).toBe(0);
    expect(hopSeconds(NaN, 1)).toBeUndefined();
    expect(hopSeconds(0, 1)).toBeUndefined();
    expect(formatSentAt(1765000000000.25)).toBe('1765000000000.250');
    expect(parseSentAt(formatSentAt(1765000000000.25))).toBe(1765000000000.25);
    expect(parseSentAt(undefined)).toBeNaN();
    expect(parseSentAt('garbage')).toBeNaN();
  });

  it('reads the wall clock with sub-millisecond resolution', () => {
    const a = busClockMs();
    const b = busClockMs();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - Date.now())).toBeLessThan(5);
    // Not whole milliseconds only (performance.now() has microseconds).
    const samples = Array.from({ length: 50 }, () => busClockMs() % 1);
    expect(samples.some((f) => f !== 0)).toBe(true);
  });
});
