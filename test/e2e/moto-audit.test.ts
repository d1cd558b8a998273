/**
 * The built CLI against a moto environment seeded through the AWS SDK: it must find what was planted, and a
 * `collect` + `audit --snapshot` replay must give the same results as the live audit.
 * Own region (us-west-2), so other suites sharing the moto server do not see or disturb it.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { ReportResult as CheckResult } from '../../src/report/types.js';
import { parseReportJson } from '../../src/report/passes.js';
import type { Report } from '../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';
import { cli } from '../support/built-cli.js';
import { seedAwsEnvironment, type SeededAwsEnvironment } from '../support/seed-moto.js';

const REGION = 'us-west-2';
let seeded: SeededAwsEnvironment;
let live: Report;

const env = () => ({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: undefined, AWS_ENDPOINT_URL: inject('motoUrl') });

/** The JSON report, schema-checked, with its compact passes read back into results. */
function parse(stdout: string): Report {
  const errors = reportSchemaErrors(JSON.parse(stdout));
  expect(errors, formatErrors(errors)).toEqual([]);
  return parseReportJson(stdout);
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
    expect(hit?.evidence?.source).toMatch(/declared|inferred/);
  });

  it('finds the health-check port that the target security group does not open', () => {
    const blocked = failuresOf(live, 'network/health-check-port-blocked');
    const hc = blocked.find((r) => r.resource.id === seeded.targetGroups.healthCheckBlocked.arn);
    expect(hc).toMatchObject({ messageId: 'allBlocked', severity: 'critical' });
    // Subnet B's NACL (no outbound ephemeral ports) sits on the path of the web ALB's checks: the finding names it.
    const web = blocked.find((r) => r.resource.id === seeded.targetGroups.web.arn);
    expect(JSON.stringify(web?.evidence)).toContain(seeded.customNaclId);
    expect(JSON.stringify(hc?.evidence)).toContain(seeded.securityGroups.appNoHealthCheck);
  });

  it('finds the NACL that drops replies on ephemeral ports', () => {
    expect(failuresOf(live, 'network/nacl-return-path-blocked').length).toBeGreaterThan(0);
  });

  it('attaches the 502s put into CloudWatch as evidence on the web ALB', () => {
    const onWeb = live.results.filter((r) => r.resource.loadBalancerId === seeded.loadBalancers.web.arn && r.evidence?.metrics?.some((m) => m.name === 'lb.http.502'));
    const total = seeded.metrics.points.reduce((a, p) => a + p.value, 0);
    expect(onWeb.length).toBeGreaterThan(0);
    expect(onWeb[0]?.evidence?.metrics?.find((m) => m.name === 'lb.http.502')?.value).toBe(total);
  });

  it('raises nothing on the web target group beyond the subnet-B network ACL', () => {
    const web = live.results.filter((r) => r.resource.id === seeded.targetGroups.web.arn);
    expect(web.filter((r) => r.status === 'pass').length).toBeGreaterThan(5);
    const serious = web.filter((r) => r.status === 'fail' && ['critical', 'high'].includes(r.severity)).map((r) => r.checkId);
    expect(serious.sort()).toEqual(['network/health-check-port-blocked', 'network/nacl-return-path-blocked']);
  });
});

describe('collect, then audit --snapshot', () => {
  it('replays the snapshot of a live audit with exactly its results, without credentials', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-replay-'));
    const out = join(dir, 'snap.json');
    // One live audit that also saves the raw snapshot it audited ("the live audit it came from").
    const first = await cli(['audit', '--region', REGION, '--format', 'json', '--quiet', '--save-snapshot', out], { env: env() });
    expect(first.code).toBe(1);
    const liveReport = parse(first.stdout);
    // No endpoint and no credentials: the replay must not touch AWS.
    const replay = await cli(['audit', '--snapshot', out, '--format', 'json'], { env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } });
    expect(replay.code).toBe(1);
    expect(comparable(parse(replay.stdout))).toEqual(comparable(liveReport));
  }, 120_000);

  it('collect --out writes a snapshot that audits like the live environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-collect-'));
    const out = join(dir, 'snap.json');
    const c = await cli(['collect', '--out', out, '--region', REGION, '--quiet'], { env: env() });
    expect(c).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const snapshot = JSON.parse(await readFile(out, 'utf8')) as { collectedAt: string };
    const replayed = parse((await cli(['audit', '--snapshot', out, '--format', 'json'])).stdout);
    expect(replayed.collectedAt).toBe(snapshot.collectedAt);
    // Collected at another moment than the live audit, so compare what was found, not the metric timestamps.
    const found = (r: Report) => r.results.map((x) => `${x.fingerprint} ${x.status} ${x.severity}`).sort();
    expect(found(replayed)).toEqual(found(live));
  }, 120_000);
});
