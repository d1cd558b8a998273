import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { ReportDiff } from '../../report/diff.js';
import { diffGate, diffReports, renderDiffMarkdown, renderDiffText } from '../../report/diff.js';
import type { CliContext, DiffFlags, DiffFormat } from '../context.js';
import { readReportFile } from '../report-file.js';

/** The JSON form of a diff: the comparison itself, its counts and the gate's verdict. */
export function renderDiffJson(diff: ReportDiff, failOn: DiffFlags['failOn']): string {
  const gate = failOn === 'none' ? { failOn, failed: false } : { failOn, failed: diffGate(diff, failOn) };
  const counts = { new: diff.new.length, resolved: diff.resolved.length, changed: diff.changed.length, unchanged: diff.unchanged.length };
  return `${JSON.stringify({ gate, counts, ...diff }, null, 2)}\n`;
}

function render(diff: ReportDiff, format: DiffFormat, failOn: DiffFlags['failOn']): string {
  switch (format) {
    case 'text':
      return renderDiffText(diff);
    case 'markdown':
      return renderDiffMarkdown(diff);
    case 'json':
      return renderDiffJson(diff, failOn);
  }
}

/**
 * `cloud502 diff BEFORE AFTER`, the change-review gate: 1 when the later report has a new finding (or a severity
 * increase) at or above --fail-on, 0 otherwise, 2 when either file is not a cloud502 JSON report.
 */
export async function diffCommand(beforeFile: string, afterFile: string, flags: DiffFlags, ctx: CliContext): Promise<number> {
  const { io } = ctx;
  const before = await readReportFile(resolve(io.cwd, beforeFile), beforeFile);
  const after = await readReportFile(resolve(io.cwd, afterFile), afterFile);
  const diff = diffReports(before, after);
  const rendered = render(diff, flags.format, flags.failOn);
  if (flags.output !== undefined) {
    try {
      await writeFile(resolve(io.cwd, flags.output), rendered, 'utf8');
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
      throw new ConfigError(`cannot write --output ${flags.output} (${code})`);
    }
    if (!flags.quiet) {
      io.stderr.write(`cloud502: wrote ${flags.format} diff to ${flags.output} — ${diff.new.length} new, ${diff.resolved.length} resolved, ${diff.changed.length} severity changed\n`);
    }
  } else {
    io.stdout.write(rendered);
  }
  if (flags.failOn === 'none') return 0;
  return diffGate(diff, flags.failOn) ? 1 : 0;
}
