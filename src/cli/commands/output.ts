/**
 * Report output shared by `audit` and `report`: one format to stdout or `--output FILE`, or any number of formats into
 * `--output-dir DIR` as `cloud502-report.<ext>`. Every format renders from the same JSON report; the JSON itself is
 * written piece by piece, so a large report is never held twice nor built as one string.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CheckRegistry } from '../../engine/index.js';
import { ConfigError } from '../../errors.js';
import { jsonChunks } from '../../report/json.js';
import type { RenderOptions, ReportFormat } from '../../report/render.js';
import { renderReport, reportFileName } from '../../report/render.js';
import { summaryLine } from '../../report/text.js';
import type { Report } from '../../report/types.js';
import { shouldUseColor } from '../color.js';
import type { CliContext, OutStream, OutputFlags } from '../context.js';
import { writeChunks } from '../../write-chunks.js';

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

async function writeChunksToFile(path: string, chunks: Iterable<string>, flag: string): Promise<void> {
  try {
    await writeChunks(path, chunks);
  } catch (err) {
    throw new ConfigError(`cannot write ${flag} ${path} (${errorCode(err)})`);
  }
}

async function writeText(path: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(path, text, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot write ${flag} ${path} (${errorCode(err)})`);
  }
}

/** Writes pieces to stdout, waiting for it to drain when it is a real stream that asks to. */
async function writeChunksToStream(stream: OutStream, chunks: Iterable<string>): Promise<void> {
  const drainable = stream as OutStream & { once?: (event: 'drain', cb: () => void) => unknown };
  for (const chunk of chunks) {
    if (!stream.write(chunk) && typeof drainable.once === 'function') await new Promise<void>((r) => drainable.once!('drain', r));
  }
}

async function writeFormat(report: Report, format: ReportFormat, options: RenderOptions, path: string, flag: string): Promise<void> {
  if (format === 'json') await writeChunksToFile(path, jsonChunks(report), flag);
  else await writeText(path, renderReport(report, format, options), flag);
}

export interface EmitOptions {
  /** How `cloud502 explain` finds this report again, e.g. `--demo` (see TextOptions.explainFlags). */
  explainFlags?: string;
}

/** Renders `report` in every requested format and writes it where the flags say; status lines go to stderr. */
export async function emitReport(report: Report, flags: OutputFlags, ctx: CliContext, registry: CheckRegistry, emit: EmitOptions = {}): Promise<void> {
  const { io } = ctx;
  const formats = formatsOf(flags);
  const toTerminal = flags.output === undefined && flags.outputDir === undefined && io.stdout.isTTY === true;
  const options: RenderOptions = {
    color: shouldUseColor({ isTTY: toTerminal, flag: flags.color, env: io.env }),
    verbose: flags.verbose === true,
    checks: (id: string) => registry.get(id),
    catalog: registry.all(),
    ...(emit.explainFlags !== undefined ? { explainFlags: emit.explainFlags } : {}),
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
      await writeFormat(report, format, options, join(dir, reportFileName(format)), '--output-dir');
      written.push(join(flags.outputDir, reportFileName(format)));
    }
    if (!flags.quiet) io.stderr.write(`cloud502: wrote ${written.join(', ')} — ${summaryLine(report)}\n`);
    return;
  }
  const format = formats[0] ?? 'text';
  if (flags.output !== undefined) {
    await writeFormat(report, format, options, resolve(io.cwd, flags.output), '--output');
    if (!flags.quiet) io.stderr.write(`cloud502: wrote ${format} report to ${flags.output} — ${summaryLine(report)}\n`);
  } else if (format === 'json') {
    await writeChunksToStream(io.stdout, jsonChunks(report));
  } else {
    io.stdout.write(renderReport(report, format, options));
  }
}
