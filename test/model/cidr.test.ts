import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  cidrsOverlap,
  formatIp,
  formatRange,
  parseCidr,
  parseIp,
  rangeSubtract,
  rangeToCidrs,
  toRange,
} from '../../src/model/cidr.js';

describe('parseIp', () => {
  it.each([
    ['0.0.0.0', 4, 0n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['10.0.1.10', 4, 0x0a00010an],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['2001:db8::', 6, 0x20010db8n << 96n],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 6, (1n << 128n) - 1n],
    ['::ffff:10.0.0.1', 6, 0xffff0a000001n],
    ['64:ff9b::192.0.2.33', 6, (0x64ff9bn << 96n) | 0xc0000221n],
  ])('parses %s', (text, family, value) => {
    expect(parseIp(text)).toEqual({ family, value });
  });

  it.each(['', '10.0.0', '10.0.0.256', '010.0.0.1', '1.2.3.4.5', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'fe80::1%eth0', ':::', 'g::1', '1:2:3:4:5:6:7::8'])(
    'rejects %j',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );

  it('formats IPv6 canonically (RFC 5952)', () => {
    expect(formatIp(parseIp('2001:0DB8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('2001:db8:0:1:0:0:0:1')!)).toBe('2001:db8:0:1::1');
    expect(formatIp(parseIp('1:0:1:0:1:0:1:0')!)).toBe('1:0:1:0:1:0:1:0');
    expect(formatIp(parseIp('::')!)).toBe('::');
  });
});

describe('parseCidr', () => {
  it('handles the edges: /0, /32, /128 and bare addresses', () => {
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ family: 4, first: 0n, last: 0xffffffffn, prefixLength: 0 });
    expect(parseCidr('10.0.0.7/32')).toMatchObject({ first: 0x0a000007n, last: 0x0a000007n, prefixLength: 32 });
    expect(parseCidr('10.0.0.7')).toMatchObject({ first: 0x0a000007n, last: 0x0a000007n, prefixLength: 32 });
    expect(parseCidr('::/0')).toMatchObject({ family: 6, first: 0n, last: (1n << 128n) - 1n });
    expect(parseCidr('::1/128')).toMatchObject({ family: 6, first: 1n, last: 1n, prefixLength: 128 });
    expect(parseCidr('2001:db8::1')).toMatchObject({ prefixLength: 128 });
  });

  it('clears host bits as the providers do', () => {
    expect(parseCidr('10.0.1.5/16')).toMatchObject({ first: 0x0a000000n, last: 0x0a00ffffn });
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', 'x/8'])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('containment and overlap', () => {
  it.each([
    ['0.0.0.0/0', '255.255.255.255', true],
    ['0.0.0.0/0', '0.0.0.0/0', true],
    ['10.0.0.0/16', '10.0.255.255', true],
    ['10.0.0.0/16', '10.1.0.0', false],
    ['10.0.0.0/16', '10.0.0.0/15', false],
    ['10.0.0.7/32', '10.0.0.7', true],
    ['10.0.0.7/32', '10.0.0.8', false],
    ['::/0', '2001:db8::1', true],
    ['2001:db8::/32', '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db8::/32', '2001:db9::', false],
    ['::1/128', '::1', true],
    // Families never mix, not even through IPv4-mapped IPv6 or the all-space blocks.
    ['0.0.0.0/0', '::1', false],
    ['::/0', '10.0.0.1', false],
    ['::ffff:0:0/96', '10.0.0.1', false],
    ['not-a-cidr', '10.0.0.1', false],
  ])('%s contains %s: %s', (outer, inner, expected) => {
    expect(cidrContains(outer, inner)).toBe(expected);
  });

  it.each([
    ['10.0.0.0/24', '10.0.0.128/25', true],
    ['10.0.0.0/25', '10.0.0.128/25', false],
    ['10.0.0.0/8', '0.0.0.0/0', true],
    ['0.0.0.0/0', '::/0', false],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(cidrsOverlap(a, b)).toBe(expected);
    expect(cidrsOverlap(b, a)).toBe(expected);
  });
});

describe('range helpers', () => {
  it('subtracts a block from the middle, an edge, or nothing', () => {
    const all = toRange('10.0.0.0/24')!;
    expect(rangeSubtract(all, toRange('10.0.0.128/26')!).map(formatRange)).toEqual(['10.0.0.0/25', '10.0.0.192/26']);
    expect(rangeSubtract(all, toRange('10.0.0.0/25')!).map(formatRange)).toEqual(['10.0.0.128/25']);
    expect(rangeSubtract(all, toRange('0.0.0.0/0')!)).toEqual([]);
    expect(rangeSubtract(all, toRange('::/0')!)).toEqual([all]);
  });

  it('turns ranges back into the fewest CIDR blocks', () => {
    expect(rangeToCidrs({ family: 4, first: 0n, last: 0xffffffffn })).toEqual(['0.0.0.0/0']);
    expect(rangeToCidrs(toRange('10.0.0.5')!)).toEqual(['10.0.0.5/32']);
    expect(rangeToCidrs({ family: 4, first: 0x0a000001n, last: 0x0a000006n })).toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32']);
    expect(rangeToCidrs({ family: 6, first: 0n, last: (1n << 128n) - 1n })).toEqual(['::/0']);
    expect(formatRange({ family: 4, first: 0x0a000001n, last: 0x0a000006n })).toBe('10.0.0.1-10.0.0.6');
  });
});
