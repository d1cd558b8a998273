/**
 * Report output shared by `audit` and `report`: one format to stdout or `--output FILE`, or any number of formats into
 * `--output-dir DIR` as `cloud502-report.<ext>`. Every format renders from the same JSON report.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CheckRegistry } from '../../engine/index.js';
import { ConfigError } from '../../errors.js';
import type { ReportFormat } from '../../report/render.js';
import { renderReport, reportFileName } from '../../report/render.js';
import { summaryLine } from '../../report/text.js';
import type { Report } from '../../report/types.js';
import { shouldUseColor } from '../color.js';
import type { CliContext, OutputFlags } from '../context.js';

/** The formats asked for; text when --format was not given. */
export function formatsOf(flags: OutputFlags): ReportFormat[] {
  return flags.format && flags.format.length > 0 ? flags.format : ['text'];
}

/**
 * Rejects flag combinations that cannot be honoured, before any work is done (an audit can take minutes).
 * @throws ConfigError one line, exit 2.
 */
export function checkOutputFlags(flags: OutputFlags): void {
  const formats = formatsOf(flags);
  if (formats.length > 1 && flags.outputDir === undefined) {
    const hint = flags.output !== undefined ? ' instead of --output' : '';
    throw new ConfigError(`--format ${formats.join(',')} writes ${formats.length} reports: give --output-dir DIR${hint}`);
  }
}

function errorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
}

async function write(path: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(path, text, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot write ${flag} ${path} (${errorCode(err)})`);
  }
}

/** Renders `report` in every requested format and writes it where the flags say; status lines go to stderr. */
export async function emitReport(report: Report, flags: OutputFlags, ctx: CliContext, registry: CheckRegistry): Promise<void> {
  const { io } = ctx;
  const formats = formatsOf(flags);
  const toTerminal = flags.output === undefined && flags.outputDir === undefined && io.stdout.isTTY === true;
  const options = {
    color: shouldUseColor({ isTTY: toTerminal, flag: flags.color, env: io.env }),
    verbose: flags.verbose === true,
    checks: (id: string) => registry.get(id),
    catalog: registry.all(),
  };
  if (flags.outputDir !== undefined) {
    const dir = resolve(io.cwd, flags.outputDir);
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new ConfigError(`cannot create --output-dir ${flags.outputDir} (${errorCode(err)})`);
    }
    const written: string[] = [];
    for (const format of formats) {
      const path = join(dir, reportFileName(format));
      await write(path, renderReport(report, format, options), '--output-dir');
      written.push(join(flags.outputDir, reportFileName(format)));
    }
    if (!flags.quiet) io.stderr.write(`cloud502: wrote ${written.join(', ')} — ${summaryLine(report)}\n`);
    return;
  }
  const format = formats[0] ?? 'text';
  const rendered = renderReport(report, format, options);
  if (flags.output !== undefined) {
    await write(resolve(io.cwd, flags.output), rendered, '--output');
    if (!flags.quiet) io.stderr.write(`cloud502: wrote ${format} report to ${flags.output} — ${summaryLine(report)}\n`);
  } else {
    io.stdout.write(rendered);
  }
}
