/**
 * The hostile target-group name, `x+cmd|' /C calc'!A0`, in every AWS fix command (an ALB and a Classic ELB):
 * each command parses with `bash -n`, and run against a stub `aws` it passes the name through as one argument and
 * runs nothing else.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsFixes } from '../../providers/aws/fixes.js';
import type { FixIntent } from '../../src/engine/fix.js';
import type { LoadBalancer } from '../../src/model/index.js';
import { indexInventory } from '../../src/model/index.js';
import { lbInventory, pool } from '../support/builders.js';

const HOSTILE = "x+cmd|' /C calc'!A0$(touch pwned)`touch pwned`";

function intents(lb: LoadBalancer, poolId: string, policyId: string): FixIntent[] {
  const lbId = lb.ref.id;
  const listenerId = lb.listeners[0]!.ref.id;
  return [
    { kind: 'allow-flow', policyId, direction: 'ingress', protocol: 'tcp', ports: { from: 8080, to: 8080 }, peers: [{ type: 'cidr', cidr: '10.0.0.0/16' }], purpose: 'health-check' },
    { kind: 'set-lb-idle-timeout', lbId, seconds: 120 },
    { kind: 'set-flow-idle-timeout', lbId, listenerId, seconds: 350 },
    { kind: 'set-health-check', lbId, poolId, changes: { timeoutSeconds: 5, intervalSeconds: 10, path: HOSTILE } },
    { kind: 'enable-health-check', lbId, poolId },
    { kind: 'set-drain', lbId, poolId, seconds: 30 },
    { kind: 'register-targets', lbId, poolId },
    { kind: 'start-targets', poolId, targetIds: [HOSTILE] },
    { kind: 'inspect-target-health', lbId, poolId },
    { kind: 'enable-zones', lbId, zones: [HOSTILE] },
    { kind: 'enable-cross-zone', lbId, poolId },
    { kind: 'remove-pool', poolId },
    { kind: 'replace-listener-certificate', lbId, listenerId, certificateId: HOSTILE },
    { kind: 'set-pool-protocol', lbId, poolId, protocolVersion: 'HTTP2' },
  ];
}

describe.each(['aws-alb', 'aws-clb'] as const)('%s named with shell syntax', (kind) => {
  const inv = lbInventory(kind, { name: HOSTILE, pools: [pool(HOSTILE, { ref: { provider: 'aws', kind: 'backend-pool', type: 'aws-target-group', id: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${HOSTILE}/1`, name: HOSTILE, region: 'eu-west-1', account: '123456789012' } })] });
  const index = indexInventory(inv);
  const lb = inv.loadBalancers[0]!;
  const poolRef = inv.backendPools[0]!.ref;

  it('every supported fix parses and runs nothing but the stub', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloud502-fix-'));
    let rendered = 0;
    for (const intent of intents(lb, poolRef.id, `sg-${HOSTILE}`)) {
      if (!awsFixes.supports(intent.kind, kind)) continue;
      const cli = awsFixes.render(intent, { index, lb, pool: inv.backendPools[0]! })?.cli;
      if (!cli) continue;
      rendered++;
      execFileSync('bash', ['-n'], { input: cli });
      // Values only the user knows stop the command while unset, and are then passed as given.
      const placeholders = [...cli.matchAll(/\$\{([A-Z][A-Z0-9_]*):\?/g)].map((m) => m[1]!);
      if (placeholders.length > 0) {
        expect(spawnSync('bash', ['-c', `aws() { echo ran; }\n${cli}`], { cwd: dir, env: { PATH: process.env.PATH ?? '' } }).stdout.toString(), cli).toBe('');
      }
      const env = { PATH: process.env.PATH ?? '', ...Object.fromEntries(placeholders.map((name) => [name, `value-of-${name}`])) };
      // A stub that prints its arguments: a command that escaped its quotes would create dir/pwned.
      const out = execFileSync('bash', ['-c', `aws() { printf '%s\\n' "$@"; }\n${cli}`], { cwd: dir, env }).toString();
      for (const name of placeholders) expect(out, cli).toContain(`value-of-${name}`);
      expect(out, `${intent.kind}: ${cli}`).not.toMatch(/^x\+cmd\|'$/m);
      expect(existsSync(join(dir, 'pwned')), `${intent.kind}: ${cli}`).toBe(false);
    }
    expect(rendered).toBeGreaterThan(5);
  });
});
