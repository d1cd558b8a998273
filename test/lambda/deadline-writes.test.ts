/**
 * The Lambda's S3 and SNS calls honour the time it has left: a hung S3 or SNS endpoint (a server on 127.0.0.1 that
 * never answers) fails the invocation with one line before Lambda would kill it, instead of running into the timeout.
 * The audit itself runs against moto (an empty region, af-south-1).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { defaultRegistry } from '../../src/audit.js';
import type { CheckRegistry } from '../../src/engine/index.js';
import { readLambdaConfig } from '../../src/lambda/config.js';
import { EnvConfigError } from '../../src/lambda/env.js';
import { NotifyError, publishNotification } from '../../src/lambda/notify.js';
import { createHandler, loadAuditConfig, WRITE_MARGIN_MS } from '../../src/lambda/run.js';
import { ReportStoreError } from '../../src/lambda/store.js';
import { startFakeAws, type FakeAws } from '../support/fake-aws.js';
import { stubAwsEnv } from './support.js';

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let registry: CheckRegistry;
const fakes: FakeAws[] = [];
const clients: Array<{ destroy(): void }> = [];

beforeAll(async () => {
  registry = await defaultRegistry();
});

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const c of clients.splice(0)) c.destroy();
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function hungEndpoint(): Promise<string> {
  const fake = await startFakeAws(() => 'hang');
  fakes.push(fake);
  return fake.url;
}

function s3(endpoint: string): S3Client {
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  clients.push(client);
  return client;
}

/** A Lambda context whose clock runs: `ms` from now. */
function contextEndingIn(ms: number) {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => end - Date.now(), awsRequestId: 'req-deadline' };
}

describe('the Lambda near its deadline', () => {
  it('gives up a hung S3 write before the deadline, with one line naming the object', async () => {
    // Prepare
    stubAwsEnv();
    const config = await readLambdaConfig(
      { CLOUD502_REGIONS: 'af-south-1', CLOUD502_BUCKET: 'reports', CLOUD502_SAFETY_MARGIN_MS: '1500', CLOUD502_METRICS_WINDOW: '0', AWS_ENDPOINT_URL: inject('motoUrl') },
      registry,
    );
    const hung = s3(await hungEndpoint());
    const handler = createHandler(config, {}, { registry, clients: { s3: () => hung, sns: () => new SNSClient({}) }, log: () => undefined });
    const budgetMs = 6_000;
    const started = Date.now();

    // Act
    const run = handler({}, contextEndingIn(budgetMs));

    // Assess: it fails on its own, before Lambda's deadline, with a line that says what and why.
    await expect(run).rejects.toBeInstanceOf(ReportStoreError);
    await expect(run).rejects.toThrow(/^cannot write s3:\/\/reports\/cloud502\/\d{4}\/\d\d\/\d\d\/[^ ]+\/report\.html: S3 did not answer before the Lambda deadline \(S3 and SNS calls stopped 1000 ms before/);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(budgetMs);
    expect(elapsed).toBeGreaterThanOrEqual(budgetMs - WRITE_MARGIN_MS - 1_500);
  });

  it('gives up a hung SNS publish at the deadline signal, with one line naming the topic', async () => {
    const sns = new SNSClient({ endpoint: await hungEndpoint(), region: 'eu-west-1', credentials });
    clients.push(sns);
    const started = Date.now();
    const publish = publishNotification(sns, 'arn:aws:sns:eu-west-1:123456789012:cloud502', { subject: 's', message: 'm', findings: [], raised: [] }, 'k', AbortSignal.timeout(300));
    await expect(publish).rejects.toBeInstanceOf(NotifyError);
    await expect(publish).rejects.toThrow(/^cannot publish to arn:aws:sns:eu-west-1:123456789012:cloud502: SNS did not answer before the Lambda deadline/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('gives up a hung read of the config file at cold start, naming the variable', async () => {
    const hung = s3(await hungEndpoint());
    const started = Date.now();
    const load = loadAuditConfig({ kind: 's3', key: 'cloud502.yml' }, 'reports', registry, { s3: () => hung, sns: () => new SNSClient({}) }, 300);
    await expect(load).rejects.toBeInstanceOf(EnvConfigError);
    await expect(load).rejects.toThrow(/^CLOUD502_CONFIG_KEY: cannot read s3:\/\/reports\/cloud502\.yml: S3 did not answer before the Lambda deadline/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
