import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { baselineExpiry, createBaseline, isBaselineEntryActive, serializeBaseline } from '../../engine/baseline.js';
import { ConfigError } from '../../errors.js';
import type { BaselineCreateFlags, CliContext } from '../context.js';
import { readReportFile } from '../report-file.js';

/** `cloud502 baseline create REPORT`: accepts every failing finding of a saved report; writes the baseline file. */
export async function baselineCreateCommand(file: string, flags: BaselineCreateFlags, ctx: CliContext, now = new Date()): Promise<number> {
  const { io } = ctx;
  if (flags.reason.trim() === '') throw new ConfigError('--reason must say why these findings are accepted');
  if (flags.expires !== undefined) {
    if (baselineExpiry(flags.expires) === undefined) throw new ConfigError(`--expires "${flags.expires}" is not a date (use YYYY-MM-DD)`);
    // An acceptance that has already run out would fail again on the next audit: certainly not what was meant.
    if (!isBaselineEntryActive({ reason: flags.reason, expires: flags.expires }, now)) {
      throw new ConfigError(`--expires ${flags.expires} is in the past`);
    }
  }
  const report = await readReportFile(resolve(io.cwd, file), file);
  const { baseline } = createBaseline(report, { reason: flags.reason, ...(flags.expires !== undefined ? { expires: flags.expires } : {}) });
  try {
    // `wx` fails if the file exists: replacing a baseline drops acceptances this report does not show, so ask first.
    await writeFile(resolve(io.cwd, flags.out), serializeBaseline(baseline), { encoding: 'utf8', flag: flags.force ? 'w' : 'wx' });
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
    if (code === 'EEXIST') throw new ConfigError(`--out ${flags.out} already exists (pass --force to replace it)`);
    throw new ConfigError(`cannot write --out ${flags.out} (${code})`);
  }
  if (!flags.quiet) {
    const n = baseline.length;
    io.stderr.write(`cloud502: wrote ${n} accepted finding${n === 1 ? '' : 's'} to ${flags.out}; audit with --baseline ${flags.out}\n`);
  }
  return 0;
}
