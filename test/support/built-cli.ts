/**
 * Runs the built binary (dist/src/cli/bin.js) as a user would. The build is made fresh by the global setup.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const bin = join(root, 'dist', 'src', 'cli', 'bin.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  errLines: string[];
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    // A clean environment: no ambient profile, endpoint or color setting changes what the test sees.
    const env: Record<string, string | undefined> = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: undefined, AWS_ENDPOINT_URL: undefined, AWS_PROFILE: undefined };
    for (const [k, v] of Object.entries(options.env ?? {})) env[k] = v;
    const child = spawn(command, args, { cwd: options.cwd ?? root, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr, errLines: stderr.split('\n').filter((l) => l.trim() !== '') }));
  });
}

export const cli = (args: string[], options: RunOptions = {}): Promise<Run> => run(process.execPath, [bin, ...args], options);
