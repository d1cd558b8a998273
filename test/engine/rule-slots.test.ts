/**
 * Fixes that add rules to ordered policies (NSG priorities, NACL rule numbers), across every finding of an audit:
 * two different rules never get the same number, and the same rule (one blocked flow seen by several checks) is the
 * same command everywhere.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { everyResult } from '../../src/report/passes.js';
import type { Report } from '../../src/report/types.js';

let report: Report;

beforeAll(async () => {
  report = (await runAudit({ source: { kind: 'demo' }, now: new Date('2026-11-20T09:05:00Z') })).report;
});

/** `policy|direction|number` → the command lines that create a rule there, from every fix of the report. */
function creations(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (key: string, line: string): void => void out.set(key, (out.get(key) ?? new Set()).add(line));
  for (const r of everyResult(report)) {
    for (const line of (r.remediation?.cli ?? '').split('\n')) {
      const nsg = /^az network nsg rule create .*--nsg-name (\S+) .*--priority (\d+) --direction (\w+)/.exec(line);
      if (nsg) add(`${nsg[1]}|${nsg[3]}|${nsg[2]}`, line);
      const acl = /^aws ec2 create-network-acl-entry --network-acl-id (\S+) --(ingress|egress) --rule-number (\d+)/.exec(line);
      if (acl) add(`${acl[1]}|${acl[2]}|${acl[3]}`, line);
    }
  }
  return out;
}

describe('rules added to ordered policies by the demo audit fixes', () => {
  it('never give two different rules one number', () => {
    const all = creations();
    expect(all.size).toBeGreaterThan(3);
    for (const [key, lines] of all) expect([...lines], key).toHaveLength(1);
  });

  it('number the two NSG fixes of one Application Gateway subnet apart', () => {
    const legacy = [...creations().keys()].filter((k) => k.startsWith('nsg-agw-legacy|'));
    expect(legacy).toHaveLength(2);
  });

  it('make room before a deny at the first priority by moving it, not by colliding with it', () => {
    const fix = [...everyResult(report)].find((r) => r.status === 'fail' && (r.remediation?.cli ?? '').includes('--nsg-name nsg-cache'));
    const lines = (fix?.remediation?.cli ?? '').split('\n').filter((l) => !l.startsWith('#'));
    expect(lines).toEqual([
      expect.stringMatching(/^az network nsg rule update .*--name DenyAzureLoadBalancer --priority 101$/),
      expect.stringMatching(/^az network nsg rule create .*--priority 100 /),
    ]);
  });
});
