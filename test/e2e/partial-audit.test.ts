/**
 * Partial audits say so: the built CLI against moto behind a fault-injecting proxy (bench/throttle-proxy.ts) on
 * 127.0.0.1. A region whose load-balancer listing is denied, or an API that hangs until the --timeout deadline, leaves
 * a report that is marked partial in its JSON summary and its first lines, and fails CI with --fail-on-coverage-gap.
 * Own regions (eu-central-2, ap-southeast-3), so other suites sharing the moto server do not see or disturb them.
 */
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorAnswer, ThrottleProxy, type ProxiedCall } from '../../bench/throttle-proxy.js';
import type { Report } from '../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';
import { cli } from '../support/built-cli.js';
import { MOTO_CREDENTIALS, seedSmallEstate, type SmallEstate } from '../support/seed-small.js';

const AUDITED = 'eu-central-2';
const DENIED = 'ap-southeast-3';
let estate: SmallEstate;

const proxies: ThrottleProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function proxy(options: Partial<ConstructorParameters<typeof ThrottleProxy>[0]> = {}): Promise<ThrottleProxy> {
  const p = new ThrottleProxy({ upstream: inject('motoUrl'), ...options });
  await p.start();
  proxies.push(p);
  return p;
}

const env = () => ({
  AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: undefined,
  AWS_CONFIG_FILE: '/nonexistent/cloud502-test-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/cloud502-test-credentials',
});

/** Both load-balancer listings (ELBv2 and Classic) of the denied region answer AccessDenied, as IAM does. */
const denyListingIn = (region: string) => (call: ProxiedCall) =>
  call.region === region && call.api.endsWith(':DescribeLoadBalancers')
    ? errorAnswer(call, 403, 'AccessDenied', `User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: elasticloadbalancing:DescribeLoadBalancers`)
    : undefined;

function parse(stdout: string): Report {
  const report = JSON.parse(stdout) as Report;
  const errors = reportSchemaErrors(report);
  expect(errors, formatErrors(errors)).toEqual([]);
  return report;
}

beforeAll(async () => {
  estate = await seedSmallEstate(inject('motoUrl'), AUDITED, 2, 'partial');
}, 60_000);

describe('a partial audit', () => {
  it('is marked partial in the JSON summary, naming the scope whose listing failed, and still reports what it saw', async () => {
    const p = await proxy({ fault: denyListingIn(DENIED) });
    const run = await cli(['audit', '--region', `${AUDITED},${DENIED}`, '--endpoint-url', p.url, '--format', 'json', '--fail-on', 'none', '--quiet'], { env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = parse(run.stdout);
    expect(report.summary.coverage).toBe('partial');
    expect(report.summary.failedScopes).toEqual([
      {
        provider: 'aws',
        account: '123456789012',
        region: DENIED,
        api: 'elasticloadbalancing:DescribeLoadBalancers',
        code: 'AccessDenied',
        message: 'User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: elasticloadbalancing:DescribeLoadBalancers',
        permission: 'elasticloadbalancing:DescribeLoadBalancers',
      },
    ]);
    expect(report.summary.partialReason).toMatch(/^the load-balancer listing failed in 1 of 2 scopes \(elasticloadbalancing:DescribeLoadBalancers AccessDenied: /);
    expect(report.summary.loadBalancers).toBe(2);
    expect(new Set(report.results.map((r) => r.resource.loadBalancerId).filter(Boolean))).toEqual(new Set(estate.loadBalancerArns));
  });

  it('fails CI with exit 3 under --fail-on-coverage-gap, with one line saying why', async () => {
    const p = await proxy({ fault: denyListingIn(DENIED) });
    const run = await cli(['audit', '--region', `${AUDITED},${DENIED}`, '--endpoint-url', p.url, '--format', 'json', '--fail-on', 'none', '--fail-on-coverage-gap'], {
      env: env(),
    });
    expect(run.code).toBe(3);
    expect(run.errLines).toEqual([expect.stringMatching(/^cloud502: PARTIAL AUDIT: the load-balancer listing failed in 1 of 2 scopes .*\(--fail-on-coverage-gap\)$/)]);
    expect(parse(run.stdout).summary.coverage).toBe('partial');
  });

  it('says so in the text report before the first finding', async () => {
    const p = await proxy({ fault: denyListingIn(DENIED) });
    const run = await cli(['audit', '--region', `${AUDITED},${DENIED}`, '--endpoint-url', p.url, '--fail-on', 'none', '--quiet', '--no-color'], { env: env() });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    const partial = lines.findIndex((l) => l.startsWith('PARTIAL AUDIT: the load-balancer listing failed in 1 of 2 scopes'));
    const firstGroup = lines.findIndex((l) => l.startsWith('■ '));
    expect(partial).toBeGreaterThan(0);
    expect(firstGroup).toBeGreaterThan(partial);
    expect(partial).toBeLessThan(12);
  });

  it('is complete, and passes --fail-on-coverage-gap, when nothing is missing', async () => {
    const p = await proxy();
    const run = await cli(['audit', '--region', AUDITED, '--endpoint-url', p.url, '--format', 'json', '--fail-on', 'none', '--fail-on-coverage-gap', '--quiet'], {
      env: env(),
    });
    const report = parse(run.stdout);
    expect(report.coverage).toEqual([]);
    expect(report.summary).toMatchObject({ coverage: 'complete', failedScopes: [] });
    expect(report.summary.partialReason).toBeUndefined();
    expect(run.code).toBe(0);
  });
});

describe('the audit deadline', () => {
  it('stops an API that hangs on every call at --timeout and writes the partial report with a deadline entry', async () => {
    // Prepare: DescribeTargetHealth never answers, as an overloaded or black-holed endpoint would.
    const p = await proxy({ stall: (call) => call.api === 'elasticloadbalancing:DescribeTargetHealth' });
    const started = Date.now();

    // Act
    const run = await cli(['audit', '--region', AUDITED, '--endpoint-url', p.url, '--timeout', '4s', '--format', 'json', '--fail-on', 'none', '--quiet'], { env: env() });

    // Assess: done within the deadline plus start-up and reporting, with everything else collected.
    const elapsed = Date.now() - started;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(elapsed).toBeLessThan(4_000 + 8_000);
    const report = parse(run.stdout);
    expect(report.summary.coverage).toBe('partial');
    expect(report.summary.loadBalancers).toBe(2);
    expect(report.summary.partialReason).toContain(`collection stopped at the audit deadline in aws 123456789012 ${AUDITED}`);
    expect(report.coverage).toContainEqual(expect.objectContaining({ api: 'cloud502:deadline', code: 'DeadlineExceeded', region: AUDITED }));
    const cut = report.coverage.filter((g) => g.api === 'elasticloadbalancing:DescribeTargetHealth');
    expect(cut.map((g) => [g.resourceId, g.code]).sort()).toEqual(estate.targetGroupArns.map((arn) => [arn, 'DeadlineExceeded']).sort());
    expect(p.stats()['elasticloadbalancing:DescribeTargetHealth']!.stalled).toBeGreaterThan(0);
    // What hung is unknown, never a pass.
    const health = report.results.filter((r) => r.checkId === 'targets/unhealthy-targets');
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((r) => r.status === 'unknown')).toBe(true);
  });
});
