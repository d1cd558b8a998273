/**
 * Metrics gaps named: when the metrics call of a bundled demo fails (HTTP 500, throttled, denied), the checks that
 * need metrics answer `unknown` naming that call and its failure code, never generic "collect metrics" advice, and
 * never a pass. One table per cloud; the failure is recorded in the raw snapshot as its collector records it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { observed5xxUnexplained } from '../../checks/evidence/observed-5xx-unexplained.js';
import { targetTlsNegotiationErrors } from '../../checks/tls/target-tls-negotiation-errors.js';
import { idleTimeoutBelowLatency } from '../../checks/timeouts/idle-timeout-below-latency.js';
import { normalizeAws } from '../../providers/aws/normalize/index.js';
import { normalizeAzure } from '../../providers/azure/normalize/index.js';
import type { AzureRawSnapshot } from '../../providers/azure/raw.js';
import type { AwsRawSnapshot } from '../../providers/aws/raw.js';
import { normalizeGcp } from '../../providers/gcp/normalize/index.js';
import type { GcpRawSnapshot } from '../../providers/gcp/raw.js';
import type { Inventory } from '../../src/model/index.js';
import { evaluateAsAudit } from '../support/check-tester.js';
import { root } from '../support/built-cli.js';

const demo = <T>(name: string): T => JSON.parse(readFileSync(join(root, 'demo', name), 'utf8')) as T;

interface Failure {
  name: string;
  code: string;
  httpStatus: number;
  message: string;
}

const FAILURES: Failure[] = [
  { name: 'HTTP 500', code: 'HTTP500', httpStatus: 500, message: 'HTTP 500 (Internal Server Error) without an error code' },
  { name: 'throttled', code: 'Throttling', httpStatus: 400, message: 'Rate exceeded (gave up after 45 s)' },
  { name: 'denied', code: 'AccessDenied', httpStatus: 403, message: 'not authorized to read metrics' },
];

const METRIC_CHECKS = [targetTlsNegotiationErrors, observed5xxUnexplained, idleTimeoutBelowLatency];

/** The unknown results of the metric checks, and whether any of them passed. */
function judge(inv: Inventory): { unknown: string[]; passed: string[] } {
  const results = METRIC_CHECKS.flatMap((check) => evaluateAsAudit(check, inv, {}));
  return {
    unknown: results.filter((r) => r.status === 'unknown').map((r) => `${r.checkId}: ${r.message}`),
    passed: results.filter((r) => r.status === 'pass').map((r) => `${r.checkId} ${r.resource.name}`),
  };
}

/** Every metric check that needed the failed call is unknown naming it and its code, never generic advice or a pass. */
function expectNamedUnknowns(inv: Inventory, call: string | RegExp): void {
  const { unknown, passed } = judge(inv);
  expect(unknown.length).toBeGreaterThan(0);
  for (const line of unknown) {
    if (typeof call === 'string') expect(line).toContain(call);
    else expect(line).toMatch(call);
    expect(line).not.toContain('non-zero metrics window');
  }
  expect(passed).toEqual([]);
}

describe('AWS: GetMetricData failing', () => {
  /** The demo with CloudWatch's answers gone and the failure recorded, region-wide or per resource as collect does. */
  function failed(f: Failure, perResource: boolean): Inventory {
    const raw = demo<AwsRawSnapshot>('aws-demo.json');
    for (const region of raw.regions) {
      const resources = [...new Set(region.cloudwatch.queries.map((q) => q.resourceArn))];
      region.cloudwatch.queries = [];
      region.cloudwatch.results = [];
      const entry = { api: 'cloudwatch:GetMetricData', region: region.region, code: f.code, message: f.message, httpStatus: f.httpStatus };
      region.errors.push(...(perResource ? resources.map((resourceId) => ({ ...entry, resourceId })) : [entry]));
    }
    return normalizeAws(raw, {});
  }

  it.each(FAILURES.flatMap((f) => [{ ...f, perResource: false }, { ...f, perResource: true }]))('$name (per resource: $perResource)', (f) => {
    expectNamedUnknowns(failed(f, f.perResource), `cloudwatch:GetMetricData: ${f.code}`);
  });
});

describe('Google Cloud: monitoring.timeSeries.list failing', () => {
  function failed(f: Failure): Inventory {
    const raw = demo<GcpRawSnapshot>('gcp-demo.json');
    for (const project of raw.projects) {
      // As the collector leaves it when every query failed: no window, no query, one error per query's metric type.
      const metricTypes = [...new Set(project.monitoring.queries.map((q) => q.metricType))];
      project.monitoring = { queries: [], series: [] };
      const code = f.code === 'AccessDenied' ? 'PERMISSION_DENIED' : f.code === 'Throttling' ? 'RESOURCE_EXHAUSTED' : f.code;
      project.errors.push(
        ...metricTypes.map((resourceId) => ({ api: 'monitoring.timeSeries.list', permission: 'monitoring.timeSeries.list', project: project.project, code, message: f.message, resourceId, httpStatus: f.httpStatus })),
      );
    }
    return normalizeGcp(raw, {});
  }

  it.each(FAILURES)('$name', (f) => {
    expectNamedUnknowns(failed(f), /monitoring\.timeSeries\.list: (HTTP500|RESOURCE_EXHAUSTED|PERMISSION_DENIED)/);
  });
});

describe('Azure: Metrics_List failing', () => {
  function failed(f: Failure): Inventory {
    const raw = demo<AzureRawSnapshot>('azure-demo.json');
    for (const sub of raw.subscriptions) {
      // As the collector leaves it: the queries it made, no response, one error per resource queried.
      const resources = [...new Set(sub.monitor.queries.map((q) => q.resourceId))];
      sub.monitor.responses = {};
      const code = f.code === 'AccessDenied' ? 'AuthorizationFailed' : f.code === 'Throttling' ? 'TooManyRequests' : f.code;
      sub.errors.push(...resources.map((resourceId) => ({ api: 'Metrics_List', subscriptionId: sub.subscriptionId, code, message: f.message, resourceId, httpStatus: f.httpStatus })));
    }
    return normalizeAzure(raw, {});
  }

  it.each(FAILURES)('$name', (f) => {
    expectNamedUnknowns(failed(f), /Metrics_List: (HTTP500|TooManyRequests|AuthorizationFailed)/);
  });
});
