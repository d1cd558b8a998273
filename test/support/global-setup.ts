/**
 * Starts one moto server on 127.0.0.1 for the whole run and provides its URL to tests as `inject('motoUrl')`.
 * It fails loudly, never skips: a run without moto would silently drop the integration tier.
 * Set CLOUD502_MOTO_URL to reuse a server that is already running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
