/**
 * The report benchmark's generated snapshots are valid raw snapshots of the size asked for, with no two resources
 * sharing an id, and their cloned services are healthy: the only findings are those of the demo copies.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSnapshot, type GeneratedFacts } from '../../bench/generate-snapshot.js';
import { demoSnapshotPaths, runAudit } from '../../src/audit.js';
import type { Report } from '../../src/report/types.js';

let dir: string;
let facts: GeneratedFacts;
let report: Report;
let demo: Report;
let raw: { regions: Array<{ account: string; elbv2: { loadBalancers: Array<{ LoadBalancerArn: string }>; targetGroups: Array<{ TargetGroupArn: string }> } }> };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloud502-gen-'));
  const path = join(dir, 'snapshot.json');
  const awsDemo = demoSnapshotPaths().find((p) => p.endsWith('aws-demo.json')) ?? '';
  facts = await generateSnapshot(path, { targetGroups: 60, demoPath: awsDemo, targetGroupsPerAccount: 24, brokenEvery: 20 });
  raw = JSON.parse(await readFile(path, 'utf8')) as typeof raw;
  report = (await runAudit({ source: { kind: 'snapshot', path } })).report;
  // The copies are of the AWS demo (the demo also holds Azure and Google Cloud): compare with that one alone.
  demo = (await runAudit({ source: { kind: 'snapshot', path: awsDemo } })).report;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('generateSnapshot', () => {
  it('holds at least the target groups asked for, in accounts of the size asked for, with demo copies as planned', () => {
    expect(facts.targetGroups).toBeGreaterThanOrEqual(60);
    expect(facts.targetGroups).toBeLessThan(60 + 24);
    expect(facts.brokenAccounts).toBe(2);
    expect(raw.regions).toHaveLength(facts.accounts);
    expect(new Set(raw.regions.map((r) => r.account)).size).toBe(facts.accounts);
    expect(raw.regions.reduce((a, r) => a + r.elbv2.targetGroups.length, 0)).toBe(facts.targetGroups);
  });

  it('gives every load balancer and target group its own id', () => {
    const lbs = raw.regions.flatMap((r) => r.elbv2.loadBalancers.map((l) => l.LoadBalancerArn));
    const tgs = raw.regions.flatMap((r) => r.elbv2.targetGroups.map((t) => t.TargetGroupArn));
    expect(new Set(lbs).size).toBe(lbs.length);
    expect(new Set(tgs).size).toBe(tgs.length);
  });

  it('audits as the demo’s findings, once per demo copy, and nothing else', () => {
    expect(report.summary.loadBalancers).toBe(facts.loadBalancers);
    expect(report.summary.byStatus.fail).toBe(2 * demo.summary.byStatus.fail);
    expect(report.summary.byStatus.error).toBe(0);
    const failingLbs = report.diagnosis!.filter((d) => d.loadBalancerId && d.worst).map((d) => d.name);
    expect(failingLbs.every((n) => !n.startsWith('svc'))).toBe(true);
  });
});
