/**
 * What the README is generated from: `checks --format markdown` (the check table) and `iam-policy` (the policy).
 */
import { describe, expect, it } from 'vitest';
import { AWS_READ_ONLY_ACTIONS, awsIamPolicy } from '../../providers/aws/iam.js';
import { fakeChecks, fakeRegistry, idleTimeout } from './support/fakes.js';
import { runCli } from './support/run-cli.js';

describe('cloud502 checks --format markdown', () => {
  it('prints the check table: id, family, severity, causes, load balancers, title, in catalog order', async () => {
    const run = await runCli(['checks', '--format', 'markdown'], { deps: { registry: fakeRegistry() } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      [
        '| id | family | severity | causes | load balancers | title |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `targets/fake-pool-has-targets` | targets | critical | 503 | Application Load Balancer, Network Load Balancer, Classic Load Balancer | Target groups in use have registered targets |',
        '| `timeouts/fake-idle-timeout` | timeouts | medium | 502 | Application Load Balancer, Network Load Balancer, Classic Load Balancer | Idle timeout is at most 30 s |',
        '| `health/fake-health-check-known` | health | low | 503 | Application Load Balancer, Network Load Balancer, Classic Load Balancer | Health checks are configured |',
        '| `tls/fake-throws` | tls | high | 503 | Application Load Balancer, Network Load Balancer, Classic Load Balancer | Never evaluates |',
        '',
      ].join('\n'),
    );
  });

  it('escapes a title that would break the table', async () => {
    const odd = { ...idleTimeout, title: 'Idle | timeout *is* <short>' };
    const run = await runCli(['checks', '--format', 'markdown'], { deps: { registry: fakeRegistry([odd, ...fakeChecks.filter((c) => c !== idleTimeout)]) } });
    expect(run.stdout).toContain('| `timeouts/fake-idle-timeout` | timeouts | medium | 502 | Application Load Balancer, Network Load Balancer, Classic Load Balancer | Idle \\| timeout \\*is\\* &lt;short&gt; |');
    // Every row still has exactly six cells (seven unescaped pipes).
    for (const line of run.stdout.trimEnd().split('\n')) expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(8);
  });

  it('keeps text and json, and refuses report formats', async () => {
    const run = await runCli(['checks', '--format', 'html'], { deps: { registry: fakeRegistry() } });
    expect(run.code).toBe(2);
    expect(run.errLines).toEqual(["cloud502: option '--format <format>' argument 'html' is invalid. Allowed choices are text, json, markdown."]);
  });
});

describe('cloud502 iam-policy', () => {
  it('prints the least-privilege policy of providers/aws/iam.ts as JSON', async () => {
    const run = await runCli(['iam-policy']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const policy = JSON.parse(run.stdout) as { Version: string; Statement: Array<{ Effect: string; Action: string[]; Resource: string }> };
    expect(policy).toEqual(awsIamPolicy());
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: '*' });
    expect(policy.Statement[0]!.Action).toEqual([...AWS_READ_ONLY_ACTIONS]);
    expect(policy.Statement[0]!.Action.every((a) => /^[a-z0-9]+:(Describe|Get|List)[A-Za-z]+$/.test(a))).toBe(true);
  });

  it('takes no arguments', async () => {
    const run = await runCli(['iam-policy', 'extra']);
    expect(run.code).toBe(2);
    expect(run.errLines).toEqual(["cloud502: too many arguments for 'iam-policy'. Expected 0 arguments but got 1: extra."]);
  });
});
