import { resolve } from 'node:path';
import { defaultRegistry, runAudit, toolVersion } from '../../audit.js';
import { writeRawSnapshot } from '../../snapshot.js';
import { loadBaselineFile } from '../../config/baseline-file.js';
import { loadConfig } from '../../config/load.js';
import type { Inventory } from '../../model/index.js';
import { failuresAtOrAbove, renderJson } from '../../report/json.js';
import type { Report } from '../../report/types.js';
import type { AuditFlags, CliContext } from '../context.js';
import { createProgressLine } from '../progress.js';
import { checkOutputFlags, emitReport } from './output.js';
import { partialAuditLine } from '../../engine/coverage-verdict.js';
import { EXIT_COVERAGE_GAP, EXIT_FINDINGS, EXIT_OK } from '../exit-codes.js';
import { sourceFromFlags } from './source.js';

/** `--probe`: measures targets between normalize and evaluate; the probe module loads only when asked for. */
function probeStep(flags: AuditFlags, ctx: CliContext): (inv: Inventory) => Promise<Inventory> {
  return async (inv) => {
    const { runProbes, applyObservations, defaultUserAgent } = await import('../../probe/index.js');
    const progress = createProgressLine(ctx.io.stderr, !flags.quiet);
    try {
      const observations = await runProbes(inv, {
        idle: flags.probeIdle === true,
        ...(flags.probeCidr ? { allowCidrs: flags.probeCidr } : {}),
        ...(flags.probeConcurrency !== undefined ? { concurrency: flags.probeConcurrency } : {}),
        ...(flags.probeTimeout !== undefined ? { perProbeTimeoutMs: flags.probeTimeout } : {}),
        userAgent: defaultUserAgent(toolVersion()),
        progress: (p) => progress.sink({ phase: 'probe', done: p.done, total: p.total }),
      });
      return applyObservations(inv, observations);
    } finally {
      progress.done();
    }
  };
}

/** `cloud502 audit`: returns the exit code (0 clean, 1 failures at or above --fail-on, 3 partial with --fail-on-coverage-gap). */
export async function auditCommand(flags: AuditFlags, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  checkOutputFlags(flags);
  const registry = ctx.deps.registry ?? (await defaultRegistry());
  const loaded = await loadConfig({ ...(flags.config !== undefined ? { path: flags.config } : {}), cwd: io.cwd, registry });
  if (flags.verbose && loaded.path) io.stderr.write(`cloud502: using config ${loaded.path}\n`);
  let config = loaded.config;
  if (flags.baseline !== undefined) {
    const accepted = await loadBaselineFile(resolve(io.cwd, flags.baseline), flags.baseline, registry);
    config = { ...config, baseline: [...(config.baseline ?? []), ...accepted] };
  }
  const { source, progress } = sourceFromFlags(flags, ctx);
  let outcome;
  try {
    outcome = await runAudit(
      {
        source,
        config,
        ...(flags.checks ? { include: flags.checks } : {}),
        ...(flags.skipChecks ? { exclude: flags.skipChecks } : {}),
        ...(flags.probe ? { beforeEvaluate: probeStep(flags, ctx) } : {}),
      },
      { ...ctx.deps, registry },
    );
  } finally {
    progress.done();
  }
  if (flags.saveSnapshot !== undefined) {
    await writeRawSnapshot(resolve(io.cwd, flags.saveSnapshot), outcome.raw);
    if (!flags.quiet) io.stderr.write(`cloud502: wrote ${outcome.raw.provider} snapshot to ${flags.saveSnapshot}\n`);
  }
  // Rendered from the JSON form, exactly as `cloud502 report` re-renders a saved file: the two can never disagree.
  const report = JSON.parse(renderJson(outcome.report)) as Report;
  await emitReport(report, flags, ctx, registry);
  if (flags.failOn !== 'none' && failuresAtOrAbove(report, flags.failOn) > 0) return EXIT_FINDINGS;
  if (flags.failOnCoverageGap && report.summary.coverage === 'partial') {
    if (!flags.quiet) io.stderr.write(`cloud502: ${partialAuditLine(report.summary) ?? 'the audit is partial'} (--fail-on-coverage-gap)\n`);
    return EXIT_COVERAGE_GAP;
  }
  return EXIT_OK;
}
