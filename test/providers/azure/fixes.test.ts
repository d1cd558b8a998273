/**
 * Every fix the Azure renderer supports renders for both kinds, every command parses with `bash -n`, and `supports`
 * says exactly what `render` does. Hostile names stay inert (quoted).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { azureFixes } from '../../../providers/azure/fixes.js';
import { freeNsgPriority, planNsgSlots } from '../../../providers/azure/nsg-slots.js';
import { normalizeAzure } from '../../../providers/azure/normalize/index.js';
import type { AllowFlowIntent, FixContext, FixIntent, FixIntentKind } from '../../../src/engine/fix.js';
import type { NetworkPolicy, PolicyRule } from '../../../src/model/index.js';
import { indexInventory } from '../../../src/model/index.js';
import { rawFromWorld } from './support/arm.js';
import { IDS, NOW, productionWorld } from './support/world.js';

const inventory = normalizeAzure(rawFromWorld(productionWorld(), { collectedAt: NOW }), {});
const index = indexInventory(inventory);
const agw = inventory.loadBalancers.find((l) => l.kind === 'azure-appgw')!;
const lb = inventory.loadBalancers.find((l) => l.kind === 'azure-lb')!;
const agwPool = inventory.backendPools.find((p) => p.ref.name === 'pool-web~settings-web')!;
const lbPool = inventory.backendPools.find((p) => p.ref.name === 'pool-api~rule-api')!;

function intents(kind: 'azure-appgw' | 'azure-lb'): FixIntent[] {
  const pool = kind === 'azure-appgw' ? agwPool : lbPool;
  const balancer = kind === 'azure-appgw' ? agw : lb;
  const target = pool.targets?.[0]?.id ?? '';
  return [
    { kind: 'allow-flow', policyId: IDS.nsgWeb, direction: 'ingress', protocol: 'tcp', ports: { from: 443, to: 443 }, peers: [{ type: 'cidr', cidr: '10.10.0.0/24' }, { type: 'service-tag', tag: 'AzureLoadBalancer' }], purpose: 'health-check', beforePriority: 4096 },
    { kind: 'allow-flow', policyId: IDS.nsgAppgw, direction: 'ingress', protocol: 'tcp', ports: { from: 65200, to: 65535 }, peers: [{ type: 'service-tag', tag: 'GatewayManager' }], purpose: 'infrastructure' },
    { kind: 'set-backend-keepalive', poolId: pool.ref.id, seconds: 75, server: 'node' },
    { kind: 'set-lb-idle-timeout', lbId: balancer.ref.id, seconds: 120 },
    { kind: 'set-flow-idle-timeout', lbId: balancer.ref.id, listenerId: balancer.listeners[0]!.ref.id, seconds: 600, enableTcpReset: true },
    { kind: 'set-request-timeout', lbId: balancer.ref.id, poolId: pool.ref.id, seconds: 90 },
    { kind: 'set-health-check', lbId: balancer.ref.id, poolId: pool.ref.id, changes: { intervalSeconds: 15, timeoutSeconds: 10, unhealthyThreshold: 3, path: '/healthz', matcher: '200-399', host: 'www.contoso.com' } },
    { kind: 'enable-health-check', lbId: balancer.ref.id, poolId: pool.ref.id },
    { kind: 'set-drain', lbId: balancer.ref.id, poolId: pool.ref.id, seconds: 120 },
    { kind: 'register-targets', lbId: balancer.ref.id, poolId: pool.ref.id },
    { kind: 'start-targets', poolId: pool.ref.id, targetIds: [target, `${IDS.nicWeb2}/ipConfigurations/ipconfig1`] },
    { kind: 'inspect-target-health', lbId: balancer.ref.id, poolId: pool.ref.id },
    { kind: 'enable-zones', lbId: balancer.ref.id, zones: ['1'] },
    { kind: 'enable-cross-zone', lbId: balancer.ref.id, poolId: pool.ref.id },
    { kind: 'remove-pool', poolId: pool.ref.id },
    { kind: 'replace-listener-certificate', lbId: balancer.ref.id, listenerId: balancer.listeners[0]!.ref.id, certificateId: `${IDS.agw}/sslCertificates/cert-www` },
    { kind: 'set-pool-protocol', lbId: balancer.ref.id, poolId: pool.ref.id, protocol: 'HTTPS' },
    { kind: 'fix-backend-certificate', lbId: balancer.ref.id, poolId: pool.ref.id, problem: 'root CA not trusted; $(rm -rf /) `x`' },
    { kind: 'fix-default-route', routeTableId: IDS.rtAppgw, routeName: 'default-to-firewall' },
  ];
}

function parses(script: string): { ok: boolean; stderr: string } {
  const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

function ctxFor(kind: 'azure-appgw' | 'azure-lb'): FixContext {
  return { index, lb: kind === 'azure-appgw' ? agw : lb, pool: kind === 'azure-appgw' ? agwPool : lbPool };
}

describe('Azure fix renderer', () => {
  for (const kind of ['azure-appgw', 'azure-lb'] as const) {
    for (const intent of intents(kind)) {
      const name = `${kind} ${intent.kind}${intent.kind === 'allow-flow' ? ` (${intent.purpose})` : ''}`;
      it(name, () => {
        const rendered = azureFixes.render(intent, ctxFor(kind));
        const pathIndependent = intent.kind === 'allow-flow' || intent.kind === 'fix-default-route' || intent.kind === 'set-backend-keepalive';
        expect(rendered !== undefined, 'supports() agrees with render()').toBe(pathIndependent || azureFixes.supports(intent.kind, kind));
        if (!rendered) return;
        expect(rendered.cli ?? rendered.console).toBeDefined();
        if (rendered.cli) {
          const result = parses(rendered.cli);
          expect(result.ok, `${rendered.cli}\n${result.stderr}`).toBe(true);
          expect(rendered.cli).not.toMatch(/undefined|\[object/);
        }
      });
    }
  }

  it('names the right resources per kind', () => {
    const agwTimeout = azureFixes.render({ kind: 'set-request-timeout', lbId: agw.ref.id, poolId: agwPool.ref.id, seconds: 90 }, ctxFor('azure-appgw'));
    expect(agwTimeout?.cli).toBe("az network application-gateway http-settings update --resource-group rg-web --gateway-name agw-web --name settings-web --timeout 90");
    expect(agwTimeout?.terraform).toBe('azurerm_application_gateway.backend_http_settings.request_timeout');
    const probe = azureFixes.render({ kind: 'set-health-check', poolId: lbPool.ref.id, changes: { intervalSeconds: 15, unhealthyThreshold: 3 } }, ctxFor('azure-lb'));
    expect(probe?.cli).toBe("az network lb probe update --resource-group rg-api --lb-name lb-api --name probe-http --interval 15 --probe-threshold 3");
    const idle = azureFixes.render({ kind: 'set-flow-idle-timeout', lbId: lb.ref.id, listenerId: lb.listeners[0]!.ref.id, seconds: 600, enableTcpReset: true }, ctxFor('azure-lb'));
    expect(idle?.cli).toBe("az network lb rule update --resource-group rg-api --lb-name lb-api --name rule-api --idle-timeout 10 --enable-tcp-reset true");
    const nsg = azureFixes.render(intents('azure-appgw')[1]!, ctxFor('azure-appgw'));
    // Only Azure's default rules denied: the last free custom priority (DenyAllOther holds 4096).
    expect(nsg?.cli).toBe(
      'az network nsg rule create --resource-group rg-network --nsg-name nsg-appgw --name cloud502-allow-infrastructure-65200-65535-p4095 --priority 4095 --direction Inbound --access Allow --protocol Tcp --source-address-prefixes GatewayManager --destination-port-ranges 65200-65535',
    );
    // Below the deny at 4096 of nsg-web, the largest free priority.
    expect(azureFixes.render(intents('azure-appgw')[0]!, ctxFor('azure-appgw'))?.cli).toContain('--priority 4095');
    expect(azureFixes.supports('set-request-timeout', 'azure-lb')).toBe(false);
    expect(azureFixes.supports('set-request-timeout', 'aws-alb')).toBe(false);
    expect(azureFixes.render({ kind: 'set-request-timeout', lbId: lb.ref.id, poolId: lbPool.ref.id, seconds: 5 }, ctxFor('azure-lb'))).toBeUndefined();
  });

  it('quotes hostile names so they stay inert', () => {
    const hostile = { ...agwPool, attributes: { ...agwPool.attributes, backendHttpSettings: "x'; rm -rf / #" } };
    const out = azureFixes.render({ kind: 'set-request-timeout', lbId: agw.ref.id, poolId: hostile.ref.id, seconds: 1 }, { index, lb: agw, pool: hostile });
    expect(out?.cli).toContain(`--name 'x'\\''; rm -rf / #'`);
    expect(parses(out?.cli ?? '').ok).toBe(true);
  });

  it('covers every fix intent the engine defines', () => {
    // A new intent kind fails to compile here until it has a row above.
    const every: Record<FixIntentKind, true> = {
      'allow-flow': true,
      'set-backend-keepalive': true,
      'set-lb-idle-timeout': true,
      'set-flow-idle-timeout': true,
      'set-request-timeout': true,
      'set-health-check': true,
      'enable-health-check': true,
      'set-drain': true,
      'register-targets': true,
      'start-targets': true,
      'inspect-target-health': true,
      'enable-zones': true,
      'enable-cross-zone': true,
      'remove-pool': true,
      'replace-listener-certificate': true,
      'set-pool-protocol': true,
      'fix-backend-certificate': true,
      'fix-default-route': true,
    };
    expect(new Set(intents('azure-appgw').map((i) => i.kind))).toEqual(new Set(Object.keys(every)));
  });
});

describe('freeNsgPriority', () => {
  const rule = (priority: number, direction: PolicyRule['direction'] = 'ingress'): PolicyRule => ({
    direction,
    action: 'deny',
    protocol: 'tcp',
    peer: { type: 'any' },
    priority,
  });
  const nsg = (...rules: PolicyRule[]): NetworkPolicy => ({
    ref: { provider: 'azure', kind: 'network-policy', type: 'azure-nsg', id: '/nsg', name: 'nsg' },
    kind: 'azure-nsg',
    stateful: true,
    rules,
    attachedTo: [],
  });

  it('takes the last custom priority when nothing decides an order', () => {
    expect(freeNsgPriority(nsg(), 'ingress', undefined)).toBe(4096);
    expect(freeNsgPriority(undefined, 'ingress', undefined)).toBe(4096);
    // Azure's default rules (65000 and up) are not custom priorities.
    expect(freeNsgPriority(nsg(rule(65000), rule(65500)), 'ingress', undefined)).toBe(4096);
  });

  it('goes below the deciding rule, skipping taken priorities of the same direction only', () => {
    expect(freeNsgPriority(nsg(rule(300), rule(299), rule(298, 'egress')), 'ingress', 300)).toBe(298);
    expect(freeNsgPriority(nsg(rule(4096), rule(4095)), 'ingress', undefined)).toBe(4094);
  });

  it('has no answer when the deciding rule is at the first custom priority or everything below it is taken', () => {
    expect(freeNsgPriority(nsg(rule(100)), 'ingress', 100)).toBeUndefined();
    expect(freeNsgPriority(nsg(rule(100), rule(101), rule(102)), 'ingress', 102)).toBeUndefined();
    expect(freeNsgPriority(nsg(rule(100)), 'ingress', 101)).toBeUndefined();
    expect(freeNsgPriority(nsg(), 'ingress', 101)).toBe(100);
  });

  it('moves the deny rule up to make room when nothing is free below it, and says so instead of a clashing command when it cannot', () => {
    const intent: FixIntent = {
      kind: 'allow-flow',
      policyId: IDS.nsgWeb,
      direction: 'ingress',
      protocol: 'tcp',
      ports: { from: 443, to: 443 },
      peers: [{ type: 'service-tag', tag: 'AzureLoadBalancer' }],
      purpose: 'health-check',
      beforePriority: 100,
    };
    const named = nsg({ ...rule(100), id: 'DenyAll' }, { ...rule(101), id: 'DenyOther' }, rule(103));
    const moved = azureFixes.render(intent, { ...ctxFor('azure-lb'), policy: named })?.cli ?? '';
    expect(moved.split('\n').slice(1)).toEqual([
      `az network nsg rule update --resource-group rg-network --nsg-name nsg-web --name DenyOther --priority 102`,
      `az network nsg rule update --resource-group rg-network --nsg-name nsg-web --name DenyAll --priority 101`,
      `az network nsg rule create --resource-group rg-network --nsg-name nsg-web --name cloud502-allow-health-check-443-p100 --priority 100 --direction Inbound --access Allow --protocol Tcp --source-address-prefixes AzureLoadBalancer --destination-port-ranges 443`,
    ]);
    expect(spawnSync('bash', ['-n'], { input: moved }).status).toBe(0);
    // A rule to move without a name cannot be addressed: no command at all rather than one that collides.
    const unnamed = azureFixes.render(intent, { ...ctxFor('azure-lb'), policy: nsg(rule(100)) })?.cli ?? '';
    expect(unnamed).toMatch(/^# no priority is free below priority 100 in this NSG/);
    expect(unnamed.split('\n').every((line) => line.startsWith('#'))).toBe(true);
    expect(spawnSync('bash', ['-n'], { input: unnamed }).status).toBe(0);
  });
});

describe('planNsgSlots: every allow fix into one NSG at a priority of its own', () => {
  const deny = (priority: number, id: string, direction: PolicyRule['direction'] = 'ingress'): PolicyRule => ({ id, direction, action: 'deny', protocol: '*', peer: { type: 'any' }, priority });
  const policy = (...rules: PolicyRule[]): NetworkPolicy => ({
    ref: { provider: 'azure', kind: 'network-policy', type: 'azure-nsg', id: IDS.nsgWeb, name: 'nsg-web' },
    kind: 'azure-nsg',
    stateful: true,
    rules,
    attachedTo: [],
  });
  const allow = (port: number, beforePriority?: number, direction: 'ingress' | 'egress' = 'ingress'): AllowFlowIntent => ({
    kind: 'allow-flow',
    policyId: IDS.nsgWeb,
    direction,
    protocol: 'tcp',
    ports: { from: port, to: port },
    peers: [{ type: 'service-tag', tag: 'AzureLoadBalancer' }],
    purpose: 'health-check',
    ...(beforePriority !== undefined ? { beforePriority } : {}),
  });

  it('gives two fixes before the same deny two free priorities below it', () => {
    const [a, b] = [allow(80, 300), allow(443, 300)];
    const plan = planNsgSlots(policy(deny(300, 'DenyAll'), deny(299, 'Other')), [a, b]);
    expect([plan.get(a), plan.get(b)]).toEqual([
      { priorities: [298], moves: [] },
      { priorities: [297], moves: [] },
    ]);
  });

  it('gives fixes after the default rules the last free priorities, and counts each direction apart', () => {
    const [a, b, c] = [allow(80), allow(443), allow(443, undefined, 'egress')];
    const plan = planNsgSlots(policy(deny(4096, 'Last')), [a, b, c]);
    expect([a, b, c].map((i) => plan.get(i)?.priorities)).toEqual([[4095], [4094], [4096]]);
  });

  it('shares one set of moves between the fixes that need room before a deny at the first priority', () => {
    const [a, b] = [allow(80, 100), allow(443, 100)];
    const plan = planNsgSlots(policy(deny(100, 'DenyLb'), deny(101, 'DenyOther'), deny(104, 'Far')), [a, b]);
    const moves = [
      { ruleId: 'DenyLb', from: 100, to: 102 },
      { ruleId: 'DenyOther', from: 101, to: 103 },
    ];
    expect([plan.get(a), plan.get(b)]).toEqual([
      { priorities: [100], moves },
      { priorities: [101], moves },
    ]);
  });

  it('renders the shared moves in every fix, highest first, so that pasting one fix or both works in any order', () => {
    const [a, b] = [allow(80, 100), allow(443, 100)];
    const nsgPolicy = policy(deny(100, 'DenyLb'), deny(101, 'DenyOther'));
    const plan = planNsgSlots(nsgPolicy, [a, b]);
    const cli = (intent: AllowFlowIntent): string[] => (azureFixes.render(intent, { ...ctxFor('azure-lb'), policy: nsgPolicy, slot: plan.get(intent)! })?.cli ?? '').split('\n');
    const updates = ['--name DenyOther --priority 103', '--name DenyLb --priority 102'];
    for (const [intent, priority] of [[a, 100], [b, 101]] as const) {
      const lines = cli(intent);
      expect(lines.filter((l) => l.includes('nsg rule update')).map((l) => l.replace(/^.* --name/, '--name'))).toEqual(updates);
      expect(lines.at(-1)).toContain(`--priority ${priority} `);
    }
  });

  it('cannot make room past the last priority, nor move a rule without a name', () => {
    const a = allow(80, 4096);
    expect(planNsgSlots(policy(deny(4096, 'Last'), ...Array.from({ length: 3996 }, (_, i) => deny(100 + i, `R${i}`))), [a]).get(a)).toEqual({ priorities: [], moves: [] });
    const b = allow(80, 100);
    const unnamed: PolicyRule = { direction: 'ingress', action: 'deny', protocol: '*', peer: { type: 'any' }, priority: 100 };
    expect(planNsgSlots(policy(unnamed), [b]).get(b)).toEqual({ priorities: [], moves: [] });
  });
});
