/**
 * The Google Cloud demo audited by the real check catalog: every planted cause is found in its family, the clean
 * load balancers raise nothing at medium or above, and no check errors.
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../checks/index.js';
import { buildGcpDemo } from '../../demo/build-gcp-demo.js';
import { gcpAdapter } from '../../providers/gcp/index.js';
import type { AnyCheck, CheckResult } from '../../src/engine/index.js';
import { runChecks } from '../../src/engine/index.js';

const checks: AnyCheck[] = allChecks;
const inv = gcpAdapter.normalize(buildGcpDemo(), {});
const results: CheckResult[] = runChecks(inv, checks, {}, { fixRenderers: { gcp: gcpAdapter.fixes } });
const fails = results.filter((r) => r.status === 'fail');
const RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

describe('audit of the Google Cloud demo', () => {
  it('no check errors', () => {
    expect(results.filter((r) => r.status === 'error').map((r) => `${r.checkId}: ${r.message}`)).toEqual([]);
  });

  it.each([
    ['timeouts/backend-keepalive-exceeds-idle-timeout', 'web-frontend-bs', 'high'],
    ['timeouts/idle-timeout-below-latency', 'reports-bs', 'high'],
    ['timeouts/backend-timeout-too-long', 'websocket-bs', 'info'],
    ['timeouts/deregistration-delay-too-short', 'search-bs', 'low'],
    ['targets/all-targets-unhealthy', 'orders-bs', 'critical'],
    ['targets/all-targets-unhealthy', 'catalog-bs', 'critical'],
    ['targets/all-targets-unhealthy', 'syslog-nlb', 'critical'],
    ['targets/unhealthy-targets', 'checkout-bs', 'high'],
    ['health/aggressive-ejection', 'search-bs', 'medium'],
    ['health/port-protocol-mismatch', 'catalog-bs', 'high'],
    ['health/health-check-logging-disabled', 'catalog-bs', 'info'],
    ['network/health-check-port-blocked', 'orders-bs', 'critical'],
    ['network/traffic-port-blocked', 'billing-bs', 'high'],
  ] as const)('finds %s on %s (%s)', (checkId, resource, severity) => {
    const found = fails.filter((r) => r.checkId === checkId && r.resource.name === resource);
    expect(found.length, `${checkId} on ${resource}`).toBeGreaterThan(0);
    expect(found[0]?.severity).toBe(severity);
  });

  it('explains the passthrough NLB: traffic spread over unhealthy VMs', () => {
    const syslog = fails.find((r) => r.checkId === 'targets/all-targets-unhealthy' && r.resource.name === 'syslog-nlb');
    expect(syslog?.messageId).toBe('failOpen');
    const mqtt = results.find((r) => r.checkId === 'targets/all-targets-unhealthy' && r.resource.name === 'mqtt-nlb');
    expect(mqtt?.status).toBe('pass');
  });

  it('the blocked probes of orders get a VPC firewall rule for the probe ranges (the implied deny decided)', () => {
    const blocked = fails.find((r) => r.checkId === 'network/health-check-port-blocked' && r.resource.name === 'orders-bs');
    expect(JSON.stringify(blocked)).toMatch(
      /gcloud compute firewall-rules create cloud502-allow-health-checks-8080-[0-9a-f]{6} --project=shop-prod-4711 --network=shop-vpc --direction=INGRESS --action=ALLOW --rules=tcp:8080 --source-ranges=35.191.0.0\/16,130.211.0.0\/22/,
    );
    // Billing's probes pass; only the proxy-only subnet is blocked.
    expect(results.find((r) => r.checkId === 'network/health-check-port-blocked' && r.resource.name === 'billing-bs')?.status).toBe('pass');
  });

  it('renders Google Cloud fixes for the findings', () => {
    const keepAlive = fails.find((r) => r.checkId === 'timeouts/backend-keepalive-exceeds-idle-timeout');
    expect(JSON.stringify(keepAlive)).toMatch(/600 s/);
    const tooLong = fails.find((r) => r.checkId === 'timeouts/backend-timeout-too-long');
    expect(JSON.stringify(tooLong)).toContain('gcloud compute backend-services update websocket-bs --global --project=shop-prod-4711 --timeout=86400');
  });

  it('raises nothing at medium or above on the clean load balancers', () => {
    const clean = new Set(['shop-api-bs', 'inventory-bs', 'partners-bs', 'mqtt-nlb', 'edge-tcp-bs', 'partners-regional', 'edge-tcp-proxy']);
    const noisy = fails.filter((r) => clean.has(r.resource.name) && RANK[r.severity] >= RANK.medium);
    expect(noisy.map((r) => `${r.checkId} ${r.resource.name}: ${r.message}`)).toEqual([]);
  });
});
