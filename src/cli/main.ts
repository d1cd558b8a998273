/**
 * Runs the CLI against injected streams and returns the exit code; bin.ts is the only caller that touches
 * `process`. Every error ends as one line on stderr (a stack only with --verbose).
 */
import { CommanderError } from 'commander';
import type { AuditDeps } from '../audit.js';
import { isCloud502Error } from '../errors.js';
import { sanitizeTerminal } from '../report/escape.js';
import type { CliIo } from './context.js';
import { buildProgram } from './program.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { redactUrlCredentials } from '../redact.js';

export { EXIT_COVERAGE_GAP, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes.js';

export async function main(argv: readonly string[], io: CliIo, deps: AuditDeps = {}): Promise<number> {
  let code = EXIT_OK;
  // Decided from argv, not from parsed flags: an error can happen before or during parsing.
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  try {
    const program = buildProgram({ io, deps }, (c) => {
      code = c;
    });
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    return reportError(err, io, verbose);
  }
}

/**
 * One line, with control characters made visible (messages can quote file contents or names from the cloud) and
 * the credentials of URLs removed (commander quotes a rejected --endpoint-url verbatim).
 */
function oneLine(s: string): string {
  return sanitizeTerminal(redactUrlCredentials(s.replace(/\s*\n\s*/g, ' ').trim()));
}

export function reportError(err: unknown, io: CliIo, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // --help and --version end through exitOverride too.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
    // `help <command>` (exit code 0), or no command at all (help already printed to stderr): no message to add.
    if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.stderr.write(`cloud502: ${oneLine(err.message.replace(/^error: /, ''))}\n`);
    return EXIT_USAGE;
  }
  if (isCloud502Error(err)) {
    io.stderr.write(`cloud502: ${oneLine(err.message)}\n`);
    if (verbose && err.stack) io.stderr.write(`${redactUrlCredentials(err.stack)}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (verbose) {
    io.stderr.write(`cloud502: internal error: ${oneLine(message)}\n${err instanceof Error && err.stack ? `${redactUrlCredentials(err.stack)}\n` : ''}`);
  } else {
    io.stderr.write(`cloud502: internal error: ${oneLine(message)} (run with --verbose for the stack)\n`);
  }
  return EXIT_USAGE;
}
