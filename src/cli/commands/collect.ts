import { collectJudgedSnapshot } from '../../audit.js';
import { NothingAuditedError } from '../../errors.js';
import { writeRawSnapshot } from '../../snapshot.js';
import type { CliContext, CollectFlags } from '../context.js';
import { sourceFromFlags } from './source.js';

/** `cloud502 collect --out FILE`: writes the raw snapshot for later `audit --snapshot`. */
export async function collectCommand(flags: CollectFlags, ctx: CliContext): Promise<number> {
  const { source, progress } = sourceFromFlags(flags, ctx);
  let collected;
  try {
    collected = await collectJudgedSnapshot(source, ctx.deps);
  } finally {
    progress.done();
  }
  const { raw, coverage } = collected;
  await writeRawSnapshot(flags.out, raw);
  // Written anyway: a snapshot of what failed is what a bug report needs. But it is not a snapshot of the account.
  if (coverage.nothingAudited) throw new NothingAuditedError(`${coverage.nothingAudited.replace(/^nothing was audited/, 'nothing was collected')} (snapshot written to ${flags.out} anyway)`);
  if (!flags.quiet) {
    ctx.io.stderr.write(`cloud502: wrote ${raw.provider} snapshot to ${flags.out}\n`);
    if (coverage.reason) ctx.io.stderr.write(`cloud502: the snapshot is partial: ${coverage.reason}\n`);
  }
  return 0;
}
