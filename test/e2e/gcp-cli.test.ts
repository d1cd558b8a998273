/**
 * The built CLI against the fake Google APIs, as a user would run it: real Application Default Credentials (an
 * `external_account` file whose token endpoint is the fake) and gcloud's endpoint-override variables. Covers
 * `collect` then `audit --snapshot` equal to the live audit, bad input and missing credentials as one line with
 * exit 2, `iam-policy --provider gcp`, and that `--help` and AWS audits load no Google module.
 *
 * Runs once the provider registry (providers/index.ts) lists Google Cloud; until then the CLI has no `--provider gcp`.
 */
import '../providers/gcp/support/env.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGcpDemo, DEMO_PROJECT } from '../../demo/build-gcp-demo.js';
import { validateGcpRaw } from '../../providers/gcp/snapshot.js';
import type { FakeGoogle } from '../providers/gcp/support/fake-google.js';
import { startFakeGoogle } from '../providers/gcp/support/fake-google.js';
import { NO_METADATA_ENV } from '../providers/gcp/support/env.js';
import type { Run } from '../support/built-cli.js';
import { bin, cli, run } from '../support/built-cli.js';

const demo = buildGcpDemo();
const dir = mkdtempSync(join(tmpdir(), 'cloud502-gcp-cli-'));

function externalAccount(tokenUrl: string): string {
  const subject = join(dir, 'subject.jwt');
  writeFileSync(subject, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJjaSJ9.');
  const file = join(dir, 'wif.json');
  writeFileSync(
    file,
    JSON.stringify({
      type: 'external_account',
      audience: '//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/ci/providers/ci',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: tokenUrl,
      credential_source: { file: subject },
    }),
  );
  return file;
}

/** Records every Google module a process resolves, through a module-resolution hook loaded with --import. */
function tracer(): { args: string[]; file: string } {
  const file = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, '');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); if (/@google-cloud|google-auth-library|google-gax/.test(r.url)) appendFileSync(${JSON.stringify(file)}, r.url + '\\n'); return r; }\n`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return { args: ['--import', pathToFileURL(register).href], file };
}

function oneLine(r: Run): void {
  expect(r.code).toBe(2);
  expect(r.errLines).toHaveLength(1);
  expect(r.errLines[0]).toMatch(/^cloud502: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** The audit's findings without what differs between two runs (times, durations). */
function findings(stdout: string): unknown {
  const report = JSON.parse(stdout) as { results: Array<Record<string, unknown>> };
  return report.results.map((r) => ({ checkId: r.checkId, status: r.status, severity: r.severity, resource: r.resource, message: r.message })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('cloud502 CLI, --provider gcp', () => {
  let fake: FakeGoogle;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    fake = await startFakeGoogle({ projects: [demo.projects[0]!] });
    env = {
      ...NO_METADATA_ENV,
      HOME: dir,
      GOOGLE_APPLICATION_CREDENTIALS: externalAccount(`${fake.url}/token`),
      GOOGLE_CLOUD_PROJECT: DEMO_PROJECT,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE: `${fake.url}/compute/v1/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_MONITORING: `${fake.url}/`,
    };
  });
  afterAll(() => fake.close());

  it('collect writes a valid snapshot; audit --snapshot of it equals the live audit', async () => {
    const snapshot = join(dir, 'snap.json');
    const collected = await cli(['collect', '--provider', 'gcp', '--out', snapshot, '--quiet'], { env });
    expect(collected.stderr).toBe('');
    expect(collected.code).toBe(0);
    const raw = validateGcpRaw(JSON.parse(readFileSync(snapshot, 'utf8')));
    expect(raw.projects[0]?.errors).toEqual([]);
    expect(raw.projects[0]?.compute.backendServices).toHaveLength(demo.projects[0]!.compute.backendServices.length);

    const replay = await cli(['audit', '--snapshot', snapshot, '--format', 'json', '--quiet'], { env });
    const live = await cli(['audit', '--provider', 'gcp', '--project', DEMO_PROJECT, '--format', 'json', '--quiet'], { env });
    expect(live.code).toBe(replay.code);
    expect(findings(live.stdout)).toEqual(findings(replay.stdout));
    // Planted causes reach the report.
    expect(live.stdout).toContain('web-frontend-bs');
    expect(live.stdout).toContain('timeouts/backend-keepalive-exceeds-idle-timeout');
  }, 120_000);

  it('a missing permission is a coverage entry naming it', async () => {
    const denied = await startFakeGoogle({ projects: [demo.projects[0]!], deny: ['compute.backendServices.getHealth'] });
    try {
      const r = await cli(['audit', '--provider', 'gcp', '--endpoint-url', denied.url, '--format', 'json', '--quiet'], { env });
      expect(r.stdout).toContain('compute.backendServices.get');
    } finally {
      await denied.close();
    }
  }, 60_000);

  it('a bad project id, missing credentials and an unreachable endpoint are one line and exit 2', async () => {
    oneLine(await cli(['audit', '--provider', 'gcp', '--project', 'Bad_Project!'], { env }));
    const noCreds = await cli(['audit', '--provider', 'gcp', '--project', DEMO_PROJECT], { env: { ...env, GOOGLE_APPLICATION_CREDENTIALS: undefined } });
    oneLine(noCreds);
    expect(noCreds.errLines[0]).toContain('gcloud auth application-default login');
    const unreachable = await cli(['audit', '--provider', 'gcp', '--endpoint-url', 'http://127.0.0.1:9'], { env });
    oneLine(unreachable);
    expect(unreachable.errLines[0]).toContain('cannot reach the Google Cloud API');
  }, 60_000);

  it('iam-policy prints the custom role', async () => {
    const r = await cli(['iam-policy', '--provider', 'gcp']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- compute.backendServices.get\n');
    expect(r.stdout).toContain('- monitoring.timeSeries.list\n');
  });

  it('--help and an AWS demo audit load no Google module; a Google audit does', async () => {
    for (const args of [['--help'], ['audit', '--help'], ['audit', '--provider', 'aws', '--demo', '--format', 'json']]) {
      const t = tracer();
      await run(process.execPath, [...t.args, bin, ...args], { env });
      expect(readFileSync(t.file, 'utf8'), args.join(' ')).toBe('');
    }
    const t = tracer();
    await run(process.execPath, [...t.args, bin, 'collect', '--provider', 'gcp', '--out', join(dir, 'traced.json'), '--quiet'], { env });
    expect(readFileSync(t.file, 'utf8')).toContain('@google-cloud/compute');
  }, 120_000);
});

