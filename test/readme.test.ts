/**
 * The README is part of the product: its first lines are the two fresh-clone commands, its check table lists the
 * whole catalog and its IAM policy is exactly what the code calls. Regenerate the generated sections with
 * `CLOUD502_UPDATE_README=1 npx vitest run test/readme.test.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../checks/index.js';
import { runCli } from './cli/support/run-cli.js';
import { root } from './support/built-cli.js';

const readmePath = join(root, 'README.md');

function section(text: string, name: string): string {
  const begin = `<!-- ${name}:begin -->\n`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${name} section`);
  return text.slice(a + begin.length, b);
}

function replaceSection(text: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->\n`;
  const a = text.indexOf(begin) + begin.length;
  return text.slice(0, a) + body + text.slice(text.indexOf(`<!-- ${name}:end -->`));
}

async function generated(): Promise<Record<'checks' | 'iam', string>> {
  const table = await runCli(['checks', '--format', 'markdown']);
  const policy = await runCli(['iam-policy']);
  expect(table.code).toBe(0);
  expect(policy.code).toBe(0);
  return { checks: table.stdout, iam: '```json\n' + policy.stdout + '```\n' };
}

describe('README.md', () => {
  it('starts with exactly the two fresh-clone commands: the demo audit and the test suite', () => {
    const lines = readFileSync(readmePath, 'utf8').split('\n');
    expect(lines[0]).toBe('```sh');
    expect(lines[1]).toMatch(/^npm ci && npm run demo\b/);
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['demo:run']).toMatch(/audit --demo$/);
    expect(lines[2]).toMatch(/^npm test\b/);
    expect(lines[3]).toBe('```');
    // CI runs that same test command.
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/^npm test$/m);
  });

  it('has the generated check table and IAM policy', async () => {
    let text = readFileSync(readmePath, 'utf8');
    const want = await generated();
    if (process.env.CLOUD502_UPDATE_README === '1') {
      for (const [name, body] of Object.entries(want)) text = replaceSection(text, name, body);
      writeFileSync(readmePath, text);
    }
    expect(section(text, 'checks')).toBe(want.checks);
    expect(section(text, 'iam')).toBe(want.iam);
    for (const c of allChecks) expect(section(text, 'checks')).toContain(`\`${c.id}\``);
  });
});
