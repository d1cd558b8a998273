/** Runs the CLI in-process against string buffers, and the assertions every CLI test shares. */
import type { AuditDeps } from '../../../src/audit.js';
import { expect } from 'vitest';
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

/** A usage/config/snapshot error: exit 2, nothing on stdout, exactly one `cloud502: ...` line, never a stack trace. */
export function expectOneLineError(run: { code: number | null; stdout: string; stderr: string; errLines: string[] }, contains: string): void {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.errLines).toHaveLength(1);
  expect(run.errLines[0]).toMatch(/^cloud502: /);
  expect(run.errLines[0]).toContain(contains);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toContain('    at ');
}
