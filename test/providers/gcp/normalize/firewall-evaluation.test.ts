/**
 * The firewall model the normalizer builds, judged by the project's own flow evaluator: health-check probes and
 * proxy traffic of the demo project reach (or are blocked from) the VMs as planted. The destination is given the
 * VM's network tags and service account, as Google firewalls match on them.
 */
import { describe, expect, it } from 'vitest';
import { buildGcpDemo } from '../../../../demo/build-gcp-demo.js';
import { normalizeGcp } from '../../../../providers/gcp/normalize/index.js';
import { evaluateFlow, networkContext } from '../../../../src/network/index.js';
import type { Target } from '../../../../src/model/index.js';

const inv = normalizeGcp(buildGcpDemo(), {});
const ctx = networkContext(inv);

function target(pool: string): Target {
  const t = inv.backendPools.find((p) => p.ref.name === pool)?.targets?.[0];
  if (!t) throw new Error(`no target in ${pool}`);
  return t;
}

function allowed(from: string, pool: string, port?: number): boolean | 'unknown' {
  const t = target(pool);
  return evaluateFlow(
    {
      source: { label: from, cidr: from, policyIds: [] },
      destination: {
        address: t.address,
        policyIds: t.networkPolicyIds,
        ...(t.subnetId ? { subnetId: t.subnetId } : {}),
        networkTags: t.networkTags ?? [],
        ...(t.serviceAccounts?.[0] ? { serviceAccount: t.serviceAccounts[0] } : {}),
      },
      protocol: 'tcp',
      port: port ?? t.port,
    },
    ctx,
  ).allowed;
}

describe('demo firewalls, evaluated', () => {
  it.each([
    ['35.191.0.0/16', 'shop-api-bs', true],
    ['130.211.0.0/22', 'shop-api-bs', true],
    ['35.191.0.0/16', 'orders-bs', false],
    ['10.0.0.0/8', 'orders-bs', true],
    ['35.191.0.0/16', 'billing-bs', true],
    ['10.129.0.0/23', 'billing-bs', false],
    ['10.129.0.0/23', 'partners-bs', true],
    ['209.85.152.0/22', 'syslog-nlb', true],
    ['35.191.0.0/16', 'inventory-bs', true],
  ] as const)('tcp from %s to %s → %s', (from, pool, expected) => {
    expect(allowed(from, pool)).toBe(expected);
  });

  it('the hierarchical deny wins over a VPC allow of the same flow', () => {
    expect(allowed('198.51.100.0/24', 'syslog-nlb')).toBe(false);
    expect(allowed('203.0.113.0/24', 'syslog-nlb')).toBe(true);
  });

  it('a VM whose tags are unknown cannot be judged', () => {
    const t = target('orders-bs');
    const verdict = evaluateFlow(
      { source: { cidr: '35.191.0.0/16', policyIds: [] }, destination: { address: t.address, policyIds: t.networkPolicyIds }, protocol: 'tcp', port: 8080 },
      ctx,
    );
    expect(verdict.allowed).toBe('unknown');
  });
});
