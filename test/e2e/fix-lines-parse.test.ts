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

it('fixes on one load balancer never contradict: the keep-alive fix stays above any idle timeout another finding sets', async () => {
  const { report } = await runAudit({ source: { kind: 'demo' } });
  const fails = report.results.filter((r) => r.status === 'fail');
  const lbOf = (r: (typeof fails)[number]) => r.resource.loadBalancerId ?? r.resource.id;
  const keepAlive = fails.filter((r) => r.checkId === 'timeouts/backend-keepalive-exceeds-idle-timeout');
  expect(keepAlive.length).toBeGreaterThanOrEqual(3);
  let compared = 0;
  for (const k of keepAlive) {
    const recommended = (k.evidence?.details as { recommendedKeepAliveSeconds: number }).recommendedKeepAliveSeconds;
    for (const other of fails.filter((r) => r.checkId === 'timeouts/idle-timeout-below-latency' && lbOf(r) === lbOf(k))) {
      compared++;
      const idle = (other.evidence?.details as { suggestedTimeoutSeconds: number }).suggestedTimeoutSeconds;
      expect(recommended, `${k.resource.name}: keep-alive ${recommended} s vs idle timeout ${idle} s set by ${other.resource.name}`).toBeGreaterThan(idle);
    }
  }
  // The demo's api ALB has both findings (gunicorn keep-alive, 120 s for its slow exports): the case is exercised.
  expect(compared).toBeGreaterThan(0);
}, 60_000);

it('a Classic ELB finding prints Classic commands only, and an idle-timeout fix only its own kind', async () => {
  const { report } = await runAudit({ source: { kind: 'demo' } });
  const fails = report.results.filter((r) => r.status === 'fail' && r.remediation?.cli);
  const classic = fails.filter((r) => r.resource.type.startsWith('aws-clb'));
  expect(classic.length).toBeGreaterThan(0);
  for (const r of classic) expect(r.remediation!.cli, `${r.checkId} ${r.resource.name}`).not.toMatch(/aws elbv2|--target-group-arn/);
  for (const r of fails) {
    const both = /aws elbv2 modify-load-balancer-attributes/.test(r.remediation!.cli!) && /aws elb modify-load-balancer-attributes/.test(r.remediation!.cli!);
    expect(both, `${r.checkId} ${r.resource.name}`).toBe(false);
  }
}, 60_000);
