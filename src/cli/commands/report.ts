import { resolve } from 'node:path';
import { defaultRegistry } from '../../audit.js';
import type { CliContext, ReportFlags } from '../context.js';
import { readReportFile } from '../report-file.js';
import { shellWord } from '../../report/format.js';
import { checkOutputFlags, emitReport } from './output.js';

/** `cloud502 report FILE`: re-renders a saved JSON report; 0 when rendered, 2 on bad input. */
export async function reportCommand(file: string, flags: ReportFlags, ctx: CliContext): Promise<number> {
  checkOutputFlags(flags);
  const report = await readReportFile(resolve(ctx.io.cwd, file), file);
  // Today's catalog supplies rationales and SARIF rules; the findings themselves come only from the file.
  const registry = ctx.deps.registry ?? (await defaultRegistry());
  await emitReport(report, flags, ctx, registry, { explainFlags: `--report ${shellWord(file)}` });
  return 0;
}
