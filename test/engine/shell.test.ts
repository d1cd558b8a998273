import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commentText, sh, userValue } from '../../src/engine/shell.js';

const bash = (script: string, env: Record<string, string> = {}) => spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });

describe('userValue', () => {
  it('stops the command with its message when the user did not set it', () => {
    const run = bash(`printf '%s\\n' ${userValue('TARGET_ID', 'instance id or IP address of a target')}`);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('TARGET_ID: instance id or IP address of a target');
    expect(run.stdout).toBe('');
  });

  it('gives one argument, or one per value for a list', () => {
    const one = bash(`printf '[%s]' ${userValue('NAME', 'a name')}`, { NAME: 'a b' });
    expect(one.stdout).toBe('[a b]');
    const list = bash(`printf '[%s]' ${userValue('IDS', 'ids, space-separated', { list: true })}`, { IDS: 'subnet-1 subnet-2' });
    expect(list.stdout).toBe('[subnet-1][subnet-2]');
  });

  it('refuses a name or message the shell would not keep inert', () => {
    expect(() => userValue('lower', 'x')).toThrow();
    expect(() => userValue('OK', 'uses $(id)')).toThrow();
    expect(() => userValue('OK', 'closes } early')).toThrow();
    expect(() => userValue('OK', 'a "quote"')).toThrow();
  });
});

describe('commentText', () => {
  it('keeps a value from the cloud on its comment line', () => {
    const hostile = 'eu-west-1a\nrm -rf "$HOME"\r\u2028x';
    const script = `# zones: ${commentText(hostile)}\necho done`;
    expect(script.split('\n')).toHaveLength(2);
    expect(bash(script).stdout).toBe('done\n');
  });

  it('leaves plain text alone', () => {
    expect(commentText('us-east-1a, us-east-1b')).toBe('us-east-1a, us-east-1b');
    expect(sh('us-east-1a')).toBe('us-east-1a');
  });
});
