/** Runs the CLI in-process against string buffers. */
import type { AuditDeps } from '../../../src/audit.js';
import { main } from '../../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stderr split into non-empty lines. */
  errLines: string[];
}

export interface CliRunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  deps?: AuditDeps;
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
}

export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    args,
    {
      stdout: { isTTY: options.stdoutTTY ?? false, columns: 100, write: (s: string) => ((stdout += s), true) },
      stderr: { isTTY: options.stderrTTY ?? false, columns: 100, write: (s: string) => ((stderr += s), true) },
      env: options.env ?? {},
      cwd: options.cwd ?? process.cwd(),
    },
    options.deps ?? {},
  );
  return { code, stdout, stderr, errLines: stderr.split('\n').filter((l) => l.trim() !== '') };
}
