/**
 * `npm run demo` builds only what needs building: .ci/build-if-stale runs `npm run build` when the build is missing
 * or a source is newer than it, and nothing otherwise. Tried in a scratch tree with an `npm` that only records calls.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, existsSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/built-cli.js';

function tree(): { dir: string; calls: () => string[]; run: () => number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'cloud502-stale-'));
  mkdirSync(join(dir, '.ci'));
  copyFileSync(join(root, '.ci', 'build-if-stale'), join(dir, '.ci', 'build-if-stale'));
  for (const d of ['src', 'providers', 'checks', 'bench', 'bin']) mkdirSync(join(dir, d));
  for (const f of ['src/a.ts', 'providers/b.ts', 'checks/c.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) writeFileSync(join(dir, f), '');
  const log = join(dir, 'npm-calls');
  writeFileSync(join(dir, 'bin', 'npm'), `#!/bin/sh\necho "$*" >> '${log}'\n`);
  chmodSync(join(dir, 'bin', 'npm'), 0o755);
  return {
    dir,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
    run: () => spawnSync('bash', [join(dir, '.ci', 'build-if-stale')], { env: { ...process.env, PATH: `${join(dir, 'bin')}:/usr/bin:/bin` } }).status,
  };
}

function built(dir: string, secondsAgo: number): void {
  mkdirSync(join(dir, 'dist', 'src', 'cli'), { recursive: true });
  const bin = join(dir, 'dist', 'src', 'cli', 'bin.js');
  writeFileSync(bin, '');
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(bin, t, t);
}

function age(path: string, secondsAgo: number): void {
  const t = Date.now() / 1000 - secondsAgo;
  utimesSync(path, t, t);
}

describe('.ci/build-if-stale', () => {
  it('builds when there is no build yet', () => {
    const t = tree();
    expect(t.run()).toBe(0);
    expect(t.calls()).toEqual(['run build --silent']);
  });

  it('does not build when the build is newer than every source', () => {
    const t = tree();
    for (const f of ['src/a.ts', 'providers/b.ts', 'checks/c.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) age(join(t.dir, f), 100);
    built(t.dir, 10);
    expect(t.run()).toBe(0);
    expect(t.calls()).toEqual([]);
  });

  it('builds when one source changed after the build', () => {
    const t = tree();
    for (const f of ['src/a.ts', 'providers/b.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) age(join(t.dir, f), 100);
    built(t.dir, 10);
    expect(t.run()).toBe(0);
    expect(t.calls()).toEqual(['run build --silent']);
  });

  it('is what npm run demo uses', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['demo:run']).toBe('bash .ci/build-if-stale && node dist/src/cli/bin.js audit --demo');
  });
});
