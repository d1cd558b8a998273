/**
 * The built CLI against a moto environment seeded through the AWS SDK: it must find what was planted, and a
 * `collect` + `audit --snapshot` replay must give the same results as the live audit.
 * Own region (us-west-2), so other suites sharing the moto server do not see or disturb it.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { CheckResult } from '../../src/engine/result.js';
import type { Report } from '../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';
import { cli } from '../support/built-cli.js';
import { seedAwsEnvironment, type SeededAwsEnvironment } from '../support/seed-moto.js';

const REGION = 'us-west-2';
let seeded: SeededAwsEnvironment;
let live: Report;

const env = () => ({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: undefined, AWS_ENDPOINT_URL: inject('motoUrl') });

function parse(stdout: string): Report {
  const report = JSON.parse(stdout) as Report;
  const errors = reportSchemaErrors(report);
  expect(errors, formatErrors(errors)).toEqual([]);
  return report;
}

function failuresOf(report: Report, checkId: string): CheckResult[] {
  return report.results.filter((r) => r.checkId === checkId && r.status === 'fail');
}

/** What must not differ between two audits of the same data. */
function comparable(report: Report): unknown {
  return { scopes: report.scopes, coverage: report.coverage, summary: report.summary, results: report.results, collectedAt: report.collectedAt };
}

beforeAll(async () => {
  seeded = await seedAwsEnvironment(inject('motoUrl'), REGION);
  const r = await cli(['audit', '--region', REGION, '--format', 'json', '--quiet'], { env: env() });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  live = parse(r.stdout);
}, 120_000);

describe('live audit of a seeded moto environment through AWS_ENDPOINT_URL', () => {
  it('reports the account and region it audited, with no coverage gaps from permissions', () => {
    expect(live.scopes).toEqual([{ provider: 'aws', account: seeded.account, region: REGION }]);
    expect(live.coverage.filter((g) => g.permission)).toEqual([]);
  });

  it('finds the target group behind a rule with no registered targets (503)', () => {
    expect(failuresOf(live, 'targets/no-registered-targets').map((r) => r.resource.id)).toContain(seeded.targetGroups.apiEmpty.arn);
  });

  it('finds the stopped instance registered as a target', () => {
    const hits = failuresOf(live, 'targets/unused-targets').filter((r) => r.resource.id === seeded.targetGroups.legacy.arn);
    expect(hits).toHaveLength(1);
    expect(JSON.stringify(hits[0]?.evidence)).toContain('Target.InvalidState');
  });

  it('finds the target group no listener uses', () => {
    expect(failuresOf(live, 'targets/unreferenced-target-group').map((r) => r.resource.id)).toEqual([seeded.targetGroups.orphan.arn]);
  });

  it('finds the declared Node backend whose 5 s keep-alive is shorter than the ALB idle timeout', () => {
    const hit = failuresOf(live, 'timeouts/backend-keepalive-exceeds-idle-timeout').find((r) => r.resource.id === seeded.targetGroups.node.arn);
    expect(hit?.message).toMatch(/5 s/);
    expect(hit?.evidence.source).toMatch(/declared|inferred/);
  });

  it('finds the health-check port that the target security group does not open', () => {
    const ids = failuresOf(live, 'network/health-check-port-blocked').map((r) => r.resource.id);
    expect(ids).toContain(seeded.targetGroups.healthCheckBlocked.arn);
    expect(ids).not.toContain(seeded.targetGroups.web.arn);
  });

  it('finds the NACL that drops replies on ephemeral ports', () => {
    expect(failuresOf(live, 'network/nacl-return-path-blocked').length).toBeGreaterThan(0);
  });

  it('attaches the 502s put into CloudWatch as evidence on the web ALB', () => {
    const onWeb = live.results.filter((r) => r.resource.loadBalancerId === seeded.loadBalancers.web.arn && r.evidence.metrics?.some((m) => m.name === 'lb.http.502'));
    const total = seeded.metrics.points.reduce((a, p) => a + p.value, 0);
    expect(onWeb.length).toBeGreaterThan(0);
    expect(onWeb[0]?.evidence.metrics?.find((m) => m.name === 'lb.http.502')?.value).toBe(total);
  });

  it('keeps the clean target group clean', () => {
    const web = live.results.filter((r) => r.resource.id === seeded.targetGroups.web.arn);
    expect(web.filter((r) => r.status === 'pass').length).toBeGreaterThan(5);
    expect(web.filter((r) => r.status === 'fail' && ['critical', 'high'].includes(r.severity) && r.family !== 'timeouts').map((r) => r.checkId)).toEqual([]);
  });
});

describe('collect, then audit --snapshot', () => {
  it('gives the same results as a live audit of the same data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-replay-'));
    const out = join(dir, 'snap.json');
    const c = await cli(['collect', '--out', out, '--region', REGION, '--quiet'], { env: env() });
    expect(c).toMatchObject({ code: 0, stderr: '' });
    const snapshot = JSON.parse(await readFile(out, 'utf8')) as { collectedAt: string };
    // No endpoint and no credentials: the replay must not touch AWS.
    const replay = await cli(['audit', '--snapshot', out, '--format', 'json'], { env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } });
    expect(replay.code).toBe(1);
    const replayed = parse(replay.stdout);
    expect(replayed.collectedAt).toBe(snapshot.collectedAt);
    // A second live audit differs from the first only in its clock; compare the snapshot's own replay against a
    // live audit of the snapshot's moment by normalizing the collection time out.
    const strip = (r: Report) => JSON.parse(JSON.stringify(comparable(r)).replaceAll(r.collectedAt, 'T')) as unknown;
    expect(strip(replayed)).toEqual(strip(live));
  }, 120_000);
});
