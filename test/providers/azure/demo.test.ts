/**
 * The Azure demo: the committed JSON is the builder's output, it validates and normalizes, every planted problem is
 * in the data and found by the Azure checks, and the clean resources pass them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appgwCustomDnsResolution } from '../../../checks/network/appgw-custom-dns-resolution.js';
import { appgwDefaultRoute } from '../../../checks/network/appgw-default-route.js';
import { appgwInfraPortsBlocked } from '../../../checks/network/appgw-infra-ports-blocked.js';
import { appgwProbeHost } from '../../../checks/health/appgw-probe-host.js';
import { lbTcpResetDisabled } from '../../../checks/timeouts/lb-tcp-reset-disabled.js';
import { AZURE_DEMO_PATH, renderAzureDemo } from '../../../demo/build-azure-demo.js';
import { azureDescriptor } from '../../../providers/azure/descriptor.js';
import { normalizeAzure } from '../../../providers/azure/normalize/index.js';
import { validateAzureRaw } from '../../../providers/azure/snapshot.js';
import { evaluateCheck } from '../../../src/engine/index.js';
import { indexInventory, metricMax, metricMin } from '../../../src/model/index.js';
import { evaluatePoolPaths } from '../../../src/network/lb-paths.js';

const text = readFileSync(AZURE_DEMO_PATH, 'utf8');
const raw = validateAzureRaw(JSON.parse(text));
const inventory = normalizeAzure(raw, {});
const index = indexInventory(inventory);
const pool = (name: string) => {
  const found = inventory.backendPools.find((p) => p.ref.name === name);
  if (!found) throw new Error(`no pool ${name}`);
  return found;
};
const results = (check: Parameters<typeof evaluateCheck>[0]) => evaluateCheck(check, inventory, {}).map((r) => `${r.status} ${r.resource.name}${r.status === 'fail' ? ` ${r.messageId} ${r.severity}` : ''}`).sort();

describe('Azure demo', () => {
  it('is the output of demo/build-azure-demo.ts (regenerate with node demo/build-azure-demo.ts)', () => {
    expect(text).toBe(renderAzureDemo());
    expect(azureDescriptor.demoSnapshot).toBe('demo/azure-demo.json');
  });

  it('is demo data with two gateways of each generation, three load balancers and no coverage gap', () => {
    expect(inventory.demo).toBe(true);
    expect(inventory.loadBalancers.map((lb) => `${lb.kind} ${lb.ref.name} ${lb.sku}`)).toEqual([
      'azure-appgw agw-shop WAF_v2',
      'azure-appgw agw-api Standard_v2',
      'azure-appgw agw-legacy Standard',
      'azure-lb lb-ledger Standard',
      'azure-lb lb-cache Standard',
      'azure-lb lb-dns Standard',
    ]);
    expect(inventory.coverage).toEqual([]);
    expect(inventory.metricsWindowSeconds).toBe(86_400);
  });

  it('the Azure checks find the plants and pass the clean resources', () => {
    // The legacy NSG's deny-all at 4000 also shadows the default AllowAzureLoadBalancerInBound.
    expect(results(appgwInfraPortsBlocked)).toEqual(['fail agw-legacy gatewayManagerBlocked critical', 'fail agw-legacy loadBalancerBlocked critical', 'pass agw-api', 'pass agw-shop']);
    expect(results(appgwDefaultRoute)).toEqual(['fail agw-legacy divertedDefaultRoute high', 'pass agw-api', 'pass agw-shop']);
    expect(results(appgwProbeHost)).toEqual([
      'fail pool-payments~settings-payments noHost critical',
      'pass pool-catalog~settings-catalog',
      'pass pool-inventory~settings-inventory',
      'pass pool-legacy~settings-legacy',
      'pass pool-orders~settings-orders',
      'pass pool-reports~settings-reports',
      'pass pool-search~settings-search',
      'pass pool-shop~settings-shop',
    ]);
    // Every other pool names its members by NIC: nothing to resolve.
    expect(results(appgwCustomDnsResolution).filter((r) => !r.startsWith('not_applicable'))).toEqual(['fail pool-inventory~settings-inventory unresolved high']);
    expect(evaluateCheck(appgwCustomDnsResolution, inventory, {}).find((r) => r.status === 'fail')?.message).toContain('could not be resolved with the custom DNS servers 10.30.0.4, 10.30.0.5');
    // Inbound NAT rules are judged beside the load-balancing rules.
    expect(results(lbTcpResetDisabled)).toEqual([
      'fail lb-ledger/nat-psql-admin silentDrop medium',
      'fail lb-ledger/rule-postgres silentDrop medium',
      'not_applicable lb-dns/rule-dns-udp',
      'pass lb-cache/rule-redis',
      'pass lb-dns/nat-dns-ssh',
      'pass lb-dns/rule-dns-tcp',
    ]);
  });

  it('holds the facts the neutral families judge', () => {
    // targets: an empty pool, a deallocated VM, every payments server failing TLS, Unknown behind the v1 gateway.
    expect(pool('pool-search~settings-search').targets).toEqual([]);
    expect(pool('pool-reports~settings-reports').targets?.map((t) => `${t.instanceState}:${t.health.state}:${t.health.cause ?? ''}`)).toEqual(['running:healthy:', 'running:healthy:', 'deallocated:unhealthy:stopped']);
    expect(pool('pool-payments~settings-payments').targets?.map((t) => t.health.cause)).toEqual(['tls-failure', 'tls-failure']);
    expect(pool('pool-legacy~settings-legacy').targets?.map((t) => t.health.cause)).toEqual(['health-unknown', 'health-unknown']);
    // health: a 5 s probe that ejects after one miss, behind the gateway and the ledger load balancer.
    const orders = pool('pool-orders~settings-orders');
    expect([orders.healthCheck?.intervalSeconds?.value, orders.healthCheck?.unhealthyThreshold?.value]).toEqual([5, 1]);
    const ledger = pool('pool-ledger~rule-postgres');
    expect([ledger.healthCheck?.intervalSeconds?.value, ledger.healthCheck?.unhealthyThreshold?.value]).toEqual([5, 1]);
    // timeouts: 10 s request timeout, 24 s peaks; draining off on payments.
    expect(orders.requestTimeoutSeconds?.value).toBe(10);
    expect(metricMax(index.metric(orders.ref.id, 'target.latency.max'))).toBe(24);
    expect(pool('pool-payments~settings-payments').drainSeconds).toMatchObject({ value: 30, source: 'provider-default' });
    // network: the cache NSG blocks the load balancer's probes; every backend is down and availability is 0.
    const cache = pool('pool-cache~rule-redis');
    const probes = evaluatePoolPaths(inventory, index, index.loadBalancersOf(cache)[0]!, cache, 'health-check');
    expect(probes.kind === 'evaluated' && probes.targets.map((t) => t.allowed)).toEqual([false, false]);
    expect(cache.targets?.map((t) => t.health.state)).toEqual(['unhealthy', 'unhealthy']);
    expect(metricMin(index.metric(cache.ref.id, 'pool.probe-availability.min'))).toBe(0);
    // evidence: the API gateway answers 5xx.
    expect(metricMax(index.metric(inventory.loadBalancers[1]!.ref.id, 'lb.http.5xx'))).toBeGreaterThan(0);
  });

  it('the clean load balancers and gateways are reachable from their probe sources', () => {
    for (const name of ['pool-shop~settings-shop', 'pool-catalog~settings-catalog', 'pool-orders~settings-orders', 'pool-dns~rule-dns-tcp', 'pool-ledger~rule-postgres']) {
      const p = pool(name);
      const r = evaluatePoolPaths(inventory, index, index.loadBalancersOf(p)[0]!, p, 'health-check');
      expect(r.kind === 'evaluated' && r.targets.every((t) => t.allowed === true), name).toBe(true);
    }
  });
});
