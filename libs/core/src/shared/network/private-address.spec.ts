import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from './private-address';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.255.0.1', true],
    ['172.20.1.1', true],
    ['192.168.0.10', true],
    ['169.254.169.254', true],
    ['100.100.100.200', true],
    ['0.0.0.0', true],
    ['224.0.0.251', true],
    ['255.255.255.255', true],
    ['198.18.0.1', true],
    ['::', true],
    ['::1', true],
    ['[::1]', true],
    ['fc00::1', true],
    ['fdff:ffff::1', true],
    ['fe80::1%eth0', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['0:0:0:0:0:ffff:a00:1', true],
    ['::127.0.0.1', true],
    ['64:ff9b::7f00:1', true],
    ['2002:7f00:1::1', true],
    ['2001:db8::1', true],
    ['localhost', true],
    ['2130706433', true],
    ['1.1.1.1', false],
    ['100.128.0.1', false],
    ['172.15.255.255', false],
    ['::ffff:1.1.1.1', false],
    ['::ffff:101:101', false],
    ['2606:4700:4700::1111', false],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});
