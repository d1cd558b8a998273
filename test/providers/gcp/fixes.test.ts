/**
 * Google Cloud fix rendering: every supported intent on every kind renders, every command passes `bash -n`, the
 * commands name the right gcloud group and scope flag, and hostile names stay inert arguments.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGcpDemo } from '../../../demo/build-gcp-demo.js';
import { gcpFixes, planFirewallPolicySlots } from '../../../providers/gcp/fixes.js';
import { LEVEL_OFFSET } from '../../../providers/gcp/normalize/firewalls.js';
import { gcpDescriptor } from '../../../providers/gcp/descriptor.js';
import { normalizeGcp } from '../../../providers/gcp/normalize/index.js';
import type { AllowFlowIntent, FixContext, FixIntent, FixIntentKind } from '../../../src/engine/fix.js';
import type { LoadBalancer, NetworkPolicy, Target } from '../../../src/model/index.js';
import { indexInventory } from '../../../src/model/index.js';

const inv = normalizeGcp(buildGcpDemo(), {});
const index = indexInventory(inv);
const P = 'projects/shop-prod-4711';

function ctxFor(lb: LoadBalancer): FixContext {
  const pool = index.poolsOf(lb)[0];
  return { index, lb, ...(pool ? { pool } : {}) };
}

function intents(lb: LoadBalancer): FixIntent[] {
  const pool = index.poolsOf(lb)[0]!;
  const poolId = pool.ref.id;
  const vm = pool.targets?.[0]?.id ?? `${P}/zones/europe-west1-b/instances/vm-1`;
  return [
    { kind: 'allow-flow', policyId: `${P}/global/networks/shop-vpc/firewalls`, direction: 'ingress', protocol: 'tcp', ports: { from: 8080, to: 8080 }, peers: [{ type: 'cidr', cidr: '35.191.0.0/16' }, { type: 'cidr', cidr: '130.211.0.0/22' }], purpose: 'health-check', beforePriority: 20_000_000_901 },
    { kind: 'allow-flow', policyId: 'locations/global/firewallPolicies/204817365520', direction: 'ingress', protocol: 'tcp', ports: { from: 8080, to: 8090 }, peers: [{ type: 'cidr', cidr: '10.129.0.0/23' }], purpose: 'traffic', beforePriority: 501 },
    { kind: 'allow-flow', policyId: `${P}/global/firewallPolicies/net-policy`, direction: 'egress', protocol: 'udp', ports: { from: 53, to: 53 }, peers: [{ type: 'any' }], purpose: 'infrastructure', beforePriority: 20_000_000_100 },
    // The implied deny: reported under the first policy of the merged layer, fixed with a VPC rule.
    { kind: 'allow-flow', policyId: 'locations/global/firewallPolicies/204817365520', direction: 'ingress', protocol: 'tcp', ports: { from: 8080, to: 8080 }, peers: [{ type: 'cidr', cidr: '35.191.0.0/16' }], purpose: 'health-check' },
    { kind: 'set-request-timeout', lbId: lb.ref.id, poolId, seconds: 90 },
    { kind: 'set-health-check', lbId: lb.ref.id, poolId, changes: { intervalSeconds: 10, timeoutSeconds: 5, unhealthyThreshold: 3, path: '/healthz', useTrafficPort: true } },
    { kind: 'set-health-check', poolId, changes: { port: 8080, host: 'www.example.com' } },
    { kind: 'enable-health-check', poolId },
    { kind: 'set-drain', poolId, seconds: 300 },
    { kind: 'register-targets', poolId },
    { kind: 'start-targets', poolId, targetIds: [vm] },
    { kind: 'inspect-target-health', poolId },
    { kind: 'remove-pool', poolId },
    { kind: 'replace-listener-certificate', lbId: lb.ref.id, listenerId: lb.listeners[0]!.ref.id, certificateId: 'x' },
    { kind: 'set-pool-protocol', poolId, protocolVersion: 'HTTP2' },
    { kind: 'fix-backend-certificate', poolId, problem: 'SAN does not match sni' },
    { kind: 'set-backend-keepalive', poolId, seconds: 620, server: 'node' },
    { kind: 'set-lb-idle-timeout', lbId: lb.ref.id, seconds: 700 },
    { kind: 'set-flow-idle-timeout', lbId: lb.ref.id, listenerId: 'l', seconds: 60 },
    { kind: 'enable-zones', lbId: lb.ref.id, zones: ['europe-west1-b'] },
    { kind: 'enable-cross-zone', lbId: lb.ref.id, poolId },
    { kind: 'fix-default-route', routeTableId: 'r', routeName: 'n' },
  ];
}

function bashN(script: string): void {
  execFileSync('bash', ['-n'], { input: script });
}

describe('gcpFixes', () => {
  for (const kind of gcpDescriptor.kinds) {
    const lb = inv.loadBalancers.find((l) => l.kind === kind);
    it(`${kind}: supported intents render, and every command passes bash -n`, () => {
      expect(lb).toBeDefined();
      const rendered = new Set<FixIntentKind>();
      for (const intent of intents(lb!)) {
        const supported = gcpFixes.supports(intent.kind, kind);
        const fix = gcpFixes.render(intent, ctxFor(lb!));
        if (!supported) {
          expect(fix, `${intent.kind} on ${kind}`).toBeUndefined();
          continue;
        }
        expect(fix, `${intent.kind} on ${kind}`).toBeDefined();
        rendered.add(intent.kind);
        expect(fix?.cli ?? fix?.console ?? fix?.terraform).toBeTruthy();
        if (fix?.cli) bashN(fix.cli);
        expect(fix?.cli ?? '').not.toMatch(/\{\{|undefined|\[object/);
      }
      expect(rendered.has('allow-flow')).toBe(true);
    });
  }

  it('the fixed 600 s keep-alive and cross-zone balancing have no Google Cloud setting', () => {
    for (const kind of gcpDescriptor.kinds) {
      expect(gcpFixes.supports('set-lb-idle-timeout', kind)).toBe(false);
      expect(gcpFixes.supports('enable-cross-zone', kind)).toBe(false);
    }
    expect(gcpFixes.supports('set-request-timeout', 'gcp-nlb-passthrough')).toBe(false);
    expect(gcpFixes.supports('allow-flow', 'aws-alb')).toBe(false);
  });

  it('names the right scope: --global for global backend services, --region for regional ones', () => {
    const global = inv.loadBalancers.find((l) => l.ref.name === 'shop-web')!;
    const regional = inv.loadBalancers.find((l) => l.ref.name === 'billing-internal')!;
    const timeout = (lb: LoadBalancer): string | undefined =>
      gcpFixes.render({ kind: 'set-request-timeout', lbId: lb.ref.id, poolId: index.poolsOf(lb)[0]!.ref.id, seconds: 90 }, ctxFor(lb))?.cli;
    expect(timeout(global)).toBe('gcloud compute backend-services update shop-api-bs --global --project=shop-prod-4711 --timeout=90');
    expect(timeout(regional)).toBe('gcloud compute backend-services update billing-bs --region=europe-west1 --project=shop-prod-4711 --timeout=90');
    const fw = gcpFixes.render(intents(global)[0]!, ctxFor(global));
    expect(fw?.cli).toContain(
      ' --project=shop-prod-4711 --network=shop-vpc --direction=INGRESS --action=ALLOW --rules=tcp:8080 --source-ranges=35.191.0.0/16,130.211.0.0/22 --target-tags=web --priority=900',
    );
    expect(fw?.cli).toMatch(/gcloud compute firewall-rules create cloud502-allow-health-checks-8080-[0-9a-f]{6} --project/);
    expect(fw?.terraform).toContain('google_compute_firewall');
    // Nothing matched (the implied deny): a VPC rule in the policy's network, not a rule in the hierarchical policy.
    const implied = gcpFixes.render(intents(global).find((i) => i.kind === 'allow-flow' && i.beforePriority === undefined)!, ctxFor(global));
    expect(implied?.cli).toMatch(/gcloud compute firewall-rules create cloud502-allow-health-checks-8080-[0-9a-f]{6} --project=shop-prod-4711 --network=shop-vpc /);
    // One name per rule: other sources on the same port are another rule, the same intent the same one.
    const name = (cli: string | undefined): string | undefined => /firewall-rules create (\S+)/.exec(cli ?? '')?.[1];
    expect(name(implied?.cli)).toBe(name(gcpFixes.render(intents(global).find((i) => i.kind === 'allow-flow' && i.beforePriority === undefined)!, ctxFor(global))?.cli));
    const elsewhere = gcpFixes.render({ ...(intents(global).find((i) => i.kind === 'allow-flow' && i.beforePriority === undefined) as AllowFlowIntent), peers: [{ type: 'cidr', cidr: '10.0.0.0/8' }] }, ctxFor(global));
    expect(name(elsewhere?.cli)).toMatch(/^cloud502-allow-health-checks-8080-[0-9a-f]{6}$/);
    expect(name(elsewhere?.cli)).not.toBe(name(implied?.cli));
    // An explicit deny in a firewall policy: the allow goes into that policy, before the deny, at its own priority.
    const inPolicy = gcpFixes.render(intents(global).find((i) => i.kind === 'allow-flow' && i.beforePriority === 501)!, ctxFor(global));
    expect(inPolicy?.cli).toContain('gcloud compute firewall-policies rules create 500 --firewall-policy=204817365520 --direction=INGRESS --action=allow');
    const hc = gcpFixes.render(intents(global).find((i) => i.kind === 'set-health-check')!, ctxFor(global));
    expect(hc?.cli).toBe(
      'gcloud compute health-checks update http web-hc --global --project=shop-prod-4711 --check-interval=10s --timeout=5s --unhealthy-threshold=3 --request-path=/healthz --use-serving-port',
    );
  });

  it('hostile names stay inert arguments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloud502-fix-'));
    const marker = join(dir, 'pwned');
    // Run in `dir`, so a command that escaped its quotes would create `dir/pwned`.
    const hostile = "projects/p-1/global/backendServices/x$(touch pwned)'`touch pwned`";
    const fix = gcpFixes.render({ kind: 'set-drain', poolId: hostile, seconds: 1 }, { index });
    bashN(fix?.cli ?? '');
    const out = execFileSync('bash', ['-c', `gcloud() { printf '%s\\n' "$@"; }\n${fix?.cli ?? ''}`], { cwd: dir }).toString();
    expect(out.split('\n')[3]).toBe("x$(touch pwned)'`touch pwned`");
    expect(existsSync(marker)).toBe(false);
  });
});

/**
 * A firewall rule for a pool's VMs selects them (network tags, else service accounts), never the whole network; when
 * they share neither, the fix says that the rule is network-wide and how to narrow it.
 */
describe('gcpFixes allow-flow aimed at the pool', () => {
  const withTargets = inv.backendPools.find((p) => (p.targets?.length ?? 0) > 0)!;
  const base = withTargets.targets![0]!;
  const vm = (name: string, extra: Partial<Target>): Target => ({ ...base, id: `${P}/zones/europe-west1-b/instances/${name}`, networkTags: undefined, serviceAccounts: undefined, ...extra });

  function render(targets: Target[], targetIds?: string[]): string {
    const pool = { ...withTargets, targets };
    const local = indexInventory({ ...inv, backendPools: inv.backendPools.map((p) => (p === withTargets ? pool : p)) });
    const fix = gcpFixes.render(
      {
        kind: 'allow-flow',
        policyId: `${P}/global/networks/shop-vpc/firewalls`,
        direction: 'ingress',
        protocol: 'tcp',
        ports: { from: 8080, to: 8080 },
        peers: [{ type: 'cidr', cidr: '35.191.0.0/16' }],
        purpose: 'health-check',
        targetPoolId: pool.ref.id,
        ...(targetIds ? { targetIds } : {}),
      },
      { index: local },
    );
    bashN(fix?.cli ?? 'false');
    return fix?.cli ?? '';
  }
  const command = (cli: string) => cli.split('\n').find((l) => !l.startsWith('#')) ?? '';
  const SA = 'web@shop-prod-4711.iam.gserviceaccount.com';

  const rows: Array<{ name: string; targets: Target[]; targetIds?: string[]; flag?: string; broad: boolean }> = [
    { name: 'a tag every VM carries', targets: [vm('a', { networkTags: ['web', 'blue'] }), vm('b', { networkTags: ['web'] })], flag: '--target-tags=web', broad: false },
    { name: 'no tag in common, one service account', targets: [vm('a', { networkTags: ['blue'], serviceAccounts: [SA] }), vm('b', { networkTags: ['green'], serviceAccounts: [SA] })], flag: `--target-service-accounts=${SA}`, broad: false },
    { name: 'boundary: one VM without tags breaks the common tag', targets: [vm('a', { networkTags: ['web'] }), vm('b', {})], broad: true },
    { name: 'neither tags nor service accounts', targets: [vm('a', {}), vm('b', {})], broad: true },
    { name: 'only the blocked VM counts', targets: [vm('a', { networkTags: ['web'] }), vm('b', {})], targetIds: [`${P}/zones/europe-west1-b/instances/a`], flag: '--target-tags=web', broad: false },
  ];

  it.each(rows)('$name', ({ targets, targetIds, flag, broad }) => {
    const cli = render(targets, targetIds);
    if (flag) expect(command(cli)).toContain(` ${flag}`);
    else expect(command(cli)).not.toMatch(/--target-(tags|service-accounts)/);
    expect(cli.includes('applies to every VM in the network'), cli).toBe(broad);
  });

  it('keeps hostile tags quoted and out of the comment lines', () => {
    const cli = render([vm('a', { networkTags: ["web'\ntouch pwned #"] })]);
    expect(cli.split('\n').filter((l) => l.startsWith('#')).join('\n')).not.toContain('pwned');
    expect(command(cli)).toContain("--target-tags='web'\\''");
  });
});

describe('planFirewallPolicySlots: allow rules in one firewall policy at priorities of their own', () => {
  const policy = (id: string, ...priorities: number[]): NetworkPolicy => ({
    ref: { provider: 'gcp', kind: 'network-policy', type: 'gcp-firewall', id, name: id },
    kind: 'gcp-firewall',
    stateful: true,
    // The evaluator's priorities are shifted by the policy's level; the rules themselves have the remainder.
    rules: priorities.map((p) => ({ direction: 'ingress', action: 'deny', protocol: '*', peer: { type: 'any' }, priority: 2 * LEVEL_OFFSET + p })),
    attachedTo: [],
  });
  const allow = (policyId: string, port: number, beforePriority?: number): AllowFlowIntent => ({
    kind: 'allow-flow',
    policyId,
    direction: 'ingress',
    protocol: 'tcp',
    ports: { from: port, to: port },
    peers: [{ type: 'cidr', cidr: '35.191.0.0/16' }],
    purpose: 'health-check',
    ...(beforePriority !== undefined ? { beforePriority: 2 * LEVEL_OFFSET + beforePriority } : {}),
  });

  it('numbers two fixes before one deny apart, skipping priorities in use', () => {
    const id = 'locations/global/firewallPolicies/204817365520';
    const [a, b] = [allow(id, 80, 501), allow(id, 443, 501)];
    const plan = planFirewallPolicySlots(policy(id, 501, 499), [a, b]);
    expect([plan.get(a)?.priorities, plan.get(b)?.priorities]).toEqual([[500], [498]]);
  });

  it('has no place below a deny at priority 0, and leaves VPC firewall rules (which may share priorities) alone', () => {
    const id = 'locations/global/firewallPolicies/1';
    const first = allow(id, 80, 0);
    expect(planFirewallPolicySlots(policy(id, 0), [first]).get(first)).toEqual({ priorities: [], moves: [] });
    const vpc = 'projects/p/global/networks/n/firewalls';
    expect(planFirewallPolicySlots(policy(vpc, 1000), [allow(vpc, 80, 1000)]).size).toBe(0);
  });
});
