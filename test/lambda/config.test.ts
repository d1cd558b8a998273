/**
 * The Lambda's cold-start configuration: every variable parsed, defaults applied, and every bad value rejected with
 * one line that starts with the variable's name.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../src/audit.js';
import type { CheckRegistry } from '../../src/engine/index.js';
import { ConfigError } from '../../src/errors.js';
import { readLambdaConfig } from '../../src/lambda/config.js';
import type { Env } from '../../src/lambda/env.js';

const KEEPALIVE = 'timeouts/backend-keepalive-exceeds-idle-timeout';
const BASE: Env = { CLOUD502_REGIONS: 'eu-west-1', CLOUD502_BUCKET: 'audit-reports' };

let registry: CheckRegistry;
beforeAll(async () => {
  registry = await defaultRegistry();
});

async function errorOf(env: Env): Promise<Error> {
  try {
    await readLambdaConfig(env, registry);
  } catch (err) {
    return err as Error;
  }
  throw new Error('readLambdaConfig accepted the environment');
}

describe('readLambdaConfig', () => {
  it('applies the defaults to the two required variables', async () => {
    // Act
    const config = await readLambdaConfig(BASE, registry);
    // Assess
    expect(config).toEqual({
      regions: ['eu-west-1'],
      roleArns: [],
      metricsWindowSeconds: 86_400,
      concurrency: 8,
      bucket: 'audit-reports',
      prefix: 'cloud502/',
      notifySeverity: 'high',
      auditConfig: { kind: 'none' },
      safetyMarginMs: 60_000,
    });
  });

  it('reads every variable', async () => {
    // Prepare
    const env: Env = {
      ...BASE,
      CLOUD502_REGIONS: ' eu-west-1 , us-east-1,eu-west-1 ',
      CLOUD502_ROLE_ARNS: 'arn:aws:iam::111111111111:role/audit,arn:aws:iam::222222222222:role/ops/audit',
      CLOUD502_EXTERNAL_ID: 'shared-secret-1',
      CLOUD502_CHECKS: 'timeouts,health',
      CLOUD502_SKIP_CHECKS: 'health/check-disabled',
      CLOUD502_METRICS_WINDOW: '6h',
      CLOUD502_CONCURRENCY: '16',
      CLOUD502_PREFIX: 'reports/prod',
      CLOUD502_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:cloud502',
      CLOUD502_NOTIFY_SEVERITY: 'medium',
      CLOUD502_CONFIG_JSON: JSON.stringify({ checks: { [KEEPALIVE]: { severity: 'critical', thresholds: { marginSeconds: 2 } } } }),
      CLOUD502_SAFETY_MARGIN_MS: '90000',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
    };
    // Act
    const config = await readLambdaConfig(env, registry);
    // Assess
    expect(config).toEqual({
      regions: ['eu-west-1', 'us-east-1'],
      roleArns: ['arn:aws:iam::111111111111:role/audit', 'arn:aws:iam::222222222222:role/ops/audit'],
      externalId: 'shared-secret-1',
      include: ['timeouts', 'health'],
      exclude: ['health/check-disabled'],
      metricsWindowSeconds: 21_600,
      concurrency: 16,
      bucket: 'audit-reports',
      prefix: 'reports/prod/',
      topicArn: 'arn:aws:sns:eu-west-1:111111111111:cloud502',
      notifySeverity: 'medium',
      auditConfig: { kind: 'inline', config: { checks: { [KEEPALIVE]: { severity: 'critical', thresholds: { marginSeconds: 2 } } } } },
      safetyMarginMs: 90_000,
      endpointUrl: 'http://127.0.0.1:5000',
    });
  });

  it('takes the config from an S3 key and disables metrics with a window of 0', async () => {
    const config = await readLambdaConfig({ ...BASE, CLOUD502_CONFIG_KEY: 'config/cloud502.yml', CLOUD502_METRICS_WINDOW: '0' }, registry);
    expect(config.auditConfig).toEqual({ kind: 's3', key: 'config/cloud502.yml' });
    expect(config.metricsWindowSeconds).toBe(0);
  });

  it('accepts any well-formed region behind an endpoint override (emulators), as the CLI does', async () => {
    const config = await readLambdaConfig({ ...BASE, CLOUD502_REGIONS: 'local-test-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' }, registry);
    expect(config.regions).toEqual(['local-test-1']);
  });

  const invalid: Array<{ name: string; env: Env; message: RegExp }> = [
    { name: 'regions missing', env: { CLOUD502_BUCKET: 'b-1' }, message: /^CLOUD502_REGIONS: is required \(comma-separated AWS regions/ },
    { name: 'regions blank', env: { ...BASE, CLOUD502_REGIONS: ' , ' }, message: /^CLOUD502_REGIONS: is required/ },
    { name: 'region typo', env: { ...BASE, CLOUD502_REGIONS: 'eu-west-1,eu-wset-1' }, message: /^CLOUD502_REGIONS: unknown AWS region "eu-wset-1"; did you mean "eu-west-1"\?/ },
    { name: 'region malformed', env: { ...BASE, CLOUD502_REGIONS: 'EU_WEST_1' }, message: /^CLOUD502_REGIONS: invalid AWS region "EU_WEST_1"/ },
    { name: 'bucket missing', env: { CLOUD502_REGIONS: 'eu-west-1' }, message: /^CLOUD502_BUCKET: is required \(the S3 bucket the reports are written to\)$/ },
    { name: 'bucket malformed', env: { ...BASE, CLOUD502_BUCKET: 'Audit_Reports' }, message: /^CLOUD502_BUCKET: "Audit_Reports" is not an S3 bucket name$/ },
    { name: 'role ARN malformed', env: { ...BASE, CLOUD502_ROLE_ARNS: 'arn:aws:iam::1234:role/x' }, message: /^CLOUD502_ROLE_ARNS: .*is not an IAM role ARN/ },
    { name: 'external id without roles', env: { ...BASE, CLOUD502_EXTERNAL_ID: 'abc' }, message: /^CLOUD502_EXTERNAL_ID: is only used with CLOUD502_ROLE_ARNS/ },
    {
      name: 'external id malformed',
      env: { ...BASE, CLOUD502_ROLE_ARNS: 'arn:aws:iam::111111111111:role/a', CLOUD502_EXTERNAL_ID: 'x' },
      message: /^CLOUD502_EXTERNAL_ID: .*external id must be 2 to 1,224 characters/,
    },
    { name: 'unknown check', env: { ...BASE, CLOUD502_CHECKS: 'timeouts/no-such-check' }, message: /^CLOUD502_CHECKS: .*timeouts\/no-such-check/ },
    { name: 'unknown skipped check', env: { ...BASE, CLOUD502_SKIP_CHECKS: 'nonsense' }, message: /^CLOUD502_SKIP_CHECKS: .*nonsense/ },
    { name: 'metrics window unparseable', env: { ...BASE, CLOUD502_METRICS_WINDOW: '1 day' }, message: /^CLOUD502_METRICS_WINDOW: Expected a duration like 30m/ },
    { name: 'metrics window too long', env: { ...BASE, CLOUD502_METRICS_WINDOW: '64d' }, message: /^CLOUD502_METRICS_WINDOW: The window must be at most 63d/ },
    { name: 'concurrency zero', env: { ...BASE, CLOUD502_CONCURRENCY: '0' }, message: /^CLOUD502_CONCURRENCY: must be a whole number from 1 to 256, got "0"$/ },
    { name: 'prefix absolute', env: { ...BASE, CLOUD502_PREFIX: '/reports/' }, message: /^CLOUD502_PREFIX: must not start with "\/"/ },
    { name: 'topic not an ARN', env: { ...BASE, CLOUD502_TOPIC_ARN: 'cloud502-topic' }, message: /^CLOUD502_TOPIC_ARN: "cloud502-topic" is not an SNS topic ARN/ },
    { name: 'severity unknown', env: { ...BASE, CLOUD502_NOTIFY_SEVERITY: 'urgent' }, message: /^CLOUD502_NOTIFY_SEVERITY: must be one of critical, high, medium, low, info, got "urgent"$/ },
    { name: 'config not JSON', env: { ...BASE, CLOUD502_CONFIG_JSON: '{checks:' }, message: /^CLOUD502_CONFIG_JSON: is not valid JSON/ },
    {
      name: 'config with an unknown threshold',
      env: { ...BASE, CLOUD502_CONFIG_JSON: JSON.stringify({ checks: { [KEEPALIVE]: { thresholds: { marginSecs: 2 } } } }) },
      message: /^config CLOUD502_CONFIG_JSON: checks\.timeouts\/backend-keepalive-exceeds-idle-timeout\.thresholds\.marginSecs: /,
    },
    {
      name: 'config in both places',
      env: { ...BASE, CLOUD502_CONFIG_JSON: '{}', CLOUD502_CONFIG_KEY: 'c.yml' },
      message: /^CLOUD502_CONFIG_JSON: set either CLOUD502_CONFIG_JSON or CLOUD502_CONFIG_KEY, not both$/,
    },
    { name: 'safety margin not a number', env: { ...BASE, CLOUD502_SAFETY_MARGIN_MS: '60s' }, message: /^CLOUD502_SAFETY_MARGIN_MS: must be a whole number from 1000 to 600000 milliseconds, got "60s"$/ },
    { name: 'endpoint not a URL', env: { ...BASE, AWS_ENDPOINT_URL: 'localhost:4566' }, message: /^AWS_ENDPOINT_URL: "localhost:4566" is not an http\(s\) URL$/ },
  ];

  it.each(invalid)('rejects $name with one line naming the variable', async ({ env, message }) => {
    // Act
    const err = await errorOf(env);
    // Assess
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
  });
});
