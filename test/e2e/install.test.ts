/**
 * Getting started as a new user would, without cloning: `npm pack`, then `npm install -g ./cloud502-<version>.tgz`
 * into a clean prefix puts a working `cloud502` on PATH. The install is a real npm install with its own empty cache,
 * served by a registry on 127.0.0.1 made from the packages this checkout already has (test/support/local-registry.ts),
 * so nothing leaves the machine. Needs the build (the global setup makes it).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { root, run, type Run } from '../support/built-cli.js';
import { startLocalRegistry, type LocalRegistry } from '../support/local-registry.js';

let dir: string;
let registry: LocalRegistry;
let installed: Run;
let prefix: string;
let env: Record<string, string | undefined>;

/** The npm on PATH, run by the same Node.js as this test (first on PATH in `env`). */
function npm(args: string[], cwd: string): Promise<Run> {
  return run('npm', args, { cwd, env });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloud502-install-'));
  prefix = join(dir, 'prefix');
  registry = await startLocalRegistry(join(root, 'node_modules'));
  // A clean npm: its own cache and config, the local registry only.
  env = {
    PATH: [join(prefix, 'bin'), dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter),
    HOME: dir,
    npm_config_cache: join(dir, 'cache'),
    npm_config_userconfig: join(dir, 'npmrc'),
    npm_config_registry: registry.url,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const pack = await npm(['pack', '--pack-destination', dir, '--silent'], root);
  expect(pack.code, pack.stderr).toBe(0);
  const tgz = (await readdir(dir)).find((f) => /^cloud502-.*\.tgz$/.test(f));
  expect(tgz).toBeDefined();
  installed = await npm(['install', '-g', `./${tgz}`, '--prefix', prefix, '--loglevel=error'], dir);
}, 600_000);

afterAll(async () => {
  await registry?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm pack, then npm install -g ./cloud502-*.tgz on a clean prefix', () => {
  it('installs from the tarball, fetching dependencies from the registry only', () => {
    expect(installed.code, installed.stderr).toBe(0);
    expect(registry.requested.has('@aws-sdk/client-elastic-load-balancing-v2')).toBe(true);
  });

  it('puts a working cloud502 on PATH', async () => {
    const version = await run('cloud502', ['--version'], { env, cwd: dir });
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('audits the bundled demo from anywhere: text first, JSON valid, exit 1 for its findings', async () => {
    const text = await run('cloud502', ['audit', '--demo'], { env, cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stderr).toBe('');
    expect(text.stdout.split('\n')[1]).toMatch(/^Verdict: /);
    const json = await run('cloud502', ['audit', '--demo', '--format', 'json'], { env, cwd: dir });
    const report = JSON.parse(json.stdout) as Report;
    expect(report.demo).toBe(true);
    expect(report.summary.byStatus.fail).toBeGreaterThan(0);
    const checks = await run('cloud502', ['explain', 'targets/no-registered-targets'], { env, cwd: dir });
    expect(checks.code).toBe(0);
  });
});
