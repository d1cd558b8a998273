/**
 * A missing input never turns a finding into a pass or `not_applicable`, nor makes it vanish. The built CLI audits a
 * seeded moto environment through a fault-injecting proxy on 127.0.0.1 that denies one read call at a time, as an IAM
 * policy without that action would; every failure of the full audit must still be a failure or become `unknown`
 * naming the denied action, and no pass may become a failure above medium (built on an assumed value).
 * Own region (ap-northeast-2; ca-central-1 is another suite's empty region).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { errorAnswer } from '../../bench/throttle-proxy.js';
import { parseReportJson } from '../../src/report/passes.js';
import type { Report, ReportResult } from '../../src/report/types.js';
import { startFaultProxy, type FaultProxy } from '../lambda/org/support/fault-proxy.js';
import { cli } from '../support/built-cli.js';
import { seedAwsEnvironment, type SeededAwsEnvironment } from '../support/seed-moto.js';

const REGION = 'ap-northeast-2';
let seeded: SeededAwsEnvironment;
let full: Report;
const proxies: FaultProxy[] = [];

const env = (endpoint: string) => ({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: undefined, AWS_ENDPOINT_URL: endpoint });

async function audit(endpoint: string): Promise<{ code: number | null; report: Report; stderr: string }> {
  const run = await cli(['audit', '--region', REGION, '--format', 'json', '--quiet'], { env: env(endpoint) });
  return { code: run.code, report: parseReportJson(run.stdout), stderr: run.stderr };
}

/** An audit with one API denied, as IAM words the refusal. */
async function auditDenying(api: string): Promise<{ code: number | null; report: Report; stderr: string; injected: string[] }> {
  const proxy = await startFaultProxy(inject('motoUrl'), [
    ({ call }) => (call.api === api ? errorAnswer(call, 403, 'AccessDenied', `User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: ${api}`) : undefined),
  ]);
  proxies.push(proxy);
  return { ...(await audit(proxy.url)), injected: proxy.injected };
}

const key = (r: ReportResult) => r.fingerprint;
const label = (r: ReportResult) => `${r.checkId} ${r.resource.name}${r.discriminator ? ` (${r.discriminator})` : ''}`;
const RANK: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

beforeAll(async () => {
  seeded = await seedAwsEnvironment(inject('motoUrl'), REGION);
  const run = await audit(inject('motoUrl'));
  expect(run.stderr).toBe('');
  full = run.report;
}, 120_000);

afterAll(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

describe('the full audit this suite compares against', () => {
  it('is complete and has the findings that a denied call could hide', () => {
    expect(full.summary.coverage).toBe('complete');
    const failing = full.results.filter((r) => r.status === 'fail').map((r) => r.checkId);
    expect(failing).toContain('timeouts/backend-keepalive-exceeds-idle-timeout');
    expect(failing.filter((id) => id.startsWith('network/')).length).toBeGreaterThanOrEqual(3);
  });
});

const DENIED = [
  'elasticloadbalancing:DescribeTargetGroups',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeRules',
  'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetHealth',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeInstances',
];


describe.each(DENIED)('with %s denied', (api) => {
  let denied: Awaited<ReturnType<typeof auditDenying>>;
  beforeAll(async () => {
    denied = await auditDenying(api);
  }, 120_000);

  it('the audit is partial and names the denied action', () => {
    expect(denied.injected).toContain(api);
    expect(denied.stderr).toBe('');
    expect(denied.report.summary.coverage).toBe('partial');
    expect(denied.report.coverage.some((g) => g.api === api && g.code === 'AccessDenied')).toBe(true);
  });

  it('keeps every finding of the full audit as a failure, or as unknown naming the missing input', () => {
    const byKey = new Map(denied.report.results.map((r) => [key(r), r]));
    const lost: string[] = [];
    for (const finding of full.results.filter((r) => r.status === 'fail')) {
      const now = byKey.get(key(finding));
      if (now?.status === 'fail') continue;
      // A resource the denied call listed is absent now: its load balancer's results must say why they cannot judge it.
      const replacements = now
        ? [now]
        : denied.report.results.filter(
            (r) =>
              r.checkId === finding.checkId &&
              r.status === 'unknown' &&
              (r.resource.id === finding.resource.id ||
                r.resource.id === finding.resource.loadBalancerId ||
                // A resource under no load balancer (an unreferenced target group): its scope says why.
                (finding.resource.loadBalancerId === undefined && r.resource.kind === 'scope' && r.resource.region === finding.resource.region)),
          );
      const named = replacements.some((r) => r.status === 'unknown' && (r.message ?? '').includes(api.split(':')[1]!));
      if (!named) lost.push(`${label(finding)} → ${now ? `${now.status}: ${now.message ?? ''}` : 'vanished'}`);
    }
    expect(lost).toEqual([]);
  });

  it('builds no finding above medium on a value the tool assumed', () => {
    const before = new Map(full.results.map((r) => [key(r), r]));
    const raised = denied.report.results
      .filter((r) => r.status === 'fail' && RANK[r.severity ?? 'info']! > RANK.medium! && before.get(key(r))?.status !== 'fail')
      .map((r) => `${label(r)} (${r.severity}): ${r.message ?? ''}`);
    expect(raised).toEqual([]);
  });
});

it('the keep-alive finding of the Node target group is unknown, never not_applicable, without listeners or target groups', async () => {
  for (const api of ['elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeTargetGroups']) {
    const { report } = await auditDenying(api);
    const onInternal = report.results.filter((r) => r.checkId === 'timeouts/backend-keepalive-exceeds-idle-timeout' && r.resource.id === seeded.loadBalancers.internal.arn);
    expect(onInternal.map((r) => r.status), api).toEqual(['unknown']);
    expect(onInternal[0]?.message, api).toContain(api);
  }
}, 120_000);
