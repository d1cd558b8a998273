/**
 * collectAws with the real SDK clients, credential chain and HTTP handler against small servers on
 * 127.0.0.1: the failures that must stop a run with one clear line, and the retry settings.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectAws } from '../../../../providers/aws/collect/index.js';
import { CollectionError, ConfigError, CredentialsError } from '../../../../src/errors.js';

interface Seen {
  service: string;
  action: string;
}

/** A fake AWS endpoint: routes on the SigV4 scope and the query Action, records what it saw. */
async function fakeAws(answer: (req: Seen) => { status: number; body: string }): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const service = /\/[^/]+\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '')?.[1] ?? '?';
      const params = new URLSearchParams(body);
      const action = `${params.get('Action') ?? '?'}@${params.get('Version') ?? ''}`;
      const request = { service, action };
      seen.push(request);
      const { status, body: out } = answer(request);
      res.writeHead(status, { 'content-type': 'text/xml' }).end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const errorXml = (code: string, message: string) =>
  `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r1</RequestId></ErrorResponse>`;
const callerIdentity =
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
  '<Arn>arn:aws:iam::123456789012:user/auditor</Arn><UserId>AIDAFAKE</UserId><Account>123456789012</Account>' +
  '</GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>';
const emptyTargetGroups =
  '<DescribeTargetGroupsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTargetGroupsResult><TargetGroups/></DescribeTargetGroupsResult></DescribeTargetGroupsResponse>';
const emptyClassic =
  '<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/"><DescribeLoadBalancersResult><LoadBalancerDescriptions/></DescribeLoadBalancersResult></DescribeLoadBalancersResponse>';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const servers: Server[] = [];

beforeEach(() => {
  // No real credentials, no instance metadata, no ambient endpoint: everything the test needs is explicit.
  const dir = mkdtempSync(join(tmpdir(), 'cloud502-aws-'));
  writeFileSync(join(dir, 'config'), '[profile other]\nregion = eu-west-2\n');
  writeFileSync(join(dir, 'credentials'), '[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other\n');
  vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAFAKE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'fake');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('CLOUD502_AWS_MAX_ATTEMPTS', '1');
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const base = { metricsWindowSeconds: 0, now: new Date('2026-01-15T12:00:00.000Z') };

describe('collectAws over the wire', () => {
  it('fails with one CollectionError line when the endpoint refuses connections', async () => {
    const endpointUrl = `http://127.0.0.1:${await closedPort()}`;
    const run = collectAws({ ...base, regions: ['eu-west-3'], endpointUrl });
    await expect(run).rejects.toBeInstanceOf(CollectionError);
    await expect(run).rejects.toThrow(`cannot reach AWS sts at ${endpointUrl} for region eu-west-3 (ECONNREFUSED); check --endpoint-url / AWS_ENDPOINT_URL`);
  });

  it('fails with a CredentialsError naming an unknown profile and the fix', async () => {
    const endpointUrl = `http://127.0.0.1:${await closedPort()}`;
    const run = collectAws({ ...base, regions: ['eu-west-3'], endpointUrl, profile: 'prod' });
    await expect(run).rejects.toBeInstanceOf(CredentialsError);
    await expect(run).rejects.toThrow(/^AWS credentials from profile "prod" cannot be used \(CredentialsProviderError: .*\); run "aws sso login --profile prod"/);
  });

  it('fails with a CredentialsError when AWS says the token expired', async () => {
    const fake = await fakeAws(() => ({ status: 403, body: errorXml('ExpiredToken', 'The security token included in the request is expired') }));
    servers.push(fake.server);
    const run = collectAws({ ...base, regions: ['eu-west-3'], endpointUrl: fake.url });
    await expect(run).rejects.toBeInstanceOf(CredentialsError);
    await expect(run).rejects.toThrow(/have expired \(ExpiredToken: The security token included in the request is expired\)/);
    expect(fake.seen).toEqual([{ service: 'sts', action: 'GetCallerIdentity@2011-06-15' }]);
  });

  it('retries throttling CLOUD502_AWS_MAX_ATTEMPTS times, then records it and goes on', async () => {
    vi.stubEnv('CLOUD502_AWS_MAX_ATTEMPTS', '3');
    const fake = await fakeAws(({ service, action }) => {
      if (service === 'sts') return { status: 200, body: callerIdentity };
      if (action === 'DescribeLoadBalancers@2015-12-01') return { status: 400, body: errorXml('Throttling', 'Rate exceeded') };
      if (action === 'DescribeTargetGroups@2015-12-01') return { status: 200, body: emptyTargetGroups };
      if (action === 'DescribeLoadBalancers@2012-06-01') return { status: 200, body: emptyClassic };
      return { status: 500, body: errorXml('Unexpected', action) };
    });
    servers.push(fake.server);

    const raw = await collectAws({ ...base, regions: ['eu-west-3'], endpointUrl: fake.url });

    expect(fake.seen.filter((s) => s.action === 'DescribeLoadBalancers@2015-12-01')).toHaveLength(3);
    expect(raw.regions[0]!.account).toBe('123456789012');
    expect(raw.regions[0]!.errors).toEqual([
      { api: 'elasticloadbalancing:DescribeLoadBalancers', region: 'eu-west-3', code: 'Throttling', message: 'Rate exceeded (gave up after 3 attempts)', httpStatus: 400 },
    ]);
  });

  it('rejects a bad CLOUD502_AWS_MAX_ATTEMPTS', async () => {
    vi.stubEnv('CLOUD502_AWS_MAX_ATTEMPTS', 'many');
    await expect(collectAws({ ...base, regions: ['eu-west-3'] })).rejects.toThrow(ConfigError);
  });

  it('asks for --region when neither the options, the environment nor the profile name one', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    const run = collectAws({ ...base, endpointUrl: `http://127.0.0.1:${await closedPort()}` });
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toThrow(/pass --region/);
  });
});
