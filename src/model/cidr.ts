/**
 * IPv4 / IPv6 addresses, CIDR blocks and address ranges as bigint intervals.
 *
 * Pure, dependency-free. Families never mix: an IPv4 address is never inside an IPv6 block, including
 * IPv4-mapped IPv6 (`::ffff:10.0.0.1` is an IPv6 address here, as in security-group and NACL rules,
 * which keep IPv4 and IPv6 ranges apart).
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

/** An inclusive range of addresses of one family. Every CIDR block is one; not every range is a CIDR block. */
export interface AddressRange {
  family: IpFamily;
  first: bigint;
  last: bigint;
}

export interface Cidr extends AddressRange {
  prefixLength: number;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

/** Number of bits of an address of the family. */
export function familyBits(family: IpFamily): number {
  return BITS[family];
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are rejected: some parsers read them as octal, so `010.0.0.1` is ambiguous.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.includes('%')) return undefined; // zone ids have no meaning in policy rules
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    // Keep the colon(s) so that `::1.2.3.4` still splits on `::`; the v4 tail stands for two groups.
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parseGroups(halves[0] ?? '');
  const right = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!left || !right) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    groups = left;
  }
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** Parses a textual IPv4 or IPv6 address; undefined when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const s = text.trim();
  if (s.includes(':')) {
    const value = parseIpv6(s);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(s);
  return value === undefined ? undefined : { family: 4, value };
}

/**
 * Parses `addr/len`, or a bare address as a host block (/32, /128).
 * Host bits below the prefix are cleared (`10.0.1.5/16` → 10.0.0.0/16), as AWS and Azure do when they store a rule.
 */
export function parseCidr(text: string): Cidr | undefined {
  const s = text.trim();
  const slash = s.indexOf('/');
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!ip) return undefined;
  const bits = BITS[ip.family];
  let prefixLength = bits;
  if (slash >= 0) {
    const lenText = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lenText)) return undefined;
    prefixLength = Number(lenText);
    if (prefixLength > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefixLength);
  const first = (ip.value >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return { family: ip.family, first, last, prefixLength };
}

/** True when the text is a valid address or CIDR block. */
export function isCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}

/** The range covered by an address or CIDR text; undefined when unparseable. */
export function toRange(text: string): AddressRange | undefined {
  const c = parseCidr(text);
  return c ? { family: c.family, first: c.first, last: c.last } : undefined;
}

/** Does `outer` contain every address of `inner`? Different families never contain each other. */
export function rangeContains(outer: AddressRange, inner: AddressRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/** Do the two ranges share at least one address? */
export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** The common part of two ranges; undefined when disjoint or of different families. */
export function rangeIntersection(a: AddressRange, b: AddressRange): AddressRange | undefined {
  if (!rangesOverlap(a, b)) return undefined;
  return { family: a.family, first: a.first > b.first ? a.first : b.first, last: a.last < b.last ? a.last : b.last };
}

/** `a` minus `b`: zero, one or two ranges. */
export function rangeSubtract(a: AddressRange, b: AddressRange): AddressRange[] {
  if (!rangesOverlap(a, b)) return [a];
  const out: AddressRange[] = [];
  if (a.first < b.first) out.push({ family: a.family, first: a.first, last: b.first - 1n });
  if (b.last < a.last) out.push({ family: a.family, first: b.last + 1n, last: a.last });
  return out;
}

/**
 * Does the CIDR block contain the address or block? Unparseable input answers false, so callers that must
 * tell "no" from "cannot say" parse first.
 *
 * @example cidrContains('10.0.0.0/16', '10.0.3.7') // true
 * @example cidrContains('0.0.0.0/0', '2001:db8::1') // false: families never mix
 */
export function cidrContains(cidr: string, addressOrCidr: string): boolean {
  const outer = toRange(cidr);
  const inner = toRange(addressOrCidr);
  return outer !== undefined && inner !== undefined && rangeContains(outer, inner);
}

/** Do two blocks share an address? Unparseable input answers false. */
export function cidrsOverlap(a: string, b: string): boolean {
  const ra = toRange(a);
  const rb = toRange(b);
  return ra !== undefined && rb !== undefined && rangesOverlap(ra, rb);
}

/** Formats an address canonically (RFC 5952 for IPv6: lower case, longest zero run compressed). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The smallest list of CIDR blocks that covers the range exactly. */
export function rangeToCidrs(range: AddressRange): string[] {
  const bits = BITS[range.family];
  const out: string[] = [];
  let cur = range.first;
  while (cur <= range.last) {
    // Largest aligned block starting at `cur` that does not pass `last`.
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const blockSize = 1n << BigInt(next);
      if (cur % blockSize !== 0n || cur + blockSize - 1n > range.last) break;
      size = next;
    }
    out.push(`${formatIp({ family: range.family, value: cur })}/${bits - size}`);
    cur += 1n << BigInt(size);
  }
  return out;
}

/** Formats a range as `a.b.c.d/n` when it is one block, else `first-last`. */
export function formatRange(range: AddressRange): string {
  const cidrs = rangeToCidrs(range);
  if (cidrs.length === 1 && cidrs[0] !== undefined) return cidrs[0];
  return `${formatIp({ family: range.family, value: range.first })}-${formatIp({ family: range.family, value: range.last })}`;
}

/** The whole address space of a family: 0.0.0.0/0 or ::/0. */
export function fullRange(family: IpFamily): AddressRange {
  return { family, first: 0n, last: (1n << BigInt(BITS[family])) - 1n };
}
