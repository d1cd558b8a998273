/**
 * The Azure inventory drives the provider-neutral reachability engine as the network checks will use it: probe and
 * traffic flows from the gateway subnet and from AzureLoadBalancer, through subnet and NIC NSGs (default rules
 * included), with the deciding rule named.
 */
import { describe, expect, it } from 'vitest';
import { indexInventory, type Inventory } from '../../../../src/model/index.js';
import { evaluatePoolPaths } from '../../../../src/network/lb-paths.js';
import type { Json } from '../support/arm.js';
import { azureInventory, props, resource, securityRule } from '../support/inventory.js';
import { IDS } from '../support/world.js';

function paths(inv: Inventory, poolName: string, purpose: 'health-check' | 'traffic') {
  const index = indexInventory(inv);
  const pool = inv.backendPools.find((p) => p.ref.name === poolName)!;
  const lb = index.loadBalancersOf(pool)[0]!;
  const r = evaluatePoolPaths(inv, index, lb, pool, purpose);
  if (r.kind !== 'evaluated') throw new Error(`${poolName}: ${r.kind}: ${r.reason}`);
  return r.targets;
}

describe('Azure inventory through the reachability engine', () => {
  it('gateway probes reach the web VMs through nsg-web; Azure LB probes reach the scale set through nsg-api', () => {
    const inv = azureInventory();
    expect(paths(inv, 'pool-web~settings-web', 'health-check').map((t) => t.allowed)).toEqual([true, true]);
    expect(paths(inv, 'pool-api~settings-api', 'traffic').map((t) => t.allowed)).toEqual([true, true]);
    const lbProbes = paths(inv, 'pool-api~rule-api', 'health-check');
    expect(lbProbes.map((t) => t.allowed)).toEqual([true, true]);
    expect(lbProbes[0]!.flows[0]!.verdict.reason).toContain('AllowAzureLoadBalancer');
  });

  it('a deny above the allow in the backend NSG blocks the probes and is named', () => {
    const inv = azureInventory((s) => {
      const nsg = props(resource(s.networkSecurityGroups, IDS.nsgWeb));
      (nsg.securityRules as Json[]).unshift(securityRule('DenyGatewaySubnet', 90, 'Inbound', 'Deny', '10.10.0.0/24', '*', '*', '*'));
    });
    const web = paths(inv, 'pool-web~settings-web', 'health-check');
    expect(web.map((t) => t.allowed)).toEqual([false, false]);
    expect(web[0]!.flows[0]!.verdict.reason).toContain('DenyGatewaySubnet (priority 90) deny');
  });

  it('AzureLoadBalancer denied above the default rule leaves the load balancer probes blocked', () => {
    const inv = azureInventory((s) => {
      const nsg = props(resource(s.networkSecurityGroups, IDS.nsgApi));
      nsg.securityRules = [securityRule('DenyAll', 100, 'Inbound', 'Deny', '*', '*', '*', '*')];
    });
    const probes = paths(inv, 'pool-api~rule-api', 'health-check');
    expect(probes.map((t) => t.allowed)).toEqual([false, false]);
    expect(probes[0]!.flows[0]!.verdict.reason).toContain('DenyAll (priority 100)');
  });

  it('an NSG that was not collected makes the verdict unknown, never allowed', () => {
    const inv = azureInventory((s) => (s.networkSecurityGroups = []));
    expect(paths(inv, 'pool-web~settings-web', 'health-check').map((t) => t.allowed)).toEqual(['unknown', 'unknown']);
  });
});
