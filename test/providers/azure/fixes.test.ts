/**
 * Every fix the Azure renderer supports renders for both kinds, every command parses with `bash -n`, and `supports`
 * says exactly what `render` does. Hostile names stay inert (quoted).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { azureFixes, freeNsgPriority } from '../../../providers/azure/fixes.js';
import { normalizeAzure } from '../../../providers/azure/normalize/index.js';
import type { FixContext, FixIntent, FixIntentKind } from '../../../src/engine/fix.js';
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
      'az network nsg rule create --resource-group rg-network --nsg-name nsg-appgw --name cloud502-allow-infrastructure-65200-65535 --priority 4095 --direction Inbound --access Allow --protocol Tcp --source-address-prefixes GatewayManager --destination-port-ranges 65200-65535',
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

  it('renders a comment instead of a clashing priority when none is free', () => {
    const policy = nsg(rule(100));
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
    const cli = azureFixes.render(intent, { ...ctxFor('azure-lb'), policy })?.cli ?? '';
    expect(cli.split('\n')[0]).toBe('# no priority is free below 100: renumber the deny rule first');
    expect(spawnSync('bash', ['-n'], { input: cli }).status).toBe(0);
  });
});
