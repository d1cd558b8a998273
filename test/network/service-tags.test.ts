/**
 * The `VirtualNetwork` service tag derived from collected facts (src/network/service-tags.ts), the Azure normalizer
 * recording it per load balancer, and the verdicts it decides once a network context carries it.
 */
import { describe, expect, it } from 'vitest';
import type { Json, SubscriptionWorld } from '../providers/azure/support/arm.js';
import { azureInventory, props, resource, securityRule } from '../providers/azure/support/inventory.js';
import { IDS } from '../providers/azure/support/world.js';
import { indexInventory } from '../../src/model/index.js';
import { evaluateCheck } from '../../src/engine/index.js';
import { trafficPortBlocked } from '../../checks/network/traffic-port-blocked.js';
import { networkContextFromIndex } from '../../src/network/index.js';
import { evaluatePoolPaths } from '../../src/network/lb-paths.js';
import type { VirtualNetworkFacts } from '../../src/network/service-tags.js';
import { serviceTagPrefixesFromAttributes, virtualNetworkTagPrefixes, withServiceTagPrefixes } from '../../src/network/service-tags.js';

const peering = (name: string, state: string, remotePrefixes?: string[], usesRemoteGateways = false) => ({ name, state, ...(remotePrefixes ? { remotePrefixes } : {}), usesRemoteGateways });

describe('virtualNetworkTagPrefixes', () => {
  it.each<[string, VirtualNetworkFacts, ReturnType<typeof virtualNetworkTagPrefixes>]>([
    ['address space only', { addressPrefixes: ['10.30.0.0/16'], routePrefixes: [] }, { complete: true, prefixes: ['10.30.0.0/16'] }],
    [
      'connected peerings add their remote spaces; others do not',
      { addressPrefixes: ['10.30.0.0/16'], peerings: [peering('to-hub', 'Connected', ['10.0.0.0/16', '10.1.0.0/16']), peering('to-old', 'Disconnected', ['10.99.0.0/16'])], routePrefixes: [] },
      { complete: true, prefixes: ['10.30.0.0/16', '10.0.0.0/16', '10.1.0.0/16'] },
    ],
    [
      'user-defined route prefixes join the tag (a 0.0.0.0/0 route makes it everything)',
      { addressPrefixes: ['10.30.0.0/16'], routePrefixes: ['192.168.0.0/16', '0.0.0.0/0'] },
      { complete: true, prefixes: ['10.30.0.0/16', '192.168.0.0/16', '0.0.0.0/0'] },
    ],
    ['on-premises prefixes when the data has them', { addressPrefixes: ['10.30.0.0/16'], hasGateway: true, onPremisesPrefixes: ['172.16.0.0/12'], routePrefixes: [] }, { complete: true, prefixes: ['10.30.0.0/16', '172.16.0.0/12'] }],
    ['boundary: duplicates collapse', { addressPrefixes: ['10.30.0.0/16'], peerings: [peering('p', 'Connected', ['10.30.0.0/16'])], routePrefixes: ['10.30.0.0/16'] }, { complete: true, prefixes: ['10.30.0.0/16'] }],
    ['unknown: a gateway whose on-premises prefixes are not collected', { addressPrefixes: ['10.30.0.0/16'], hasGateway: true, routePrefixes: [] }, { complete: false, missing: 'the virtual network has a gateway, and the on-premises prefixes it connects are not collected' }],
    [
      'unknown: a peering through a remote gateway',
      { addressPrefixes: ['10.30.0.0/16'], peerings: [peering('to-hub', 'Connected', ['10.0.0.0/16'], true)], routePrefixes: [] },
      { complete: false, missing: 'peering to-hub reaches on-premises networks through a remote gateway, whose prefixes are not collected' },
    ],
    ['unknown: a connected peering without its remote space', { addressPrefixes: ['10.30.0.0/16'], peerings: [peering('to-hub', 'Connected')], routePrefixes: [] }, { complete: false, missing: 'the remote address space of peering to-hub was not reported' }],
    ['unknown: routes not collected', { addressPrefixes: ['10.30.0.0/16'] }, { complete: false, missing: 'the user-defined routes of its subnets were not collected' }],
    ['unknown: no address space', { routePrefixes: [] }, { complete: false, missing: 'the address space of the virtual network was not collected' }],
    ['unknown: a route to a service tag is not an address block', { addressPrefixes: ['10.30.0.0/16'], routePrefixes: ['AzureCloud'] }, { complete: false, missing: 'a prefix of the tag is not an address block (10.30.0.0/16, AzureCloud)' }],
  ])('%s', (_, facts, expected) => expect(virtualNetworkTagPrefixes(facts)).toEqual(expected));

  it('attributes round trip, and a context answers the derived tags and defers the rest', () => {
    const table = serviceTagPrefixesFromAttributes({ 'sku.name': 'Standard', 'serviceTag.VirtualNetwork': '10.30.0.0/16, 10.0.0.0/16' });
    expect(table).toEqual({ VirtualNetwork: ['10.30.0.0/16', '10.0.0.0/16'] });
    const base = networkContextFromIndex({ policy: () => undefined, subnet: () => undefined }, { serviceTagPrefixes: { Storage: ['20.0.0.0/8'] } });
    const ctx = withServiceTagPrefixes(base, table);
    expect(ctx.serviceTagPrefixes('virtualnetwork')).toEqual(['10.30.0.0/16', '10.0.0.0/16']);
    expect(ctx.serviceTagPrefixes('Storage')).toEqual(['20.0.0.0/8']);
    expect(withServiceTagPrefixes(base, {})).toBe(base);
  });
});

describe('the Azure normalizer records VirtualNetwork per load balancer', () => {
  const vnetProps = (s: SubscriptionWorld) => props(resource(s.virtualNetworks, IDS.vnet));
  const tagOf = (inv: ReturnType<typeof azureInventory>, id: string) => inv.loadBalancers.find((l) => l.ref.id === id)?.attributes['serviceTag.VirtualNetwork'];

  it('the address space, a connected peering and the prefixes of the routes on its subnets', () => {
    const inv = azureInventory((s) => {
      vnetProps(s).virtualNetworkPeerings = [{ id: `${IDS.vnet}/virtualNetworkPeerings/to-hub`, name: 'to-hub', properties: { peeringState: 'Connected', remoteVirtualNetworkAddressSpace: { addressPrefixes: ['10.0.0.0/16'] } } }];
    });
    // vnet-prod's space, the hub's, and the on-premises route of rt-appgw on the gateway subnet.
    expect(tagOf(inv, IDS.lb)).toBe('10.10.0.0/16,10.0.0.0/16,192.168.0.0/16');
    expect(tagOf(inv, IDS.agw)).toBe('10.10.0.0/16,10.0.0.0/16,192.168.0.0/16');
    // Without the peering: the clean fixture.
    expect(tagOf(azureInventory(), IDS.lb)).toBe('10.10.0.0/16,192.168.0.0/16');
  });

  it('unknown: a gateway subnet in the network, or a route table that was not read, leaves the tag underived', () => {
    const withGateway = azureInventory((s) => {
      (vnetProps(s).subnets as Json[]).push({ id: `${IDS.vnet}/subnets/GatewaySubnet`, name: 'GatewaySubnet', properties: { addressPrefix: '10.10.255.0/27' } });
    });
    expect(tagOf(withGateway, IDS.lb)).toBeUndefined();
    expect(tagOf(azureInventory((s) => (s.routeTables = [])), IDS.agw)).toBeUndefined();
  });

  it('decides a path that VirtualNetwork left undecided: the internal load balancer clients behind a deny of another range', () => {
    const inv = azureInventory((s) => {
      const nsg = props(resource(s.networkSecurityGroups, IDS.nsgApi));
      (nsg.securityRules as Json[]).unshift(securityRule('DenyPartnerRange', 100, 'Inbound', 'Deny', '172.16.0.0/12', '*', '*', '*'));
    });
    const index = indexInventory(inv);
    const lb = inv.loadBalancers.find((l) => l.ref.id === IDS.lb)!;
    const pool = index.poolsOf(lb)[0]!;
    const plain = evaluatePoolPaths(inv, index, lb, pool, 'traffic', { netCtx: networkContextFromIndex(index) });
    const derived = evaluatePoolPaths(inv, index, lb, pool, 'traffic', { netCtx: withServiceTagPrefixes(networkContextFromIndex(index), serviceTagPrefixesFromAttributes(lb.attributes)) });
    expect(plain.kind === 'evaluated' && plain.targets.map((t) => t.allowed)).toEqual(['unknown', 'unknown']);
    expect(derived.kind === 'evaluated' && derived.targets.map((t) => t.allowed)).toEqual([true, true]);
  });

  it('is what the network checks use: the same path passes instead of answering unknown', () => {
    const inv = azureInventory((s) => {
      const nsg = props(resource(s.networkSecurityGroups, IDS.nsgApi));
      (nsg.securityRules as Json[]).unshift(securityRule('DenyPartnerRange', 100, 'Inbound', 'Deny', '172.16.0.0/12', '*', '*', '*'));
    });
    const results = evaluateCheck(trafficPortBlocked, inv, {}).filter((r) => r.resource.loadBalancerId === IDS.lb);
    expect(results.map((r) => r.status)).toEqual(['pass']);
    const underived = { ...inv, loadBalancers: inv.loadBalancers.map((l) => ({ ...l, attributes: {} })) };
    expect(evaluateCheck(trafficPortBlocked, underived, {}).filter((r) => r.resource.loadBalancerId === IDS.lb).map((r) => r.status)).toEqual(['unknown']);
  });
});
