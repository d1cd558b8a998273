/**
 * The notification text (pure) and the S3 key layout and read semantics (S3 mocked with aws-sdk-client-mock).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReportResult as CheckResult } from '../../src/report/types.js';
import { atLeast, severityRank } from '../../src/engine/index.js';
import { startDeadline } from '../../src/lambda/deadline.js';
import { buildNotification, MAX_LISTED_FINDINGS, subjectLine, type NotificationInput } from '../../src/lambda/notify.js';
import { datedKeys, latestKeys, putReport, readPreviousReport, ReportStoreError } from '../../src/lambda/store.js';
import { diffReports } from '../../src/report/diff.js';
import type { Report } from '../../src/report/types.js';
import { sampleReport } from '../fixtures/report/sample.js';

const NOW = new Date('2026-03-04T05:06:07.089Z');

function input(before: Report, after: Report, extra: Partial<NotificationInput> = {}): NotificationInput {
  return {
    diff: diffReports(before, after),
    report: after,
    previous: 'found',
    notifySeverity: 'high',
    bucket: 'reports',
    dated: datedKeys('cloud502/', NOW),
    latest: latestKeys('cloud502/'),
    cutShort: [],
    ...extra,
  };
}

function emptied(report: Report): Report {
  return { ...report, results: [] };
}

function failing(report: Report): CheckResult[] {
  return report.results.filter((r) => r.status === 'fail');
}

describe('buildNotification', () => {
  it('sends nothing when nothing new reaches the notify severity', () => {
    const report = sampleReport();
    expect(buildNotification(input(report, report))).toBeUndefined();
    // Only new findings below the threshold: still nothing.
    const after = sampleReport();
    const low = failing(after).find((r) => r.severity === 'low');
    if (!low) throw new Error('the sample has a low failure');
    const before = { ...after, results: after.results.filter((r) => r !== low) };
    expect(buildNotification(input(before, after))).toBeUndefined();
  });

  it('lists every new finding at or above the severity, worst first, with the report keys', () => {
    // Prepare
    const after = sampleReport();
    const expected = failing(after).filter((r) => atLeast(r.severity, 'high'));
    // Act
    const n = buildNotification(input(emptied(after), after, { previous: 'absent' }));
    // Assess
    expect(n?.findings.map((r) => r.fingerprint).sort()).toEqual(expected.map((r) => r.fingerprint).sort());
    const ranks = (n?.findings ?? []).map((r) => severityRank(r.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBeGreaterThan(1);
    expect(n?.message).toContain('s3://reports/cloud502/2026/03/04/2026-03-04T05:06:07.089Z/report.html');
    expect(n?.message).toContain('s3://reports/cloud502/latest/report.html');
    expect(n?.message).toContain('First run');
    expect(n?.subject).toMatch(new RegExp(`^cloud502: ${expected.length} new findings \\(`));
  });

  it('reports a severity raised to the threshold, and says so in the subject', () => {
    const before = sampleReport();
    const after = sampleReport();
    const medium = failing(after).find((r) => r.severity === 'medium');
    if (!medium) throw new Error('the sample has a medium failure');
    medium.severity = 'high';
    const n = buildNotification(input(before, after));
    expect(n?.findings).toEqual([]);
    expect(n?.raised.map((c) => c.after.fingerprint)).toEqual([medium.fingerprint]);
    expect(n?.subject).toContain('1 raised to high or above');
    expect(n?.message).toContain(`[medium -> high] ${medium.checkId}`);
  });

  it('marks a partial run in the subject and the body', () => {
    const after = sampleReport();
    const n = buildNotification(input(emptied(after), after, { cutShort: ['us-east-1'] }));
    expect(n?.subject.startsWith('cloud502 [partial]: ')).toBe(true);
    expect(n?.message).toContain('PARTIAL: collection of us-east-1 stopped early');
  });

  it('caps the list and counts the rest', () => {
    const after = sampleReport();
    const [template] = failing(after).filter((r) => r.severity === 'critical');
    if (!template) throw new Error('the sample has a critical failure');
    after.results = Array.from({ length: MAX_LISTED_FINDINGS + 7 }, (_, i) => ({ ...template, fingerprint: i.toString(16).padStart(32, '0') }));
    const n = buildNotification(input(emptied(after), after));
    expect(n?.message.split('\n').filter((l) => l.startsWith('  ['))).toHaveLength(MAX_LISTED_FINDINGS);
    expect(n?.message).toContain('... and 7 more in the report.');
  });

  it('never lets control characters from resource names into the message', () => {
    const after = sampleReport();
    const n = buildNotification(input(emptied(after), after, { notifySeverity: 'info' }));
    // eslint-disable-next-line no-control-regex -- the point of the test
    expect(n?.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
});

describe('subjectLine', () => {
  it.each([
    ['plain', 'cloud502: 2 new findings', 'cloud502: 2 new findings'],
    ['line breaks and tabs', 'a\nb\r\tc', 'a b c'],
    ['non-ASCII', 'zone ü — eu', 'zone ? ? eu'],
  ])('%s', (_, text, expected) => {
    expect(subjectLine(text)).toBe(expected);
  });

  it('stays under 100 characters (SNS) and says it was cut', () => {
    const s = subjectLine(`cloud502: 3 new findings in ${Array.from({ length: 20 }, (_, i) => `eu-west-${i}`).join(', ')}`);
    expect(s.length).toBeLessThanOrEqual(99);
    expect(s.endsWith('...')).toBe(true);
  });
});

describe('report store', () => {
  const s3Mock = mockClient(S3Client);
  const s3 = new S3Client({ region: 'eu-west-1' });
  beforeEach(() => s3Mock.reset());
  afterAll(() => s3Mock.restore());

  it('lays out dated keys by UTC date and the ISO timestamp', () => {
    expect(datedKeys('cloud502/', new Date('2026-12-31T23:59:59.999-01:00'))).toEqual({
      json: 'cloud502/2027/01/01/2027-01-01T00:59:59.999Z/report.json',
      html: 'cloud502/2027/01/01/2027-01-01T00:59:59.999Z/report.html',
      md: 'cloud502/2027/01/01/2027-01-01T00:59:59.999Z/report.md',
    });
    expect(latestKeys('').json).toBe('latest/report.json');
  });

  it('reads a missing previous report as absent', async () => {
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }));
    await expect(readPreviousReport(s3, 'b', 'latest/report.json')).resolves.toEqual({ kind: 'absent' });
  });

  it('refuses to take AccessDenied for a first run', async () => {
    s3Mock.on(GetObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const read = readPreviousReport(s3, 'b', 'p/latest/report.json');
    await expect(read).rejects.toThrow(ReportStoreError);
    await expect(read).rejects.toThrow('cannot read s3://b/p/latest/report.json (AccessDenied, HTTP 403): the function needs s3:GetObject on s3://b/p/latest/report.json');
  });

  it.each([
    ['not JSON', '<html>', /is not JSON/],
    ['another schema version', JSON.stringify({ ...sampleReport(), schemaVersion: 3 }), /schemaVersion 3 is not 1 or 2/],
    ['a result without a fingerprint', JSON.stringify({ ...sampleReport(), results: [{ checkId: 'x' }] }), /results\[0\] is not a check result/],
  ])('reads a previous report that is %s as unreadable', async (_, body, reason) => {
    s3Mock.on(GetObjectCommand).resolves({ Body: { transformToString: async () => body } as never });
    const previous = await readPreviousReport(s3, 'b', 'k');
    expect(previous.kind).toBe('unreadable');
    expect(previous.kind === 'unreadable' ? previous.reason : '').toMatch(reason);
  });

  it('reads a previous report', async () => {
    const report = sampleReport();
    s3Mock.on(GetObjectCommand).resolves({ Body: { transformToString: async () => JSON.stringify(report) } as never });
    await expect(readPreviousReport(s3, 'b', 'k')).resolves.toEqual({ kind: 'found', report });
  });

  it('writes the JSON last, with content types and metadata', async () => {
    s3Mock.on(PutObjectCommand).resolves({});
    await putReport(s3, 'b', datedKeys('', NOW), { json: '{}', html: '<p>', md: '#' }, { 'cloud502-partial': 'false' });
    const calls = s3Mock.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.ContentType, c.args[0].input.Metadata]);
    expect(calls.map((c) => c[0])).toEqual([datedKeys('', NOW).html, datedKeys('', NOW).md, datedKeys('', NOW).json]);
    expect(calls.map((c) => c[1])).toEqual(['text/html; charset=utf-8', 'text/markdown; charset=utf-8', 'application/json; charset=utf-8']);
    expect(calls.every((c) => (c[2] as Record<string, string>)['cloud502-partial'] === 'false')).toBe(true);
  });
});

describe('startDeadline', () => {
  it('aborts at once when the remaining time is within the safety margin', () => {
    const d = startDeadline(60_000, 60_000);
    expect(d.signal.aborted).toBe(true);
    expect((d.signal.reason as Error).name).toBe('DeadlineExceeded');
  });

  it('aborts after the budget, and not at all once disposed', async () => {
    const fires = startDeadline(20, 0);
    const disposed = startDeadline(20, 0);
    disposed.dispose();
    await new Promise((r) => setTimeout(r, 60));
    expect(fires.signal.aborted).toBe(true);
    expect(disposed.signal.aborted).toBe(false);
    expect(fires.budgetMs).toBe(20);
  });
});
