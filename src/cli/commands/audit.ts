import { writeFile } from 'node:fs/promises';
import { defaultRegistry, runAudit, toolVersion } from '../../audit.js';
import type { Inventory } from '../../model/index.js';
import { createProgressLine } from '../progress.js';
import { loadConfig } from '../../config/load.js';
import { ConfigError } from '../../errors.js';
import { failuresAtOrAbove } from '../../report/json.js';
import { renderReport } from '../../report/render.js';
import { summaryLine } from '../../report/text.js';
import { shouldUseColor } from '../color.js';
import type { AuditFlags, CliContext } from '../context.js';
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

/** `cloud502 audit`: returns the exit code (0 clean, 1 failures at or above --fail-on). */
export async function auditCommand(flags: AuditFlags, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const registry = ctx.deps.registry ?? (await defaultRegistry());
  const { config, path: configPath } = await loadConfig({ ...(flags.config !== undefined ? { path: flags.config } : {}), cwd: io.cwd, registry });
  if (flags.verbose && configPath) io.stderr.write(`cloud502: using config ${configPath}\n`);
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
  const { report } = outcome;
  const color = shouldUseColor({ isTTY: flags.output === undefined && io.stdout.isTTY === true, flag: flags.color, env: io.env });
  const rendered = renderReport(report, flags.format, { color, verbose: flags.verbose === true, checks: (id) => registry.get(id) });
  if (flags.output !== undefined) {
    try {
      await writeFile(flags.output, rendered, 'utf8');
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
      throw new ConfigError(`cannot write --output ${flags.output} (${code})`);
    }
    if (!flags.quiet) io.stderr.write(`cloud502: wrote ${flags.format} report to ${flags.output} — ${summaryLine(report)}\n`);
  } else {
    io.stdout.write(rendered);
  }
  if (flags.failOn === 'none') return 0;
  return failuresAtOrAbove(report, flags.failOn) > 0 ? 1 : 0;
}
