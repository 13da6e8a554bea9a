import { describe, expect, it } from 'vitest';
import { addressRanges, allowedTargets, isAllowedTarget } from './address-ranges';

describe('operator-allowed address ranges', () => {
  it('parse CIDR lists and refuse anything else', () => {
    expect(addressRanges(['127.0.0.0/8', '::1/128', ' 10.0.0.0/8 '])).not.toBeTypeOf('string');
    for (const bad of ['127.0.0.1', '127.0.0.0/33', '::1/129', 'localhost/8', '1.2.3.4/8/1', ''])
      expect(addressRanges([bad])).toBeTypeOf('string');
  });

  it('let private addresses through only inside an allowed range; public ones always', () => {
    const ranges = addressRanges(['127.0.0.0/8']);
    if (typeof ranges === 'string') throw new Error(ranges);
    expect(isAllowedTarget('127.0.0.1', ranges)).toBe(true);
    expect(isAllowedTarget('::ffff:127.0.0.5', ranges)).toBe(true);
    expect(isAllowedTarget('::1', ranges)).toBe(false);
    expect(isAllowedTarget('10.0.0.1', ranges)).toBe(false);
    expect(isAllowedTarget('169.254.169.254', null)).toBe(false);
    expect(isAllowedTarget('127.0.0.1', null)).toBe(false);
    expect(isAllowedTarget('93.184.216.34', null)).toBe(true);
    expect(isAllowedTarget('2606:4700::1111', null)).toBe(true);
    expect(isAllowedTarget('not an address', ranges)).toBe(false);
  });

  it('build one check from a configured list; a malformed list allows no private address', () => {
    const allowed = allowedTargets(['127.0.0.0/8']);
    expect(['127.0.0.1', '10.0.0.1', '93.184.216.34'].map(allowed)).toEqual([true, false, true]);
    const malformed = allowedTargets(['127.0.0.1/33']);
    expect(['127.0.0.1', '93.184.216.34'].map(malformed)).toEqual([false, true]);
    expect(allowedTargets([])('192.168.1.1')).toBe(false);
  });
});
