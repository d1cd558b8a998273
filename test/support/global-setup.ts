/**
 * Starts one moto server on 127.0.0.1 for the whole run and provides its URL to tests as `inject('motoUrl')`.
 * It fails loudly, never skips: a run without moto would silently drop the integration tier.
 * Set CLOUD502_MOTO_URL to reuse a server that is already running.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startMoto, type MotoServer } from '../../bench/moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoUrl: string;
  }
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
  let moto: MotoServer;
  try {
    moto = await startMoto(process.env.PYTHON ?? 'python3', 45_000);
  } catch (e) {
    throw new Error(`cannot start moto for the integration tests: ${(e as Error).message}`, { cause: e });
  }
  const url = moto.url;
  project.provide('motoUrl', url);
  return () => moto.stop();
}
