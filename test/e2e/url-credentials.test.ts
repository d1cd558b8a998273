/**
 * A password in --endpoint-url (or AWS_ENDPOINT_URL) is never echoed: not in error lines (usage, unreachable, not AWS,
 * --verbose stacks), not in the raw snapshot, not in reports. The built CLI against endpoints on 127.0.0.1.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redactUrlCredentials } from '../../src/redact.js';
import { cli } from '../support/built-cli.js';
import { emptyAccountAnswer, errorAnswer, startFakeAws, webPage, type FakeAws } from '../support/fake-aws.js';

const SECRET = 's3cr3t-P4ss';
const fakes: FakeAws[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

const env = (extra: Record<string, string> = {}) => ({
  AWS_ACCESS_KEY_ID: 'AKIAFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake',
  AWS_SESSION_TOKEN: undefined,
  AWS_CONFIG_FILE: '/nonexistent/cloud502-test-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/cloud502-test-credentials',
  ...extra,
});

/** http://auditor:SECRET@127.0.0.1:PORT */
const withCredentials = (url: string) => url.replace('http://', `http://auditor:${SECRET}@`);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('redactUrlCredentials', () => {
  it.each([
    ['http://admin:pw@10.0.0.1:4566', 'http://***@10.0.0.1:4566'],
    ['see https://token@proxy.corp/x and http://u:p@ss@host:1/', 'see https://***@proxy.corp/x and http://***@host:1/'],
    ['no credentials at http://host:1/a@b', 'no credentials at http://host:1/a@b'],
    ['mailto-like user@example.com stays', 'mailto-like user@example.com stays'],
  ])('%s', (text, redacted) => {
    expect(redactUrlCredentials(text)).toBe(redacted);
  });
});

describe('a password in the endpoint URL', () => {
  it('is not echoed when the endpoint cannot be reached, even with --verbose', async () => {
    const url = withCredentials(`http://127.0.0.1:${await closedPort()}`);
    for (const output of ['--quiet', '--verbose']) {
      const run = await cli(['audit', '--region', 'eu-west-1', '--endpoint-url', url, output], { env: env() });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('http://***@127.0.0.1:');
      expect(run.stderr).not.toContain(SECRET);
    }
  });

  it('is not echoed when the URL is rejected as a flag or from AWS_ENDPOINT_URL', async () => {
    const flag = await cli(['audit', '--region', 'eu-west-1', '--endpoint-url', `ftp://auditor:${SECRET}@127.0.0.1:9`], { env: env() });
    expect(flag.code).toBe(2);
    expect(flag.errLines).toEqual([expect.stringContaining('"ftp://***@127.0.0.1:9" is not an http(s) URL')]);
    const fromEnv = await cli(['audit', '--region', 'eu-west-1'], { env: env({ AWS_ENDPOINT_URL: `ftp://auditor:${SECRET}@127.0.0.1:9` }) });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).not.toContain(SECRET);
  });

  it('is not echoed when the endpoint is not an AWS API', async () => {
    const fake = await startFakeAws(() => webPage(200));
    fakes.push(fake);
    const run = await cli(['audit', '--region', 'eu-west-1', '--endpoint-url', withCredentials(fake.url), '--quiet'], { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('at http://***@127.0.0.1:');
    expect(run.stderr).not.toContain(SECRET);
  });

  it('is not saved in the snapshot, nor written into reports or coverage entries', async () => {
    // Prepare: an empty account whose target-group listing fails, so the report carries a coverage entry.
    const fake = await startFakeAws((call) =>
      call.api === 'elasticloadbalancing:DescribeTargetGroups' ? errorAnswer(call, 400, 'ValidationError', `bad request to ${withCredentials('http://127.0.0.1:1')}`) : (emptyAccountAnswer(call) ?? webPage(404)),
    );
    fakes.push(fake);
    const dir = mkdtempSync(join(tmpdir(), 'cloud502-redact-'));
    const snapshot = join(dir, 'snap.json');

    // Act
    const run = await cli(
      ['audit', '--region', 'eu-west-1', '--endpoint-url', withCredentials(fake.url), '--save-snapshot', snapshot, '--format', 'json,markdown,text', '--output-dir', dir, '--quiet', '--fail-on', 'none'],
      { env: env() },
    );

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const saved = readFileSync(snapshot, 'utf8');
    expect(saved).toContain(`"endpointUrl": "http://***@127.0.0.1:`);
    for (const file of [snapshot, ...['json', 'md', 'txt'].map((ext) => join(dir, `cloud502-report.${ext}`))]) {
      expect(readFileSync(file, 'utf8'), file).not.toContain(SECRET);
    }
    expect(readFileSync(join(dir, 'cloud502-report.json'), 'utf8')).toContain('bad request to http://***@127.0.0.1:1');
  });
});
