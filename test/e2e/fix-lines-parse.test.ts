/**
 * Every fix line the bundled demos produce (three clouds, every check family) is a valid bash script: values are
 * shell-quoted where they are interpolated, so a hostile name can never break or extend a command. Checked with
 * `bash -n` (parse only, nothing runs).
 */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';

it('every demo fix command parses with bash -n, and names no unfilled placeholder', async () => {
  const { report } = await runAudit({ source: { kind: 'demo' } });
  const commands = report.results.filter((r) => r.status === 'fail' && r.remediation?.cli).map((r) => ({ id: `${r.checkId} ${r.resource.name}`, cli: r.remediation!.cli! }));
  expect(commands.length).toBeGreaterThan(10);
  expect(new Set(report.results.filter((r) => r.remediation?.cli).map((r) => r.resource.provider))).toEqual(new Set(['aws', 'azure', 'gcp']));
  for (const { id, cli } of commands) {
    const parsed = spawnSync('bash', ['-n'], { input: cli, encoding: 'utf8' });
    expect(parsed.status, `${id}: ${parsed.stderr}\n${cli}`).toBe(0);
    expect(cli, id).not.toMatch(/\{\{|undefined|NaN|\[object/);
  }
}, 60_000);
