import { resolve } from 'node:path';
import { defaultRegistry } from '../../audit.js';
import { ConfigError } from '../../errors.js';
import { ExplainError, renderExplain } from '../../report/explain.js';
import type { Report } from '../../report/types.js';
import { shouldUseColor } from '../color.js';
import type { AuditFlags, CliContext, ExplainFlags } from '../context.js';
import { readReportFile } from '../report-file.js';
import { auditReport } from './audit.js';

/** True when the flags name a source of findings (a saved report, the demo, a snapshot, or a live account). */
function hasSource(flags: ExplainFlags): boolean {
  return flags.report !== undefined || flags.demo === true || flags.snapshot !== undefined || flags.profile !== undefined || flags.region !== undefined ||
    flags.endpointUrl !== undefined || flags.roleArn !== undefined || flags.accountsFile !== undefined || flags.allRegions === true;
}

/**
 * `cloud502 explain ID`: one finding (by fingerprint, or a unique prefix of it) or one check in full. A finding is
 * looked up in `--report FILE` or in the audit the source flags describe (`--demo`, `--snapshot`, live flags); a check
 * id needs no source. 0 when explained, 2 when the id is unknown or ambiguous.
 */
export async function explainCommand(query: string, flags: ExplainFlags, ctx: CliContext): Promise<number> {
  const registry = ctx.deps.registry ?? (await defaultRegistry());
  let report: Report | undefined;
  if (flags.report !== undefined) {
    report = await readReportFile(resolve(ctx.io.cwd, flags.report), flags.report);
  } else if (hasSource(flags)) {
    report = (await auditReport({ ...flags, failOn: 'none' } as AuditFlags, ctx)).report;
  }
  const color = shouldUseColor({ isTTY: ctx.io.stdout.isTTY === true, flag: flags.color, env: ctx.io.env });
  try {
    ctx.io.stdout.write(renderExplain({ query, ...(report ? { report } : {}), catalog: registry.all(), color, checks: (id) => registry.get(id) }));
  } catch (err) {
    if (err instanceof ExplainError) throw new ConfigError(err.message);
    throw err;
  }
  return 0;
}
