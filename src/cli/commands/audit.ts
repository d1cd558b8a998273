import { resolve } from 'node:path';
import { defaultRegistry, runAudit, toolVersion } from '../../audit.js';
import { writeRawSnapshot } from '../../snapshot.js';
import { loadBaselineFile } from '../../config/baseline-file.js';
import { loadConfig } from '../../config/load.js';
import type { CheckRegistry } from '../../engine/index.js';
import type { Inventory } from '../../model/index.js';
import type { RawSnapshotEnvelope } from '../../provider.js';
import { failuresAtOrAbove } from '../../report/json.js';
import type { Report } from '../../report/types.js';
import type { AuditFlags, CliContext, SourceFlags } from '../context.js';
import { createProgressLine } from '../progress.js';
import { shellWord } from '../../report/format.js';
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

async function saveSnapshot(raw: RawSnapshotEnvelope, file: string, quiet: boolean, ctx: CliContext): Promise<void> {
  await writeRawSnapshot(resolve(ctx.io.cwd, file), raw);
  if (!quiet) ctx.io.stderr.write(`cloud502: wrote ${raw.provider} snapshot to ${file}\n`);
}

/** The flags that make `cloud502 explain` see the same data as this audit, when they are short enough to print. */
export function explainFlagsOf(flags: Pick<SourceFlags, 'demo' | 'snapshot'>): string | undefined {
  if (flags.demo) return '--demo';
  if (flags.snapshot !== undefined) return `--snapshot ${shellWord(flags.snapshot)}`;
  return undefined;
}

/**
 * Runs the audit the flags describe and returns its report (shared by `audit` and `explain`). The report is built
 * once and handed to the renderers as it is: no second copy.
 */
export async function auditReport(flags: AuditFlags, ctx: CliContext): Promise<{ report: Report; registry: CheckRegistry }> {
  const { io } = ctx;
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
        ...(flags.includeSeries ? { includeSeries: true } : {}),
        progress: progress.sink,
        // Written before normalizing, so the audit need not keep the raw snapshot for it.
        ...(flags.saveSnapshot !== undefined ? { onRawSnapshot: (raw: RawSnapshotEnvelope) => saveSnapshot(raw, flags.saveSnapshot!, flags.quiet === true, ctx) } : {}),
      },
      { ...ctx.deps, registry },
    );
  } finally {
    progress.done();
  }
  return { report: outcome.report, registry };
}

/** `cloud502 audit`: returns the exit code (0 clean, 1 failures at or above --fail-on, 3 partial with --fail-on-coverage-gap). */
export async function auditCommand(flags: AuditFlags, ctx: CliContext): Promise<number> {
  checkOutputFlags(flags);
  const { report, registry } = await auditReport(flags, ctx);
  const explainFlags = explainFlagsOf(flags);
  await emitReport(report, flags, ctx, registry, explainFlags !== undefined ? { explainFlags } : {});
  if (flags.failOn !== 'none' && failuresAtOrAbove(report, flags.failOn) > 0) return EXIT_FINDINGS;
  if (flags.failOnCoverageGap && report.summary.coverage === 'partial') {
    if (!flags.quiet) ctx.io.stderr.write(`cloud502: ${partialAuditLine(report.summary) ?? 'the audit is partial'} (--fail-on-coverage-gap)\n`);
    return EXIT_COVERAGE_GAP;
  }
  return EXIT_OK;
}
