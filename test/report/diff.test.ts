import { describe, expect, it } from 'vitest';
import type { Severity, Status } from '../../src/engine/result.js';
import { diffGate, diffReports, renderDiffMarkdown, renderDiffText } from '../../src/report/diff.js';
import type { Report, ReportResult as CheckResult } from '../../src/report/types.js';
import { sampleReport } from '../fixtures/report/sample.js';

/** Finds a result of the sample by check id and resource name. */
function pick(report: Report, checkId: string, name: string): CheckResult {
  const r = report.results.find((x) => x.checkId === checkId && x.resource.name === name);
  if (!r) throw new Error(`no ${checkId} on ${name} in the sample`);
  return r;
}

function set(report: Report, checkId: string, name: string, change: { status?: Status; severity?: Severity }): void {
  Object.assign(pick(report, checkId, name), change);
}

/**
 * before: the sample (7 failures). after: tg-checkout fixed (pass), +cmd now unknown, the unattached target group
 * deleted, idle-timeout raised medium → high, aggressive-ejection lowered medium → low, and one new high failure.
 */
function scenario(): { before: Report; after: Report } {
  const before = sampleReport();
  const after = sampleReport();
  set(after, 'targets/all-targets-unhealthy', 'tg-checkout', { status: 'pass' });
  set(after, 'timeouts/deregistration-delay-too-short', '+cmd', { status: 'unknown' });
  after.results = after.results.filter((r) => r.checkId !== 'targets/unreferenced-target-group');
  set(after, 'timeouts/idle-timeout-below-latency', 'alb-shop-prod', { severity: 'high' });
  set(after, 'health/aggressive-ejection', '-2+3', { severity: 'low' });
  const added: CheckResult = {
    ...pick(after, 'targets/unhealthy-targets', 'tg-api'),
    status: 'fail',
    severity: 'high',
    message: 'tg-api: 2 of 3 targets fail\u001b[2J their health checks | `x`.',
    fingerprint: 'a'.repeat(32),
  };
  after.results.push(added);
  return { before, after };
}

describe('diffReports', () => {
  const { before, after } = scenario();
  const diff = diffReports(before, after);

  it('classifies failing findings by fingerprint', () => {
    expect(diff.new.map((r) => r.fingerprint)).toEqual(['a'.repeat(32)]);
    expect(diff.resolved.map((f) => [f.before.checkId, f.afterStatus])).toEqual([
      ['targets/all-targets-unhealthy', 'pass'],
      ['targets/unreferenced-target-group', undefined],
      ['timeouts/deregistration-delay-too-short', 'unknown'],
    ]);
    expect(diff.changed.map((c) => [c.after.checkId, c.before.severity, c.after.severity, c.direction])).toEqual([
      ['timeouts/idle-timeout-below-latency', 'medium', 'high', 'up'],
      ['health/aggressive-ejection', 'medium', 'low', 'down'],
    ]);
    expect(diff.unchanged.map((r) => r.checkId)).toEqual(['timeouts/backend-keepalive-exceeds-idle-timeout', 'tls/target-tls-negotiation-errors']);
    expect(diff.before.generatedAt).toBe(before.generatedAt);
  });

  it('finds nothing new or resolved between a report and itself', () => {
    const same = diffReports(before, before);
    expect([same.new, same.resolved, same.changed].map((x) => x.length)).toEqual([0, 0, 0]);
    expect(same.unchanged).toHaveLength(7);
    for (const sev of ['critical', 'high', 'medium', 'low', 'info'] as const) expect(diffGate(same, sev)).toBe(false);
  });

  it('ignores non-failing results: an accepted or unknown finding is not a finding', () => {
    const a = sampleReport();
    const b = sampleReport();
    set(b, 'targets/single-az-healthy', 'tg-reports', { status: 'fail' });
    expect(diffReports(a, b).new.map((r) => r.checkId)).toEqual(['targets/single-az-healthy']);
    expect(diffReports(b, a).resolved.map((f) => f.afterStatus)).toEqual(['suppressed']);
  });

  it('keeps the most severe of duplicated fingerprints', () => {
    const a = sampleReport();
    const dup = { ...pick(a, 'tls/target-tls-negotiation-errors', '@SUM(1)'), severity: 'high' as const };
    a.results.push(dup);
    const d = diffReports(sampleReport(), a);
    expect(d.changed.map((c) => [c.before.severity, c.after.severity])).toEqual([['info', 'high']]);
  });
});

describe('diffGate', () => {
  const { before, after } = scenario();
  const diff = diffReports(before, after);

  it('fails on a new finding or an increase at or above the threshold, never on resolved or lowered ones', () => {
    expect(diffGate(diff, 'high')).toBe(true);
    expect(diffGate(diff, 'critical')).toBe(false);
    expect(diffGate(diff, 'info')).toBe(true);
  });

  it('fails on a severity increase alone', () => {
    const onlyUp = { ...diff, new: [] };
    expect(diffGate(onlyUp, 'high')).toBe(true);
    expect(diffGate(onlyUp, 'critical')).toBe(false);
    const onlyDown = { ...diff, new: [], changed: diff.changed.filter((c) => c.direction === 'down') };
    expect(diffGate(onlyDown, 'info')).toBe(false);
  });
});

describe('diff renderers', () => {
  const { before, after } = scenario();
  const diff = diffReports(before, after);

  it('renders text for a terminal with control characters made visible', () => {
    const text = renderDiffText(diff);
    expect(text.split('\n')[0]).toBe('cloud502 diff: 1 new, 3 resolved, 2 severity changed, 2 unchanged');
    expect(text).toContain('  + [high] targets/unhealthy-targets on tg-api (load balancer <img src=x onerror=alert(1)>)');
    expect(text).toContain('  ↑ [medium → high] timeouts/idle-timeout-below-latency on alb-shop-prod');
    expect(text).toContain('  - [low] timeouts/deregistration-delay-too-short on +cmd (load balancer nlb-payments): NOT verified: now unknown');
    expect(text).toContain('  - [critical] targets/all-targets-unhealthy on tg-checkout (load balancer alb-shop-prod): now passes');
    expect(text).toContain('Unchanged (2): 1 high, 1 info');
    expect(text).not.toContain('\u001b');
    expect(text).toContain('fail\\u{1B}[2J their');
  });

  it('renders Markdown tables with escaped cells', () => {
    const md = renderDiffMarkdown(diff);
    expect(md.split('\n')[0]).toBe('## cloud502 diff: 1 new, 3 resolved, 2 severity changed, 2 unchanged');
    expect(md).toContain('| high | `targets/unhealthy-targets` | tg-api | &lt;img src=x onerror=alert(1)&gt; | tg-api: 2 of 3 targets fail \\[2J their health checks \\| \\`x\\`. |');
    expect(md).toContain('| ↓ medium → low | `health/aggressive-ejection` | -2+3 | nlb-payments |');
    // The name holds a URL: escaped so that GitHub does not turn it into a link.
    expect(md).toContain('| low | `targets/unreferenced-target-group` | =HYPERLINK("http\\://x","y") |  | no longer reported (resource or check gone) |');
    expect(md).toContain('**Demo data**');
    expect(md.trimEnd().split('\n').at(-1)).toBe('2 findings unchanged.');
    for (const row of md.split('\n').filter((l) => l.startsWith('|'))) expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
  });
});
