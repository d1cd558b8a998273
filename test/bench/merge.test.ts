/**
 * The merge benchmark's harness at a small scale: its generated run (partial reports, item list, ResultWriter files
 * in AWS's layout) merges into reports that are right, counted, and schema-valid, so the figures of the full run
 * measure a merge that works. Times are not asserted.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runMergeBench, type MergeBenchResult } from '../../bench/merge.js';
import { partialReport } from '../../bench/merge-data.js';
import { datedDir } from '../../src/lambda/org/layout.js';
import type { Report } from '../../src/report/types.js';
import { formatErrors, reportSchemaErrors } from '../cli/support/schema.js';

describe('the merge benchmark harness', () => {
  it('generates a run whose merge writes every report, the failed and pending items as coverage', async () => {
    const reports: Report[] = [];
    const result: MergeBenchResult = await runMergeBench({
      accounts: 5,
      regions: 3,
      resultsPerReport: 4,
      itemsPerBatch: 2,
      failedBatchEvery: 3,
      pendingBatches: 1,
      formats: 'html,markdown,csv,sarif',
      async inspect(s3, bucket) {
        for (const at of ['2026-07-01T02:00:00.000Z', '2026-07-02T02:00:00.000Z']) {
          reports.push(JSON.parse(await readFile(s3.pathOf(bucket, `${datedDir('cloud502/', new Date(at))}report.json`), 'utf8')) as Report);
        }
      },
    });
    // 15 items in 8 batches of 2: batches 3 and 6 failed (4 items), the last one pending (1 item).
    expect(result.partialReports).toBe(10);
    const [first, second] = result.runs;
    expect(first!.summary).toMatchObject({ accounts: 5, items: 15, failedItems: 5, notified: false });
    const perReport = partialReport('500000000000', 'eu-west-1', '2026-07-01T02:00:00.000Z', { results: 4 });
    const notifiable = perReport.results.filter((r) => r.status === 'fail' && ['critical', 'high'].includes(r.severity)).length;
    expect(first!.summary.newFindings).toBe(10 * notifiable);
    expect(second!.summary.newFindings).toBe(0);
    for (const report of reports) {
      const errors = reportSchemaErrors(report);
      expect(errors, formatErrors(errors)).toEqual([]);
      expect(report.results).toHaveLength(10 * 4);
      expect(report.coverage.filter((g) => g.impact?.endsWith('was not audited')).map((g) => g.code).sort()).toEqual(['AccessDenied', 'AccessDenied', 'AccessDenied', 'AccessDenied', 'NotRun']);
    }
    expect(first!.peakRssBytes).toBeGreaterThan(0);
    expect(first!.s3.get).toBeGreaterThanOrEqual(10);
  }, 120_000);
});
