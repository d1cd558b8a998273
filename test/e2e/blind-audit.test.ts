/**
 * Never green when blind: the built CLI against fake endpoints on 127.0.0.1 that fail the way real ones do. Each of
 * these audits saw no load balancer at all; each used to exit 0 with "No load balancers found" and "0 passed". Now
 * each is exit 2 with one line naming the cause, while a genuinely empty account stays exit 0.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expectOneLineError } from '../cli/support/run-cli.js';
import { cli } from '../support/built-cli.js';
import { emptyAccountAnswer, errorAnswer, startFakeAws, throttlingAnswer, truncatedXml, webPage, type FakeAnswer, type FakeAws, type ProxiedCall } from '../support/fake-aws.js';

const fakes: FakeAws[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** No ambient profile, credentials file or instance metadata: only what the test gives. */
const env = (extra: Record<string, string> = {}) => ({
  AWS_ACCESS_KEY_ID: 'AKIAFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake',
  AWS_SESSION_TOKEN: undefined,
  AWS_CONFIG_FILE: '/nonexistent/cloud502-test-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/cloud502-test-credentials',
  AWS_REGION: undefined,
  AWS_DEFAULT_REGION: undefined,
  ...extra,
});

/** An empty account, except where `fault` answers. */
const emptyAccountExcept = (fault: (call: ProxiedCall) => FakeAnswer | undefined) => (call: ProxiedCall): FakeAnswer =>
  fault(call) ?? emptyAccountAnswer(call) ?? errorAnswer(call, 400, 'InvalidAction', `unexpected ${call.api}`);

const isListing = (call: ProxiedCall) => call.api.endsWith(':DescribeLoadBalancers');
const ROLE_A = 'arn:aws:iam::111111111111:role/cloud502-audit';
const ROLE_B = 'arn:aws:iam::222222222222:role/cloud502-audit';

interface BlindCase {
  name: string;
  answer: (call: ProxiedCall) => FakeAnswer;
  args?: string[];
  env?: Record<string, string>;
  /** What the one line must say. */
  says: RegExp;
}

const blind: BlindCase[] = [
  { name: 'the endpoint is a plain web server (HTTP 200 pages)', answer: () => webPage(200), says: /did not answer as the AWS API \(MalformedResponse: the answer has no Account/ },
  {
    name: 'every call answers HTTP 500 with a page',
    answer: () => webPage(500),
    env: { CLOUD502_AWS_MAX_ATTEMPTS: '2' },
    says: /did not answer as the AWS API \(HTTP500: HTTP 500 \(Internal Server Error\) without an AWS error code\)/,
  },
  {
    name: 'every call answers malformed XML',
    answer: () => truncatedXml(200),
    says: /did not answer as the AWS API \(MalformedResponse: the HTTP 200 \(OK\) answer is not a valid AWS response \(XML parse error: missing closing tag <\/member>\.\)\); check --endpoint-url \/ AWS_ENDPOINT_URL$/,
  },
  {
    name: 'the load-balancer listings are throttled beyond the retry budget',
    answer: emptyAccountExcept((call) => (isListing(call) ? throttlingAnswer(call) : undefined)),
    env: { CLOUD502_AWS_MAX_ATTEMPTS: '2' },
    says: /^cloud502: nothing was audited: no load-balancer listing succeeded — elasticloadbalancing:DescribeLoadBalancers Throttling: Rate exceeded \(gave up after 2 attempts\) \(aws 123456789012 eu-west-1\)$/,
  },
  {
    name: 'DescribeLoadBalancers is denied',
    answer: emptyAccountExcept((call) => (isListing(call) ? errorAnswer(call, 403, 'AccessDenied', 'not authorized to perform elasticloadbalancing:DescribeLoadBalancers') : undefined)),
    says: /nothing was audited: no load-balancer listing succeeded — elasticloadbalancing:DescribeLoadBalancers AccessDenied: .*; grant elasticloadbalancing:DescribeLoadBalancers/,
  },
  {
    name: 'AssumeRole is denied for every role',
    args: ['--role-arn', ROLE_A, '--role-arn', ROLE_B],
    answer: emptyAccountExcept((call) => (call.api === 'sts:AssumeRole' ? errorAnswer(call, 403, 'AccessDenied', 'not authorized to perform sts:AssumeRole') : undefined)),
    says: /nothing was audited: .*sts:AssumeRole AccessDenied: not authorized to perform sts:AssumeRole; grant sts:AssumeRole \(every scope: aws 111111111111 eu-west-1, aws 222222222222 eu-west-1\)/,
  },
  {
    name: 'DescribeRegions is denied with --all-regions',
    args: ['--all-regions'],
    answer: emptyAccountExcept((call) => (call.api === 'ec2:DescribeRegions' ? errorAnswer(call, 403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.') : undefined)),
    says: /nothing was audited: .*ec2:DescribeRegions UnauthorizedOperation: You are not authorized to perform this operation\.; grant ec2:DescribeRegions/,
  },
  {
    name: 'the deadline passes before anything answers',
    args: ['--timeout', '2s'],
    answer: () => 'hang',
    says: /nothing was audited: no load-balancer listing succeeded — elasticloadbalancing:DescribeLoadBalancers DeadlineExceeded: not collected: the audit deadline passed first/,
  },
];

describe('an audit that audited nothing', () => {
  it.each(blind)('is exit 2 with one line when $name', async ({ answer, args = [], env: extra = {}, says }) => {
    // Prepare
    const fake = await startFakeAws(answer);
    fakes.push(fake);
    // --all-regions cannot be combined with --region: the home region comes from the environment then.
    const region = args.includes('--all-regions') ? [] : ['--region', 'eu-west-1'];
    const started = Date.now();

    // Act
    const run = await cli(['audit', ...region, '--endpoint-url', fake.url, '--quiet', ...args], { env: env({ AWS_REGION: 'eu-west-1', ...extra }) });

    // Assess
    expectOneLineError(run, 'cloud502: ');
    expect(run.errLines[0]).toMatch(says);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('is still exit 0 for an account that really has no load balancer (the listings answered, empty)', async () => {
    const fake = await startFakeAws(emptyAccountExcept(() => undefined));
    fakes.push(fake);
    const run = await cli(['audit', '--region', 'eu-west-1', '--endpoint-url', fake.url, '--quiet', '--format', 'json', '--fail-on-coverage-gap'], { env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { summary: { coverage: string; failedScopes: unknown[]; loadBalancers: number } };
    expect(report.summary).toMatchObject({ coverage: 'complete', failedScopes: [], loadBalancers: 0 });
  });
});

describe('a collection that collected nothing', () => {
  it('writes the snapshot (for a bug report) but exits 2 with one line saying it is empty', async () => {
    const fake = await startFakeAws(emptyAccountExcept((call) => (isListing(call) ? errorAnswer(call, 403, 'AccessDenied', 'denied') : undefined)));
    fakes.push(fake);
    const out = join(mkdtempSync(join(tmpdir(), 'cloud502-blind-')), 'snap.json');
    const run = await cli(['collect', '--region', 'eu-west-1', '--endpoint-url', fake.url, '--out', out, '--quiet'], { env: env() });
    expectOneLineError(run, 'cloud502: nothing was collected: no load-balancer listing succeeded — elasticloadbalancing:DescribeLoadBalancers AccessDenied: denied');
    expect(run.errLines[0]).toMatch(/\(snapshot written to .*snap\.json anyway\)$/);
    expect(existsSync(out)).toBe(true);
  });
});
