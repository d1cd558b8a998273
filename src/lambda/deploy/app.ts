/**
 * The CDK app of the scheduled audit. Settings come from CDK context (`-c key=value`):
 *
 *   npm run build:lambda
 *   npx aws-cdk@2 deploy --app 'node dist/src/lambda/deploy/app.js' \
 *     -c regions=eu-west-1,us-east-1 -c schedule=6h -c notificationEmail=ops@example.com
 *
 * Keys: regions (required), roleArns, externalId, schedule (30m, 6h, 1d; default 1d), checks, skipChecks,
 * metricsWindow, notifySeverity, notificationEmail, configKey, prefix, stackName (default Cloud502Audit),
 * bundleDir (default dist/lambda). The stack is environment-agnostic unless CDK_DEFAULT_ACCOUNT/REGION are set.
 *
 * `-c mode=organization` deploys the organization audit instead (Step Functions Distributed Map; stack name default
 * Cloud502OrgAudit); its keys are in org-app.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration } from 'aws-cdk-lib';
import { packageRoot } from '../../audit.js';
import { parseDuration } from '../../config/values.js';
import { SEVERITIES, type Severity } from '../../engine/index.js';
import { LAMBDA_BUNDLE_FILE } from './bundle.js';
import { orgStackProps } from './org-app.js';
import { Cloud502OrgAuditStack } from './org-stack.js';
import { Cloud502AuditStack } from './stack.js';

const app = new App();

function context(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value).trim();
}

function list(key: string): string[] | undefined {
  const items = context(key)?.split(',').map((s) => s.trim()).filter(Boolean);
  return items?.length ? items : undefined;
}

const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const env = account && region ? { env: { account, region } } : {};
const mode = context('mode') ?? 'single';
if (mode !== 'single' && mode !== 'organization') throw new Error(`cloud502 deploy: mode must be single or organization, got "${mode}"`);

if (mode === 'organization') {
  new Cloud502OrgAuditStack(app, context('stackName') ?? 'Cloud502OrgAudit', { ...orgStackProps(context), ...env });
} else {
  const regions = list('regions');
  if (!regions) throw new Error('cloud502 deploy: pass the regions to audit, e.g. -c regions=eu-west-1,us-east-1');
  const bundleDir = context('bundleDir') ?? join(packageRoot(), 'dist', 'lambda');
  if (!existsSync(join(bundleDir, LAMBDA_BUNDLE_FILE))) throw new Error(`cloud502 deploy: no bundle in ${bundleDir}; run "npm run build:lambda" first`);
  const severity = context('notifySeverity');
  if (severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity)) {
    throw new Error(`cloud502 deploy: notifySeverity must be one of ${SEVERITIES.join(', ')}, got "${severity}"`);
  }
  const schedule = context('schedule');

  const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

  new Cloud502AuditStack(app, context('stackName') ?? 'Cloud502Audit', {
    bundleDir,
    regions,
    ...env,
    ...optional('roleArns', list('roleArns')),
    ...optional('externalId', context('externalId')),
    ...optional('scheduleRate', schedule === undefined ? undefined : Duration.seconds(parseDuration(schedule))),
    ...optional('checks', list('checks')),
    ...optional('skipChecks', list('skipChecks')),
    ...optional('metricsWindow', context('metricsWindow')),
    ...optional('notifySeverity', severity as Severity | undefined),
    ...optional('notificationEmail', context('notificationEmail')),
    ...optional('configKey', context('configKey')),
    ...optional('prefix', context('prefix')),
  });
}

app.synth();
