import { collectSnapshot } from '../../audit.js';
import { writeRawSnapshot } from '../../snapshot.js';
import type { CliContext, CollectFlags } from '../context.js';
import { sourceFromFlags } from './source.js';

/** `cloud502 collect --out FILE`: writes the raw snapshot for later `audit --snapshot`. */
export async function collectCommand(flags: CollectFlags, ctx: CliContext): Promise<number> {
  const { source, progress } = sourceFromFlags(flags, ctx);
  let raw;
  try {
    raw = await collectSnapshot(source, ctx.deps);
  } finally {
    progress.done();
  }
  await writeRawSnapshot(flags.out, raw);
  if (!flags.quiet) ctx.io.stderr.write(`cloud502: wrote ${raw.provider} snapshot to ${flags.out}\n`);
  return 0;
}
