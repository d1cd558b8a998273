/**
 * Where cloud502's package.json is, and its version. Found by walking up from this module: the same code runs from
 * src/ in development, from dist/src/ when built, and from the one-file Lambda bundle (which ships a package.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

function locate(): { root: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === 'cloud502' && typeof parsed.version === 'string') return (cached = { root: dir, version: parsed.version });
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the cloud502 package root');
    dir = parent;
  }
}

/** The package root (where package.json, demo/ and schema/ live). */
export function packageRoot(): string {
  return locate().root;
}

export function toolVersion(): string {
  return locate().version;
}
