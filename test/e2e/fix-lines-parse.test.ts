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

it('every Google Cloud firewall rule a demo finding prints selects the pool VMs, or says that it is network-wide', async () => {
  const { report } = await runAudit({ source: { kind: 'demo' } });
  const rules = report.results
    .filter((r) => r.status === 'fail' && r.resource.provider === 'gcp' && r.remediation?.cli?.includes('gcloud compute firewall-rules create'))
    .map((r) => ({ id: `${r.checkId} ${r.resource.name}`, cli: r.remediation!.cli! }));
  expect(rules.length).toBeGreaterThanOrEqual(3);
  for (const { id, cli } of rules) {
    const aimed = /--target-(tags|service-accounts)=/.test(cli);
    expect(aimed || cli.includes('applies to every VM in the network'), `${id}\n${cli}`).toBe(true);
  }
  // The demo's backends carry network tags: none of its rules has to be network-wide.
  expect(rules.filter((r) => !/--target-tags=/.test(r.cli)).map((r) => r.id)).toEqual([]);
}, 60_000);
