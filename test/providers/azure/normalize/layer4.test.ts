/**
 * Application Gateway v2 TCP/TLS (layer-4 proxy) listeners and Load Balancer inbound NAT rules, normalized so the
 * neutral checks and the TCP-reset check see them. REST fixtures from world.ts, changed per row.
 */
import { describe, expect, it } from 'vitest';
import { lbTcpResetDisabled } from '../../../../checks/timeouts/lb-tcp-reset-disabled.js';
import { evaluateAsAudit } from '../../../support/check-tester.js';
import type { Json, SubscriptionWorld } from '../support/arm.js';
import { azureInventory, props, resource } from '../support/inventory.js';
import { agwChild, IDS, lbChild, vmssNicConfig } from '../support/world.js';

/** A TCP listener on 5432 and a TLS listener on 6380, each routed by a layer-4 rule to pool-api. */
function withLayer4(edit: (agw: Json) => void = () => undefined) {
  return (s: SubscriptionWorld) => {
    const agw = props(resource(s.applicationGateways, IDS.agw));
    const c = agwChild;
    (agw.frontendPorts as Json[]).push({ id: c('frontendPorts', 'port-5432'), name: 'port-5432', properties: { port: 5432 } }, { id: c('frontendPorts', 'port-6380'), name: 'port-6380', properties: { port: 6380 } });
    agw.backendSettingsCollection = [
      { id: c('backendSettingsCollection', 'bs-pg'), name: 'bs-pg', properties: { port: 5432, protocol: 'Tcp', timeout: 60 } },
      {
        id: c('backendSettingsCollection', 'bs-redis'),
        name: 'bs-redis',
        properties: { port: 6380, protocol: 'Tls', timeout: 30, hostName: 'redis.contoso.internal', probe: { id: c('probes', 'probe-tls') }, enableL4ClientIpPreservation: true },
      },
    ];
    (agw.probes as Json[]).push({ id: c('probes', 'probe-tls'), name: 'probe-tls', properties: { protocol: 'Tls', interval: 15, timeout: 5, unhealthyThreshold: 2 } });
    agw.listeners = [
      { id: c('listeners', 'l4-pg'), name: 'l4-pg', properties: { frontendIPConfiguration: { id: c('frontendIPConfigurations', 'fe-public') }, frontendPort: { id: c('frontendPorts', 'port-5432') }, protocol: 'Tcp' } },
      {
        id: c('listeners', 'l4-redis'),
        name: 'l4-redis',
        properties: { frontendIPConfiguration: { id: c('frontendIPConfigurations', 'fe-public') }, frontendPort: { id: c('frontendPorts', 'port-6380') }, protocol: 'Tls', sslCertificate: { id: c('sslCertificates', 'cert-www') } },
      },
    ];
    agw.routingRules = [
      { id: c('routingRules', 'rr-pg'), name: 'rr-pg', properties: { ruleType: 'Basic', priority: 200, listener: { id: c('listeners', 'l4-pg') }, backendAddressPool: { id: c('backendAddressPools', 'pool-api') }, backendSettings: { id: c('backendSettingsCollection', 'bs-pg') } } },
      {
        id: c('routingRules', 'rr-redis'),
        name: 'rr-redis',
        properties: { ruleType: 'Basic', priority: 210, listener: { id: c('listeners', 'l4-redis') }, backendAddressPool: { id: c('backendAddressPools', 'pool-api') }, backendSettings: { id: c('backendSettingsCollection', 'bs-redis') } },
      },
    ];
    edit(agw);
  };
}

describe('Application Gateway v2 TCP/TLS listeners', () => {
  const inv = azureInventory(withLayer4());
  const agw = inv.loadBalancers.find((l) => l.ref.id === IDS.agw)!;
  const pool = (settings: string) => inv.backendPools.find((p) => p.ref.id === `${agwChild('backendAddressPools', 'pool-api')}~${settings}`);

  it.each([
    ['agw-web/listener-https', 'HTTPS', 443, 1, `${agwChild('backendAddressPools', 'pool-web')}~settings-web`],
    ['agw-web/l4-pg', 'TCP', 5432, 0, `${agwChild('backendAddressPools', 'pool-api')}~bs-pg`],
    ['agw-web/l4-redis', 'TLS', 6380, 1, `${agwChild('backendAddressPools', 'pool-api')}~bs-redis`],
  ])('listener %s: %s:%i, %i certificate(s), routed to %s', (name, protocol, port, certificates, poolId) => {
    const l = agw.listeners.find((x) => x.ref.name === name);
    expect(l).toMatchObject({ protocol, port });
    expect(l?.certificates).toHaveLength(certificates);
    expect([...(l?.defaultPoolIds ?? []), ...(l?.routes.flatMap((r) => r.poolIds) ?? [])]).toContain(poolId);
  });

  it.each([
    // [settings, protocol, port, probe protocol, probe interval source, TLS verified, client IP preserved]
    ['bs-pg', 'TCP', 5432, 'TCP', 'provider-default', undefined, undefined],
    ['bs-redis', 'TLS', 6380, 'TLS', 'api', true, true],
  ])('pool pool-api~%s: %s:%i, %s probe (%s)', (settings, protocol, port, probeProtocol, intervalSource, verifies, preserves) => {
    const p = pool(settings)!;
    expect(p).toMatchObject({ protocol, port });
    expect(p.healthCheck).toMatchObject({ enabled: true, protocol: probeProtocol, port, usesTrafficPort: true, intervalSeconds: { source: intervalSource } });
    // A TCP/TLS probe only connects: no path, host or status codes to judge.
    expect(p.healthCheck?.path).toBeUndefined();
    expect(p.healthCheck?.host).toBeUndefined();
    expect(p.healthCheck?.successCodes).toBeUndefined();
    expect(p.tls?.verifiesCertificate).toBe(verifies);
    expect(p.preservesClientIp?.value).toBe(preserves);
    // No HTTP request to time out, no HTTP/1.1 to the backend.
    expect(p.requestTimeoutSeconds).toBeUndefined();
    expect(p.protocolVersion).toBeUndefined();
    expect(p.targets?.map((t) => t.id)).toEqual([vmssNicConfig(0), vmssNicConfig(1)]);
  });

  it('edge: a layer-4 rule pointing at settings the gateway lacks routes nowhere (no invented pool)', () => {
    const broken = azureInventory(withLayer4((a) => ((a.routingRules as Json[])[0]!.properties as Json).backendSettings = { id: agwChild('backendSettingsCollection', 'gone') }));
    const l = broken.loadBalancers.find((x) => x.ref.id === IDS.agw)!.listeners.find((x) => x.ref.name === 'agw-web/l4-pg');
    expect(l?.defaultPoolIds).toEqual([]);
    expect(broken.backendPools.some((p) => p.ref.id.endsWith('~gone'))).toBe(false);
  });

  it('a gateway without layer-4 listeners has only its HTTP listeners (clean fixture unchanged)', () => {
    expect(azureInventory().loadBalancers.find((x) => x.ref.id === IDS.agw)!.listeners.map((l) => l.ref.name)).toEqual(['agw-web/listener-https']);
  });
});

const NAT_POOL = lbChild('backendAddressPools', 'pool-api');

/** Inbound NAT rules: a v2 rule on the backend pool and a v1 rule on one scale-set NIC; the LB rule's TCP reset as given. */
function withNat(nat: Json[], ruleReset = true, keepAlive?: string) {
  return (s: SubscriptionWorld) => {
    const lb = props(resource(s.loadBalancers, IDS.lb));
    lb.inboundNatRules = nat;
    ((lb.loadBalancingRules as Json[])[0]!.properties as Json).enableTcpReset = ruleReset;
    const vmss = resource(s.virtualMachineScaleSets, IDS.vmss);
    vmss.tags = keepAlive === undefined ? { 'cloud502:server': 'go' } : { 'cloud502:keepalive': keepAlive };
  };
}

const natV2 = (properties: Json): Json => ({
  id: lbChild('inboundNatRules', 'nat-ssh'),
  name: 'nat-ssh',
  properties: { protocol: 'Tcp', frontendPortRangeStart: 50000, frontendPortRangeEnd: 50099, backendPort: 22, backendAddressPool: { id: NAT_POOL }, ...properties },
});
const natV1 = (properties: Json): Json => ({
  id: lbChild('inboundNatRules', 'nat-rdp'),
  name: 'nat-rdp',
  properties: { protocol: 'Tcp', frontendPort: 3389, backendPort: 3389, backendIPConfiguration: { id: vmssNicConfig(1) }, ...properties },
});

describe('Load Balancer inbound NAT rules', () => {
  it.each([
    ['v2 rule on a backend pool, TCP reset on, 10 min', natV2({ idleTimeoutInMinutes: 10, enableTcpReset: true }), 'lb-api/nat-ssh', 50000, 600, 'api', true],
    ['v1 rule on one NIC, nothing returned: documented defaults', natV1({}), 'lb-api/nat-rdp', 3389, 240, 'provider-default', false],
  ])('%s', (_, rule, name, port, idle, source, reset) => {
    const inv = azureInventory(withNat([rule]));
    const l = inv.loadBalancers.find((x) => x.ref.id === IDS.lb)!.listeners.find((x) => x.ref.name === name);
    expect(l).toMatchObject({ protocol: 'TCP', port, idleTimeoutSeconds: { value: idle, source }, resetsIdleFlows: { value: reset } });
    expect(l?.ref.type).toBe('azure-lb-nat-rule');
    // Both rules reach scale-set instances that the load-balancing rule's pool holds: routed there, no pool of their own.
    expect(l?.defaultPoolIds).toEqual([`${NAT_POOL}~rule-api`]);
    expect(inv.backendPools.filter((p) => p.loadBalancerIds.includes(IDS.lb))).toHaveLength(1);
  });

  it('edge: a v1 rule to a NIC no load-balancing rule serves routes nowhere', () => {
    const inv = azureInventory(withNat([natV1({ backendIPConfiguration: { id: `${IDS.nicWeb1}/ipConfigurations/ipconfig1` } })]));
    expect(inv.loadBalancers.find((x) => x.ref.id === IDS.lb)!.listeners.find((x) => x.ref.name === 'lb-api/nat-rdp')?.defaultPoolIds).toEqual([]);
  });

  describe('the TCP-reset check sees them', () => {
    const natResults = (nat: Json[], keepAlive?: string) =>
      evaluateAsAudit(lbTcpResetDisabled, azureInventory(withNat(nat, true, keepAlive))).filter((r) => r.resource.name.startsWith('lb-api/nat'));

    it('fires: NAT rule with TCP reset off, backends that never close idle connections', () => {
      const results = natResults([natV2({ idleTimeoutInMinutes: 4, enableTcpReset: false })]);
      expect(results.map((r) => `${r.resource.name}:${r.status}:${r.messageId ?? ''}`)).toEqual(['lb-api/nat-ssh:fail:silentDrop']);
      expect(results[0]?.remediation.cli).toBe('az network lb inbound-nat-rule update --resource-group rg-api --lb-name lb-api --name nat-ssh --idle-timeout 4 --enable-tcp-reset true');
    });
    it('clean: NAT rule with TCP reset on', () => {
      expect(natResults([natV2({ enableTcpReset: true })]).map((r) => r.status)).toEqual(['pass']);
    });
    it('boundary: reset off, keep-alive one second below the 4 min timeout', () => {
      expect(natResults([natV1({ enableTcpReset: false })], '239').map((r) => r.status)).toEqual(['pass']);
    });
    it('boundary: reset off, keep-alive equal to the timeout fires', () => {
      expect(natResults([natV1({ enableTcpReset: false })], '240').map((r) => r.status)).toEqual(['fail']);
    });
  });
});
