/**
 * `--role-arn`, `--accounts-file` and `--all-regions` through the built CLI against moto: moto serves each assumed
 * role from the account in its ARN, so every audited account appears as its own scope.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { Report } from '../../src/report/types.js';
import { cli } from '../support/built-cli.js';

const env = () => ({ AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: undefined, AWS_ENDPOINT_URL: inject('motoUrl') });
const role = (account: string) => `arn:aws:iam::${account}:role/cloud502-audit`;

describe('many accounts', () => {
  it('audits each --role-arn account as its own scope', async () => {
    const r = await cli(['audit', '--role-arn', role('111111111111'), '--role-arn', role('222222222222'), '--external-id', 'x-1', '--region', 'eu-south-1', '--format', 'json', '--quiet'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.scopes.map((s) => `${s.account} ${s.region}`).sort()).toEqual(['111111111111 eu-south-1', '222222222222 eu-south-1']);
  }, 60_000);

  it('reads the roles from --accounts-file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-accounts-'));
    const file = join(dir, 'accounts.yml');
    await writeFile(file, `- roleArn: ${role('333333333333')}\n  name: payments\n`);
    const r = await cli(['audit', '--accounts-file', file, '--region', 'eu-south-1', '--format', 'json', '--quiet'], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Report).scopes.map((s) => s.account)).toEqual(['333333333333']);
  }, 60_000);

  it('refuses a malformed role ARN or accounts file in one line', async () => {
    const bad = await cli(['audit', '--role-arn', 'arn:aws:iam::12:role/x', '--region', 'eu-south-1'], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.errLines).toHaveLength(1);
    expect(bad.errLines[0]).toContain('is not an IAM role ARN');
    const dir = await mkdtemp(join(tmpdir(), 'cloud502-accounts-'));
    const file = join(dir, 'accounts.yml');
    await writeFile(file, 'roleArn: [not, a, list\n');
    const corrupt = await cli(['audit', '--accounts-file', file, '--region', 'eu-south-1'], { env: env() });
    expect(corrupt.code).toBe(2);
    expect(corrupt.errLines).toHaveLength(1);
    expect(corrupt.stderr).not.toContain('    at ');
  }, 60_000);

  it('refuses --all-regions together with --region', async () => {
    const r = await cli(['audit', '--all-regions', '--region', 'eu-south-1'], { env: env() });
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
  });
});
