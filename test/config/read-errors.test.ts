/**
 * Settings files that exist but cannot be used: only a file that is not there is "no config file"; one that cannot be
 * read, or a YAML alias bomb, is one line naming the file (config, baseline, accounts file).
 */
import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadAccountsFile } from '../../providers/aws/accounts.js';
import { parseBaseline } from '../../src/config/baseline-file.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { fakeRegistry } from '../cli/support/fakes.js';

const registry = fakeRegistry();

/** Nine aliases per level, six levels: 9^6 = 531,441 nodes from a 300-byte file. */
const BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
  'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
  'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
].join('\n');

async function oneLineConfigError(run: () => unknown): Promise<string> {
  let thrown: unknown;
  try {
    await run();
  } catch (e) {
    thrown = e;
  }
  // By name: a test that re-imports the loader (vi.resetModules) gets a fresh ConfigError class.
  expect(thrown).toBeInstanceOf(Error);
  expect((thrown as Error).name).toBe(ConfigError.name);
  const message = (thrown as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

afterEach(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

describe('a config file that cannot be read', () => {
  it('is no config at all when it is not there', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'cloud502-cfg-'));
    expect(await loadConfig({ cwd, registry })).toEqual({ config: {} });
  });

  it('is one line naming it when it is a symbolic link loop, not a silent "no config"', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'cloud502-cfg-'));
    await symlink('.cloud502.yml', join(cwd, '.cloud502.yml'));
    expect(await oneLineConfigError(() => loadConfig({ cwd, registry }))).toBe('config .cloud502.yml cannot be read (a symbolic link loop)');
  });

  it('is one line naming it when permission is denied', async () => {
    // Tests run as root, which reads any file: the denial is injected where the loader checks the file.
    vi.doMock('node:fs/promises', async (original) => ({
      ...(await original<typeof FsPromises>()),
      access: async (path: string) => {
        if (String(path).endsWith('.cloud502.yaml')) throw Object.assign(new Error(`EACCES: permission denied, access '${path}'`), { code: 'EACCES' });
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      },
    }));
    const { loadConfig: load } = await import('../../src/config/load.js');
    const cwd = await mkdtemp(join(tmpdir(), 'cloud502-cfg-'));
    expect(await oneLineConfigError(() => load({ cwd, registry }))).toBe('config .cloud502.yaml cannot be read (permission denied)');
  });
});

describe('a YAML alias bomb', () => {
  it('in the config file is one line naming the file', async () => {
    expect(await oneLineConfigError(() => parseConfig(BOMB, '.cloud502.yml', registry))).toBe(
      'config .cloud502.yml cannot be used as YAML (Excessive alias count indicates a resource exhaustion attack)',
    );
  });

  it('in a baseline file is one line naming the file', async () => {
    expect(await oneLineConfigError(() => parseBaseline(BOMB, 'accepted.yml', registry))).toBe(
      'baseline accepted.yml cannot be used as YAML (Excessive alias count indicates a resource exhaustion attack)',
    );
  });

  it('in an accounts file is one line naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-acct-'));
    const file = join(dir, 'accounts.yml');
    await writeFile(file, BOMB);
    expect(await oneLineConfigError(() => loadAccountsFile(file))).toMatch(new RegExp(`^accounts file ${file} is not valid YAML: Excessive alias count`));
  });

  it('is not confused with a few honest aliases', () => {
    const text = 'backends:\n  - &node { match: { pool: "api-*" }, server: node }\n  - { match: { pool: "web-*" }, server: node }\n';
    expect(parseConfig(text, '.cloud502.yml', registry).backends).toHaveLength(2);
  });
});
