/**
 * The bundled Google Cloud demo (demo/gcp-demo.json): reproducible from its builder, valid, its metric queries are
 * the collector's, and every planted fact of demo/README-gcp.md is in the normalized data (the checks' own tests
 * judge the findings).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildGcpDemo, demoQueries, GCP_DEMO_PATH, renderGcpDemo } from '../../../demo/build-gcp-demo.js';
import { metricQueries } from '../../../providers/gcp/collect/monitoring.js';
import { normalizeGcp } from '../../../providers/gcp/normalize/index.js';
import { validateGcpRaw } from '../../../providers/gcp/snapshot.js';
import type { BackendPool, LoadBalancer } from '../../../src/model/index.js';
import { effectiveKeepAlive, indexInventory, metricMax, metricSum, mergeBackendProfiles } from '../../../src/model/index.js';

const inv = normalizeGcp(validateGcpRaw(JSON.parse(readFileSync(GCP_DEMO_PATH, 'utf8'))), {});
const ix = indexInventory(inv);
const lb = (name: string): LoadBalancer => inv.loadBalancers.find((l) => l.ref.name === name) ?? (() => { throw new Error(name); })();
const pool = (name: string): BackendPool => inv.backendPools.find((p) => p.ref.name === name) ?? (() => { throw new Error(name); })();
const states = (name: string): string[] => (pool(name).targets ?? []).map((t) => t.health.state);

describe('demo/gcp-demo.json', () => {
  it('is what the builder writes', () => {
    expect(readFileSync(GCP_DEMO_PATH, 'utf8')).toBe(renderGcpDemo());
  });
  it('uses the collector\'s metric queries', () => {
    expect(demoQueries(300)).toEqual(metricQueries(300));
    expect(buildGcpDemo().projects[0]?.monitoring.queries).toEqual(metricQueries(300));
  });
  it('is marked demo and normalizes without coverage gaps', () => {
    expect(inv.demo).toBe(true);
    expect(inv.coverage).toEqual([]);
  });
  it('has every kind, and clean load balancers beside the planted ones', () => {
    expect(new Set(inv.loadBalancers.map((l) => l.kind))).toEqual(
      new Set(['gcp-alb-global', 'gcp-alb-classic', 'gcp-alb-regional', 'gcp-alb-internal', 'gcp-proxy-nlb', 'gcp-nlb-passthrough']),
    );
    expect(states('shop-api-bs')).toEqual(['healthy', 'healthy', 'healthy']);
    expect(effectiveKeepAlive(pool('shop-api-bs').targets?.[0]?.backend)?.value).toBe(620);
  });
  it('plants: keep-alive race (Node default 5 s behind 600 s)', () => {
    const ka = effectiveKeepAlive(mergeBackendProfiles(pool('web-frontend-bs').backend, pool('web-frontend-bs').targets?.[0]?.backend));
    expect(ka).toMatchObject({ value: 5, source: 'inferred' });
    expect(lb('shop-web').backendIdleTimeoutSeconds?.value).toBe(600);
  });
  it('plants: timeout below latency, timeout too long', () => {
    expect(pool('reports-bs').requestTimeoutSeconds?.value).toBe(30);
    expect(metricMax(ix.metric(pool('reports-bs').ref.id, 'target.latency.p99'))).toBeGreaterThan(40);
    expect(pool('websocket-bs').requestTimeoutSeconds?.value).toBe(172_800);
  });
  it('plants: blocked probes (orders), blocked proxies (billing), unhealthy backends, passthrough spread', () => {
    expect(states('orders-bs')).toEqual(['unhealthy', 'unhealthy']);
    expect(lb('billing-internal').trafficSources).toEqual([{ type: 'cidr', cidr: '10.129.0.0/23' }]);
    expect(states('checkout-bs')).toEqual(['healthy', 'healthy', 'unhealthy']);
    expect(states('syslog-nlb')).toEqual(['unhealthy', 'unhealthy']);
    expect(pool('syslog-nlb').whenAllUnhealthy?.value).toBe('fail-open');
    expect(pool('mqtt-nlb').whenAllUnhealthy?.value).toBe('drop');
  });
  it('plants: aggressive health check, health-check port mismatch, no draining', () => {
    expect(pool('search-bs').healthCheck).toMatchObject({ intervalSeconds: { value: 2 }, timeoutSeconds: { value: 1 }, unhealthyThreshold: { value: 1 } });
    expect(pool('catalog-bs')).toMatchObject({ port: 8080, healthCheck: { port: 80 } });
    expect(pool('search-bs').drainSeconds).toMatchObject({ value: 0, source: 'provider-default' });
  });
  it('plants: 502s on shop-web, 503s on orders, catalog and billing-internal; none on partners-regional', () => {
    expect(metricSum(ix.metric(lb('shop-web').ref.id, 'lb.http.502'))).toBeGreaterThan(0);
    expect(metricSum(ix.metric(lb('orders').ref.id, 'lb.http.503'))).toBeGreaterThan(0);
    expect(metricSum(ix.metric(lb('catalog').ref.id, 'lb.http.503'))).toBeGreaterThan(0);
    expect(metricSum(ix.metric(lb('billing-internal').ref.id, 'lb.http.503'))).toBeGreaterThan(0);
    expect(metricSum(ix.metric(lb('partners-regional').ref.id, 'lb.http.5xx'))).toBe(0);
  });
});
