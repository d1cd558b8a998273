/**
 * The organization mode's settings from CDK context (`-c key=value`), for app.ts. Keys:
 *
 * regions (`all`, default, or a list), accountsKey, organizationalUnits, accountTags (`key=value,…`), skipAccounts,
 * auditRoleName, externalId, schedule (30m, 6h, 1d; default 1d), checks, skipChecks, metricsWindow, notifySeverity,
 * notificationEmail, configKey, prefix, formats, maxConcurrency, itemsPerBatch, memberRoleOus (deploy the member
 * role with a service-managed StackSet to these OUs), memberRoleCallAs (SELF or DELEGATED_ADMIN),
 * bundleDir (default dist/lambda-org).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { packageRoot } from '../../audit.js';
import { parseDuration } from '../../config/values.js';
import { SEVERITIES, type Severity } from '../../engine/index.js';
import { isReportFormat, type ReportFormat } from '../../report/render.js';
import { LAMBDA_BUNDLE_FILE } from './bundle.js';
import type { Cloud502OrgAuditStackProps } from './org-stack.js';

export type ContextReader = (key: string) => string | undefined;

function list(read: ContextReader, key: string): string[] | undefined {
  const items = read(key)?.split(',').map((s) => s.trim()).filter(Boolean);
  return items?.length ? items : undefined;
}

function whole(read: ContextReader, key: string, min: number, max: number): number | undefined {
  const value = read(key);
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`cloud502 deploy: ${key} must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** @throws Error with one line naming the context key at fault. */
export function orgStackProps(read: ContextReader): Cloud502OrgAuditStackProps {
  const bundleDir = read('bundleDir') ?? join(packageRoot(), 'dist', 'lambda-org');
  if (!existsSync(join(bundleDir, LAMBDA_BUNDLE_FILE))) throw new Error(`cloud502 deploy: no bundle in ${bundleDir}; run "npm run build:lambda" first`);
  const severity = read('notifySeverity');
  if (severity !== undefined && !(SEVERITIES as readonly string[]).includes(severity)) {
    throw new Error(`cloud502 deploy: notifySeverity must be one of ${SEVERITIES.join(', ')}, got "${severity}"`);
  }
  const formats = list(read, 'formats')?.map((f) => (f === 'md' ? 'markdown' : f));
  const badFormat = formats?.find((f) => !isReportFormat(f));
  if (badFormat !== undefined) throw new Error(`cloud502 deploy: unknown format "${badFormat}" (html, markdown, csv, sarif, junit, text)`);
  const tags: Record<string, string> = {};
  for (const pair of list(read, 'accountTags') ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`cloud502 deploy: accountTags entry "${pair}" is not key=value`);
    tags[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  const callAs = read('memberRoleCallAs');
  if (callAs !== undefined && callAs !== 'SELF' && callAs !== 'DELEGATED_ADMIN') throw new Error(`cloud502 deploy: memberRoleCallAs must be SELF or DELEGATED_ADMIN, got "${callAs}"`);
  const regions = list(read, 'regions');
  const schedule = read('schedule');
  const memberOus = list(read, 'memberRoleOus');
  const opt = <K extends keyof Cloud502OrgAuditStackProps>(key: K, value: Cloud502OrgAuditStackProps[K] | undefined): Partial<Cloud502OrgAuditStackProps> =>
    value === undefined ? {} : ({ [key]: value } as Partial<Cloud502OrgAuditStackProps>);
  return {
    bundleDir,
    regions: regions === undefined || (regions.length === 1 && regions[0] === 'all') ? 'all' : regions,
    ...opt('accountsKey', read('accountsKey')),
    ...opt('organizationalUnits', list(read, 'organizationalUnits')),
    ...opt('accountTags', Object.keys(tags).length ? tags : undefined),
    ...opt('skipAccounts', list(read, 'skipAccounts')),
    ...opt('auditRoleName', read('auditRoleName')),
    ...opt('externalId', read('externalId')),
    ...opt('scheduleRate', schedule === undefined ? undefined : Duration.seconds(parseDuration(schedule))),
    ...opt('checks', list(read, 'checks')),
    ...opt('skipChecks', list(read, 'skipChecks')),
    ...opt('metricsWindow', read('metricsWindow')),
    ...opt('notifySeverity', severity as Severity | undefined),
    ...opt('notificationEmail', read('notificationEmail')),
    ...opt('configKey', read('configKey')),
    ...opt('prefix', read('prefix')),
    ...opt('formats', formats as ReportFormat[] | undefined),
    ...opt('maxConcurrency', whole(read, 'maxConcurrency', 1, 10_000)),
    ...opt('itemsPerBatch', whole(read, 'itemsPerBatch', 1, 100)),
    ...opt('memberRoleStackSet', memberOus ? { organizationalUnitIds: memberOus, ...(callAs ? { callAs } : {}) } : undefined),
  };
}
