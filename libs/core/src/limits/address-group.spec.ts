import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressGroup } from './address-group';

describe('addressGroup', () => {
  it('keeps IPv4 addresses and groups IPv6 addresses by /64', () => {
    expect(addressGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(addressGroup('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:2::ffff')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:DB8:0001:0002:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('::ffff:198.51.100.9')).toBe('198.51.100.9');
    expect(addressGroup('::ffff:c633:6409')).toBe('198.51.100.9');
    expect(addressGroup('unknown')).toBe('unknown');
  });

  it('puts every address of one /64 in one group and addresses of different /64s in different groups', () => {
    const group = fc.integer({ min: 0, max: 0xffff });
    const groups = (n: number) => fc.array(group, { minLength: n, maxLength: n });
    fc.assert(
      fc.property(groups(4), groups(4), groups(4), (prefix, a, b) => {
        const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
        const first = addressGroup(`${hex(prefix)}:${hex(a)}`);
        expect(first).toBe(addressGroup(`${hex(prefix)}:${hex(b)}`));
        const other = [...prefix];
        other[3] = (other[3]! + 1) & 0xffff;
        expect(addressGroup(`${hex(other)}:${hex(a)}`)).not.toBe(first);
      }),
    );
  });
});
