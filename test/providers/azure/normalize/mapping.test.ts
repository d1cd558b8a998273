/**
 * Table tests of the Azure mappers: health texts → causes, NSG rules → policy rules, SKU → generation, probe host,
 * tags → declared backends, metrics attribution.
 */
import { describe, expect, it } from 'vitest';
import { appGatewayGeneration } from '../../../../providers/azure/normalize/app-gateway.js';
import { appGatewayHealth, causeFromProbeLog, powerState, ruleHealth } from '../../../../providers/azure/normalize/health.js';
import { normalizeAzure } from '../../../../providers/azure/normalize/index.js';
import { mapSecurityRule, parsePortSpec, prefixPeer } from '../../../../providers/azure/normalize/network.js';
import { declaredBackend } from '../../../../providers/azure/normalize/targets.js';
import type { Json } from '../support/arm.js';
import { flattenArm, rawFromWorld } from '../support/arm.js';
import { answerFromWorld, metricQueries, WINDOW, worldOf } from '../support/scenarios.js';
import { agwChild, IDS, lbChild, NOW, productionSubscription } from '../support/world.js';

describe('Application Gateway health probe log → cause', () => {
  it.each([
    ["Time taken by the backend to respond to application gateway's health probe is more than the timeout threshold in the probe setting.", 'health-check-timeout'],
    ['Application Gateway could not create a probe for this backend. This usually happens when the FQDN of the backend has not been entered correctly.', 'dns-failure'],
    ['Application Gateway could not connect to the backend. Check that the backend responds on the port used for the probe.', 'connection-failed'],
    ["Status code of the backend's HTTP response did not match the probe setting. Expected:200-399 Received:401.", 'response-code-mismatch'],
    ["Body of the backend's HTTP response did not match the probe setting. Received response body doesn't contain healthy.", 'response-code-mismatch'],
    ['The Common Name of the leaf certificate presented by the backend server does not match the Probe or Backend Setting hostname of the application gateway.', 'tls-failure'],
    ['Backend certificate is invalid. Current date is not within the "Valid from" and "Valid to" date range on the certificate.', 'tls-failure'],
    ['The Intermediate certificate is missing from the certificate chain presented by the backend server.', 'tls-failure'],
    ["The root certificate of the server certificate used by the backend doesn't match the trusted root certificate added to the application gateway.", 'tls-failure'],
    ['The backend health status could not be retrieved. This happens when an NSG/UDR/Firewall on the application gateway subnet is blocking traffic on ports 65200-65535.', 'health-unknown'],
    ['Something new Azure says', undefined],
    ['', undefined],
  ])('%s', (log, cause) => expect(causeFromProbeLog(log)).toBe(cause));

  it.each([
    ['Up', undefined, undefined, { state: 'healthy' }],
    ['Down', 'Application Gateway could not connect to the backend.', 'running', { state: 'unhealthy', cause: 'connection-failed' }],
    ['Down', 'Application Gateway could not connect to the backend.', 'deallocated', { state: 'unhealthy', cause: 'stopped' }],
    ['Down', undefined, undefined, { state: 'unhealthy', cause: 'health-check-failed' }],
    ['Partial', 'Status code of the backend did not match', undefined, { state: 'unhealthy', cause: 'response-code-mismatch' }],
    ['Unknown', undefined, undefined, { state: 'unknown', cause: 'health-unknown' }],
    ['Draining', undefined, undefined, { state: 'draining', cause: 'draining' }],
    ['Sideways', undefined, undefined, { state: 'unknown', cause: 'unknown' }],
  ])('%s %s (%s)', (health, log, power, expected) => expect(appGatewayHealth(health, log, power)).toMatchObject(expected));

  it('load balancer rule health', () => {
    expect(ruleHealth('Up', undefined, 'running')).toEqual({ state: 'healthy', reason: 'Up' });
    expect(ruleHealth('Down', 'Probe timed out', 'running')).toMatchObject({ state: 'unhealthy', cause: 'health-check-timeout' });
    expect(ruleHealth('Down', 'Connection refused', undefined)).toMatchObject({ cause: 'connection-failed' });
    expect(ruleHealth('Down', undefined, 'stopped')).toMatchObject({ cause: 'stopped' });
    expect(ruleHealth(undefined, undefined, undefined)).toMatchObject({ state: 'unknown', cause: 'unknown' });
  });

  it('power state from an instance view', () => {
    expect(powerState([{ code: 'ProvisioningState/succeeded' }, { code: 'PowerState/deallocated' }])).toBe('deallocated');
    expect(powerState([{ code: 'ProvisioningState/succeeded' }])).toBeUndefined();
    expect(powerState(undefined)).toBeUndefined();
  });
});

describe('NSG rules', () => {
  const rule = (properties: Json) => flattenArm({ name: 'r', properties: { priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefix: '*', destinationAddressPrefix: '*', destinationPortRange: '*', ...properties } }) as never;

  it.each([
    ['*', 'all'],
    ['443', { from: 443, to: 443 }],
    ['65200-65535', { from: 65200, to: 65535 }],
    ['70000', undefined],
    ['80-70', undefined],
    ['http', undefined],
  ])('port spec %s', (spec, out) => expect(parsePortSpec(spec)).toEqual(out));

  it.each([
    ['*', { type: 'any' }],
    ['10.0.0.0/8', { type: 'cidr', cidr: '10.0.0.0/8' }],
    ['168.63.129.16', { type: 'cidr', cidr: '168.63.129.16/32' }],
    ['AzureLoadBalancer', { type: 'service-tag', tag: 'AzureLoadBalancer' }],
    ['Storage.WestEurope', { type: 'service-tag', tag: 'Storage.WestEurope' }],
  ])('prefix %s', (prefix, peer) => expect(prefixPeer(prefix)).toEqual(peer));

  it('one rule per (source × port range); unreadable ports dropped, never widened', () => {
    const out = mapSecurityRule(rule({ sourceAddressPrefix: undefined, sourceAddressPrefixes: ['10.0.0.0/8', 'GatewayManager'], destinationPortRange: undefined, destinationPortRanges: ['80', 'x', '8000-8100'] }));
    expect(out.map((r) => `${r.peer.type === 'cidr' ? r.peer.cidr : r.peer.type === 'service-tag' ? r.peer.tag : r.peer.type} ${r.ports?.from}-${r.ports?.to}`)).toEqual([
      '10.0.0.0/8 80-80',
      '10.0.0.0/8 8000-8100',
      'GatewayManager 80-80',
      'GatewayManager 8000-8100',
    ]);
  });

  it('outbound rules match the destination; their source prefixes select the endpoint; ASGs are network tags', () => {
    const [out] = mapSecurityRule(rule({ direction: 'Outbound', access: 'Deny', protocol: '*', sourceAddressPrefix: '10.1.0.0/24', destinationAddressPrefix: 'Internet' }));
    expect(out).toMatchObject({ direction: 'egress', action: 'deny', protocol: 'all', peer: { type: 'service-tag', tag: 'Internet' }, appliesTo: [{ type: 'cidr', cidr: '10.1.0.0/24' }] });
    expect(out?.ports).toBeUndefined();
    const [asg] = mapSecurityRule(rule({ sourceAddressPrefix: undefined, sourceApplicationSecurityGroups: [{ id: '/X/applicationSecurityGroups/Web' }], destinationApplicationSecurityGroups: [{ id: '/X/applicationSecurityGroups/Db' }] }));
    expect(asg).toMatchObject({ peer: { type: 'network-tag', tag: 'asg:/x/applicationsecuritygroups/web' }, appliesTo: [{ type: 'network-tag', tag: 'asg:/x/applicationsecuritygroups/db' }] });
  });

  it('a rule without a direction or priority is not guessed', () => {
    expect(mapSecurityRule(rule({ direction: 'Sideways' }))).toEqual([]);
    expect(mapSecurityRule(rule({ priority: undefined }))).toEqual([]);
  });
});

describe('Application Gateway generation and probes', () => {
  it.each([
    [{ name: 'Standard_v2', tier: 'Standard_v2' }, 'v2'],
    [{ name: 'WAF_v2', tier: 'WAF_v2' }, 'v2'],
    [{ name: 'Basic', tier: 'Basic' }, 'v2'],
    [{ name: 'Standard_Medium', tier: 'Standard' }, 'v1'],
    [{ name: 'WAF_Large', tier: 'WAF' }, 'v1'],
    [{ name: 'Standard_Small' }, 'v1'],
    [{}, undefined],
    [undefined, undefined],
  ])('%j → %s', (sku, generation) => expect(appGatewayGeneration(sku as never)).toBe(generation));

  /** The production gateway with the web settings and probe replaced. */
  function webPool(settings: Json, probe: Json | undefined, sku: Json = { name: 'Standard_v2', tier: 'Standard_v2' }) {
    const sub = productionSubscription();
    const agw = sub.applicationGateways[0]!;
    const props = agw.properties as Json;
    props.sku = sku;
    const all = props.backendHttpSettingsCollection as Json[];
    all[0] = { id: agwChild('backendHttpSettingsCollection', 'settings-web'), name: 'settings-web', properties: { port: 443, protocol: 'Https', ...settings } };
    props.probes = probe ? [{ id: agwChild('probes', 'p'), name: 'p', properties: probe }] : [];
    const inv = normalizeAzure(rawFromWorld(worldOf(sub), { collectedAt: NOW }), {});
    return inv.backendPools.find((p) => p.ref.name === 'pool-web~settings-web')!;
  }
  const probeRef = { probe: { id: agwChild('probes', 'p') } };

  it.each([
    ['custom probe with a host', { ...probeRef, hostName: 'www.contoso.com' }, { protocol: 'Https', path: '/h', host: 'probe.contoso.com' }, 'probe.contoso.com'],
    ['custom probe picking the settings host', { ...probeRef, hostName: 'www.contoso.com' }, { protocol: 'Https', path: '/h', pickHostNameFromBackendHttpSettings: true }, 'www.contoso.com'],
    ['custom probe with neither', { ...probeRef, hostName: 'www.contoso.com' }, { protocol: 'Https', path: '/h' }, undefined],
    ['default probe, v2 with a settings host', { hostName: 'www.contoso.com' }, undefined, 'www.contoso.com'],
    ['default probe, v2 picking the backend address', { pickHostNameFromBackendAddress: true }, undefined, undefined],
    ['default probe, v2 without a host', {}, undefined, '127.0.0.1'],
  ])('%s', (_name, settings, probe, host) => {
    expect(webPool(settings, probe).healthCheck?.host).toBe(host);
  });

  it('default probe numbers are provider defaults; the healthy threshold is fixed at one success', () => {
    const hc = webPool({}, undefined).healthCheck!;
    expect(hc).toMatchObject({ path: '/', usesTrafficPort: true, matcher: '200-399', successCodes: [{ from: 200, to: 399 }] });
    expect(hc.intervalSeconds).toMatchObject({ value: 30, source: 'provider-default' });
    expect(hc.timeoutSeconds).toMatchObject({ value: 30, source: 'provider-default' });
    expect(hc.unhealthyThreshold).toMatchObject({ value: 3, source: 'provider-default' });
    expect(hc.healthyThreshold).toMatchObject({ value: 1, source: 'fixed' });
  });

  it('request timeout, draining and TLS verification', () => {
    const defaults = webPool({}, undefined);
    expect(defaults.requestTimeoutSeconds).toMatchObject({ value: 20, source: 'provider-default' });
    expect(defaults.drainSeconds).toMatchObject({ value: 30, source: 'provider-default' });
    expect(defaults.tls).toEqual({ verifiesCertificate: true });
    const v1 = webPool({ requestTimeout: 5, connectionDraining: { enabled: true, drainTimeoutInSec: 300 } }, undefined, { name: 'Standard_Small', tier: 'Standard' });
    expect(v1.requestTimeoutSeconds).toMatchObject({ value: 5, source: 'api' });
    expect(v1.drainSeconds).toMatchObject({ value: 300, source: 'api' });
    expect(v1.tls).toEqual({ verifiesCertificate: false });
    const unchecked = webPool({ validateCertChainAndExpiry: false, trustedRootCertificates: [{ id: 'root-1' }], sniName: 'sni.contoso.com' }, undefined);
    expect(unchecked.tls).toEqual({ verifiesCertificate: false, sni: 'sni.contoso.com', trustedRootIds: ['root-1'] });
  });

  it('status codes that cannot be read are not guessed', () => {
    const pool = webPool(probeRef, { protocol: 'Https', path: '/h', match: { statusCodes: ['200-399', 'OK'] } });
    expect(pool.healthCheck?.matcher).toBe('200-399,OK');
    expect(pool.healthCheck?.successCodes).toBeUndefined();
  });
});

describe('declared backends', () => {
  it('the most specific tag wins per field; bad values are reported, never used', () => {
    expect(
      declaredBackend([
        { tags: { 'cloud502:keepalive': '75s' }, label: 'NIC n' },
        { tags: { 'cloud502:server': 'nginx', 'cloud502:keepalive': '5' }, label: 'VM v' },
        { tags: { 'cloud502:server': 'node' }, label: 'scale set s' },
      ]),
    ).toEqual({
      backend: { server: { value: 'nginx', source: 'declared', detail: 'tag cloud502:server=nginx on VM v' }, keepAliveSeconds: { value: 75, source: 'declared', detail: 'tag cloud502:keepalive=75s on NIC n' } },
      problems: [],
    });
    expect(declaredBackend([{ tags: { 'cloud502:server': 'iis' }, label: 'VM v' }])).toEqual({ problems: ['tag cloud502:server="iis" on VM v is not a known server kind'] });
    expect(declaredBackend([{ tags: undefined, label: 'NIC n' }])).toEqual({ problems: [] });
  });

  it('gateway tags declare the pools, and the config file matches pool names', () => {
    const sub = productionSubscription();
    sub.applicationGateways[0]!.tags = { 'cloud502:server': 'uvicorn' };
    const inv = normalizeAzure(rawFromWorld(worldOf(sub), { collectedAt: NOW }), { backends: [{ match: { pool: 'pool-api~*' }, keepAliveSeconds: 120 }] });
    expect(inv.backendPools.find((p) => p.ref.name === 'pool-web~settings-web')?.backend?.server?.value).toBe('uvicorn');
    expect(inv.backendPools.find((p) => p.ref.name === 'pool-api~settings-api')?.backend?.keepAliveSeconds?.value).toBe(120);
  });
});

describe('metrics attribution', () => {
  it('a load balancer pair takes the lowest availability of its backends per period', () => {
    const sub = productionSubscription();
    sub.metrics[IDS.lb] = [
      { metric: 'DipAvailability', dims: { BackendIPAddress: '10.10.2.4', BackendPort: '8080' }, data: [{ timeStamp: '2026-11-20T11:50:00Z', average: 100 }, { timeStamp: '2026-11-20T11:55:00Z', average: 100 }] },
      { metric: 'DipAvailability', dims: { BackendIPAddress: '10.10.2.5', BackendPort: '8080' }, data: [{ timeStamp: '2026-11-20T11:50:00Z', average: 40 }, { timeStamp: '2026-11-20T11:55:00Z', average: 0 }] },
      { metric: 'DipAvailability', dims: { BackendIPAddress: '10.10.9.9', BackendPort: '8080' }, data: [{ timeStamp: '2026-11-20T11:50:00Z', average: 0 }] },
    ];
    const raw = rawFromWorld(worldOf(sub), { collectedAt: NOW, metricsWindowSeconds: 3600, window: WINDOW, queries: metricQueries(sub) }, answerFromWorld);
    const inv = normalizeAzure(raw, {});
    const series = inv.metrics.find((m) => m.resourceId === `${lbChild('backendAddressPools', 'pool-api')}~rule-api` && m.name === 'pool.probe-availability.min');
    expect(series).toMatchObject({ aggregation: 'min', unit: 'percent', periodSeconds: 300, providerName: 'Microsoft.Network/loadBalancers DipAvailability minimum (lowest backend)' });
    expect(series?.points).toEqual([
      { t: '2026-11-20T11:50:00.000Z', v: 40 },
      { t: '2026-11-20T11:55:00.000Z', v: 0 },
    ]);
    expect(inv.metricsWindowSeconds).toBe(3600);
  });

  it('no window, no series; a failed query, no series', () => {
    const sub = productionSubscription();
    expect(normalizeAzure(rawFromWorld(worldOf(sub), { collectedAt: NOW }), {}).metrics).toEqual([]);
    const raw = rawFromWorld(worldOf(sub), { collectedAt: NOW, metricsWindowSeconds: 3600, window: WINDOW, queries: metricQueries(sub) }, () => undefined);
    const inv = normalizeAzure(raw, {});
    expect(inv.metrics).toEqual([]);
    expect(inv.metricsWindowSeconds).toBe(3600);
  });
});

describe('backend pools no rule uses', () => {
  it('become pools of no load balancer, on a gateway and on a load balancer, with targets whose health is not known', () => {
    const sub = productionSubscription();
    const agwPools = (sub.applicationGateways[0]!.properties as Json).backendAddressPools as Json[];
    agwPools.push({ id: agwChild('backendAddressPools', 'pool-old'), name: 'pool-old', properties: { backendAddresses: [{ ipAddress: '10.10.1.99' }] } });
    const lbPools = (sub.loadBalancers[0]!.properties as Json).backendAddressPools as Json[];
    lbPools.push({ id: lbChild('backendAddressPools', 'pool-spare'), name: 'pool-spare', properties: {} });
    const inv = normalizeAzure(rawFromWorld(worldOf(sub), { collectedAt: NOW }), {});
    const old = inv.backendPools.find((p) => p.ref.name === 'pool-old');
    expect(old).toMatchObject({ ref: { type: 'azure-appgw-backend' }, loadBalancerIds: [], attributes: { applicationGateway: 'agw-web', backendAddressPool: 'pool-old' } });
    expect(old?.targets?.map((t) => [t.address, t.health.state])).toEqual([['10.10.1.99', 'unknown']]);
    expect(JSON.stringify(old?.targets?.[0]?.health)).toContain('no routing rule uses this backend pool');
    const spare = inv.backendPools.find((p) => p.ref.name === 'pool-spare');
    expect(spare).toMatchObject({ ref: { type: 'azure-lb-backend' }, loadBalancerIds: [], targets: [], attributes: { loadBalancer: 'lb-api', backendAddressPool: 'pool-spare' } });
  });
});
