import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import type { Inventory } from '../model/index.js';

/**
 * Which addresses the probe may connect to. Checked before every connect; nothing else opens sockets.
 * An address must be a target address the inventory names AND, when `--probe-cidr` is given, inside one of its CIDRs.
 */
export interface AllowList {
  allows(address: string): boolean;
  /** Human description for error messages, e.g. `--probe-cidr 10.0.0.0/16`. */
  readonly description: string;
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/** Parses `a.b.c.d/n`, `x::y/n` or a bare address (a /32 or /128). Throws {@link ConfigError} naming `--probe-cidr`. */
export function parseCidr(cidr: string): { address: string; prefix: number; type: 'ipv4' | 'ipv6' } {
  const [address = '', prefixText, ...rest] = cidr.trim().split('/');
  const type = family(address);
  const max = type === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!type || rest.length > 0 || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) || prefix > max) {
    throw new ConfigError(`--probe-cidr: "${cidr}" is not an IPv4 or IPv6 CIDR (e.g. 10.0.0.0/16)`);
  }
  return { address, prefix, type };
}

/** Builds the allow-list for an inventory. Throws {@link ConfigError} on a malformed CIDR. */
export function buildAllowList(inv: Inventory, allowCidrs?: string[]): AllowList {
  const named = new BlockList();
  for (const pool of inv.backendPools) {
    for (const t of pool.targets ?? []) {
      const type = t.address ? family(t.address) : undefined;
      if (t.address && type) named.addAddress(t.address, type);
    }
  }
  let cidrs: BlockList | undefined;
  if (allowCidrs) {
    cidrs = new BlockList();
    for (const c of allowCidrs) {
      const { address, prefix, type } = parseCidr(c);
      cidrs.addSubnet(address, prefix, type);
    }
  }
  return {
    description: allowCidrs ? `--probe-cidr ${allowCidrs.join(',') || '(empty)'}` : 'the target addresses the inventory names',
    allows(address) {
      const type = family(address);
      if (!type) return false;
      if (!named.check(address, type)) return false;
      return cidrs ? cidrs.check(address, type) : true;
    },
  };
}
