/**
 * Starts one moto server on 127.0.0.1 for the whole run and provides its URL to tests as `inject('motoUrl')`.
 * It fails loudly, never skips: a run without moto would silently drop the integration tier.
 * Set CLOUD502_MOTO_URL to reuse a server that is already running.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, stderr: () => string, deadlineMs: number): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`moto exited with code ${child.exitCode}: ${stderr().slice(-2000)}`);
    try {
      const res = await fetch(`${url}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto did not answer on ${url} within ${deadlineMs} ms: ${stderr().slice(-2000)}`);
}

const root = fileURLToPath(new URL('../../', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * End-to-end tests run the built binary. `npm test` builds first; a direct `vitest run` may find no build or a stale
 * one, so build once here, before any worker starts (two workers building at once would race on dist/).
 */
function ensureBuilt(): void {
  const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
  const newest = Math.max(...['src', 'providers', 'checks', 'demo'].map((d) => newestSource(join(root, d))));
  if (existsSync(bin) && statSync(bin).mtimeMs >= newest) return;
  // Exit status ignored: tsc still emits when an unrelated file has a type error; the tests judge the result.
  spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'ignore' });
  if (!existsSync(bin)) throw new Error(`the build did not produce ${bin}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureBuilt();
  const existing = process.env.CLOUD502_MOTO_URL;
  if (existing) {
    project.provide('motoUrl', existing);
    return async () => {};
  }
  const port = await freePort();
  const python = process.env.PYTHON ?? 'python3';
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // moto reads MOTO_ENABLE_AMI_VALIDATION with bool(os.environ.get(...)): any non-empty value turns validation on.
    env: { ...process.env },
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-8000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(url, child, () => err, 45_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(
      `cannot start moto (${python} -m moto.server): ${(e as Error).message}\n` +
        `install it with: pip install 'moto[server]'`,
      { cause: e },
    );
  }
  project.provide('motoUrl', url);
  return async () => {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode === null) child.kill('SIGKILL');
  };
}
