/**
 * The organization functions' cold-start configuration: defaults, every variable, and every bad value rejected with
 * one line that starts with the variable's name.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../../src/audit.js';
import type { CheckRegistry } from '../../../src/engine/index.js';
import { ConfigError } from '../../../src/errors.js';
import { readMergeConfig, readPlanConfig, readStep, readWorkerConfig } from '../../../src/lambda/org/config.js';
import type { Env } from '../../../src/lambda/env.js';

const BASE: Env = { CLOUD502_BUCKET: 'org-reports', AWS_REGION: 'eu-west-1' };

let registry: CheckRegistry;
beforeAll(async () => {
  registry = await defaultRegistry();
});

function errorOf(read: () => unknown): Error {
  try {
    read();
  } catch (err) {
    return err as Error;
  }
  throw new Error('the configuration was accepted');
}

describe('plan configuration', () => {
  it('defaults to the whole organization, every enabled region, the cloud502-audit role', () => {
    expect(readPlanConfig(BASE)).toEqual({
      bucket: 'org-reports',
      prefix: 'cloud502/',
      accounts: { kind: 'organizations', organizationalUnitIds: [], tags: {} },
      skipAccounts: [],
      auditRoleName: 'cloud502-audit',
      regions: 'all',
      homeRegion: 'eu-west-1',
      discoveryConcurrency: 8,
    });
  });

  it('reads every variable', () => {
    const config = readPlanConfig({
      ...BASE,
      CLOUD502_PREFIX: 'audits',
      CLOUD502_ORG_UNITS: 'ou-ab12-cdef3456, r-ab12',
      CLOUD502_ACCOUNT_TAGS: 'env=prod, team = web',
      CLOUD502_SKIP_ACCOUNTS: '111111111111',
      CLOUD502_AUDIT_ROLE_NAME: 'security/cloud502-ro',
      CLOUD502_EXTERNAL_ID: 'ext-1',
      CLOUD502_REGIONS: 'eu-west-1,us-east-1',
      CLOUD502_DISCOVERY_CONCURRENCY: '16',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1',
    });
    expect(config).toEqual({
      bucket: 'org-reports',
      prefix: 'audits/',
      endpointUrl: 'http://127.0.0.1:1',
      accounts: { kind: 'organizations', organizationalUnitIds: ['ou-ab12-cdef3456', 'r-ab12'], tags: { env: 'prod', team: 'web' } },
      skipAccounts: ['111111111111'],
      auditRoleName: 'security/cloud502-ro',
      externalId: 'ext-1',
      regions: ['eu-west-1', 'us-east-1'],
      homeRegion: 'eu-west-1',
      discoveryConcurrency: 16,
    });
    expect(readPlanConfig({ ...BASE, CLOUD502_ACCOUNTS_KEY: 'config/accounts.yml', CLOUD502_REGIONS: 'all' })).toMatchObject({ accounts: { kind: 's3', key: 'config/accounts.yml' }, regions: 'all' });
  });

  it.each([
    ['bucket missing', { AWS_REGION: 'eu-west-1' }, /^CLOUD502_BUCKET: is required/],
    ['home region missing', { CLOUD502_BUCKET: 'b-1' }, /^AWS_REGION: is required/],
    ['region typo', { ...BASE, CLOUD502_REGIONS: 'eu-wset-1' }, /^CLOUD502_REGIONS: unknown AWS region "eu-wset-1"; did you mean "eu-west-1"\?/],
    ['all with names', { ...BASE, CLOUD502_REGIONS: 'all,eu-west-1' }, /^CLOUD502_REGIONS: "all" cannot be combined/],
    ['an OU name', { ...BASE, CLOUD502_ORG_UNITS: 'Engineering' }, /^CLOUD502_ORG_UNITS: "Engineering" is not an organizational unit id/],
    ['a tag without a value separator', { ...BASE, CLOUD502_ACCOUNT_TAGS: 'env' }, /^CLOUD502_ACCOUNT_TAGS: "env" is not key=value/],
    ['an accounts file with a filter', { ...BASE, CLOUD502_ACCOUNTS_KEY: 'a.yml', CLOUD502_ACCOUNT_TAGS: 'env=prod' }, /^CLOUD502_ACCOUNTS_KEY: lists the accounts itself/],
    ['a skipped account that is not an id', { ...BASE, CLOUD502_SKIP_ACCOUNTS: 'management' }, /^CLOUD502_SKIP_ACCOUNTS: "management" is not a 12-digit account id/],
    ['a role name with spaces', { ...BASE, CLOUD502_AUDIT_ROLE_NAME: 'cloud 502' }, /^CLOUD502_AUDIT_ROLE_NAME: "cloud 502" is not an IAM role name/],
    ['a short external id', { ...BASE, CLOUD502_EXTERNAL_ID: 'x' }, /^CLOUD502_EXTERNAL_ID: must be 2 to 1,224 characters/],
    ['discovery concurrency 0', { ...BASE, CLOUD502_DISCOVERY_CONCURRENCY: '0' }, /^CLOUD502_DISCOVERY_CONCURRENCY: must be a whole number from 1 to 64, got "0"$/],
    ['an absolute prefix', { ...BASE, CLOUD502_PREFIX: '/x' }, /^CLOUD502_PREFIX: must not start with "\/"/],
  ])('rejects %s with one line naming the variable', (_name, env, message) => {
    const err = errorOf(() => readPlanConfig(env));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(message);
    expect(err.message).not.toContain('\n');
  });
});

describe('worker and merge configuration', () => {
  it('reads the worker\'s audit settings as the single mode does, and the items of a batch audited at once', () => {
    expect(readWorkerConfig(BASE, registry)).toEqual({ bucket: 'org-reports', prefix: 'cloud502/', metricsWindowSeconds: 86_400, concurrency: 8, auditConfig: { kind: 'none' }, safetyMarginMs: 60_000, itemConcurrency: 4 });
    const config = readWorkerConfig({ ...BASE, CLOUD502_CHECKS: 'timeouts', CLOUD502_CONFIG_KEY: 'c.yml', CLOUD502_ITEM_CONCURRENCY: '2', CLOUD502_METRICS_WINDOW: '0' }, registry);
    expect(config).toMatchObject({ include: ['timeouts'], auditConfig: { kind: 's3', key: 'c.yml' }, itemConcurrency: 2, metricsWindowSeconds: 0 });
    expect(errorOf(() => readWorkerConfig({ ...BASE, CLOUD502_ITEM_CONCURRENCY: '26' }, registry)).message).toBe('CLOUD502_ITEM_CONCURRENCY: must be a whole number from 1 to 25, got "26"');
    expect(errorOf(() => readWorkerConfig({ ...BASE, CLOUD502_CONFIG_JSON: '{', CLOUD502_CONFIG_KEY: 'c' }, registry)).message).toMatch(/^CLOUD502_CONFIG_JSON: set either/);
  });

  it('reads the merge\'s formats (JSON always, md for markdown), topic and severity', () => {
    expect(readMergeConfig(BASE)).toEqual({ bucket: 'org-reports', prefix: 'cloud502/', formats: ['html', 'markdown'], notifySeverity: 'high' });
    expect(readMergeConfig({ ...BASE, CLOUD502_FORMATS: 'json, md ,csv,md', CLOUD502_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111111111111:t', CLOUD502_NOTIFY_SEVERITY: 'critical' })).toEqual({
      bucket: 'org-reports',
      prefix: 'cloud502/',
      formats: ['markdown', 'csv'],
      topicArn: 'arn:aws:sns:eu-west-1:111111111111:t',
      notifySeverity: 'critical',
    });
    expect(errorOf(() => readMergeConfig({ ...BASE, CLOUD502_FORMATS: 'pdf' })).message).toBe('CLOUD502_FORMATS: unknown format "pdf" (json, html, markdown, csv, sarif, junit, text)');
    expect(errorOf(() => readMergeConfig({ ...BASE, CLOUD502_TOPIC_ARN: 'topic' })).message).toMatch(/^CLOUD502_TOPIC_ARN: "topic" is not an SNS topic ARN/);
  });

  it('names the step variable when it is missing or unknown', () => {
    expect(readStep({ CLOUD502_ORG_STEP: 'worker' })).toBe('worker');
    expect(errorOf(() => readStep({})).message).toBe('CLOUD502_ORG_STEP: is required (one of plan, worker, merge)');
    expect(errorOf(() => readStep({ CLOUD502_ORG_STEP: 'all' })).message).toBe('CLOUD502_ORG_STEP: must be one of plan, worker, merge, got "all"');
  });
});
