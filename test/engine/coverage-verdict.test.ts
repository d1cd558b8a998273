/**
 * The coverage verdict, table-driven over inventories: complete, partial (a failed scope, a deadline, a per-resource
 * gap), and nothing audited; and the line the text report opens a partial audit with.
 */
import { describe, expect, it } from 'vitest';
import { judgeCoverage, partialAuditLine, assertSomethingAudited, coverageSummary } from '../../src/engine/coverage-verdict.js';
import { NothingAuditedError } from '../../src/errors.js';
import type { CoverageGap, Inventory } from '../../src/model/index.js';
import { buildReport } from '../../src/report/json.js';
import { renderText } from '../../src/report/text.js';
import { ACCOUNT, COLLECTED_AT, inventory, loadBalancer } from '../support/builders.js';

const scope = (region: string, account = ACCOUNT) => ({ provider: 'aws' as const, account, region });
const gap = (region: string, api: string, code: string, extra: Partial<CoverageGap> = {}): CoverageGap => ({
  provider: 'aws',
  account: ACCOUNT,
  region,
  api,
  code,
  message: `${code} message`,
  ...(code === 'AccessDenied' ? { permission: api } : {}),
  ...extra,
});
const LISTING = 'elasticloadbalancing:DescribeLoadBalancers';
const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
const azureScope = (region: string) => ({ provider: 'azure' as const, account: SUBSCRIPTION, region });
/** An Azure 403 as its normalizer records it: the operation id, the subscription, no location unless --location. */
const azureGap = (operation: string, account: string | undefined): CoverageGap => ({
  provider: 'azure',
  ...(account ? { account } : {}),
  api: operation,
  code: 'AuthorizationFailed',
  message: 'The client does not have authorization',
  permission: operation.startsWith('Subscriptions') ? 'Microsoft.Resources/subscriptions/read' : `Microsoft.Network/${operation.startsWith('Load') ? 'loadBalancers' : 'applicationGateways'}/read`,
});
const lb = loadBalancer('web');

interface Row {
  name: string;
  inv: Partial<Inventory>;
  coverage: 'complete' | 'partial';
  failed: string[];
  reason?: RegExp;
  nothing?: RegExp;
}

const rows: Row[] = [
  { name: 'every call answered', inv: { scopes: [scope('eu-west-1')], loadBalancers: [lb] }, coverage: 'complete', failed: [] },
  { name: 'an empty account whose listings answered', inv: { scopes: [scope('eu-west-1')] }, coverage: 'complete', failed: [] },
  {
    name: 'one gap about one resource',
    inv: { scopes: [scope('eu-west-1')], loadBalancers: [lb], coverage: [gap('eu-west-1', 'elasticloadbalancing:DescribeTargetHealth', 'AccessDenied', { resourceId: 'arn:tg' })] },
    coverage: 'partial',
    failed: [],
    reason: /^1 coverage gap \(elasticloadbalancing:DescribeTargetHealth AccessDenied\): checks that needed that data answer "unknown"$/,
  },
  {
    name: 'the listing denied in one of two regions',
    inv: { scopes: [scope('eu-west-1'), scope('us-east-1')], loadBalancers: [lb], coverage: [gap('us-east-1', LISTING, 'AccessDenied')] },
    coverage: 'partial',
    failed: ['us-east-1'],
    reason: /^the load-balancer listing failed in 1 of 2 scopes \(elasticloadbalancing:DescribeLoadBalancers AccessDenied: AccessDenied message; grant elasticloadbalancing:DescribeLoadBalancers \(aws 123456789012 us-east-1\)\)$/,
  },
  {
    name: 'the deadline after the listing',
    inv: {
      scopes: [scope('eu-west-1')],
      loadBalancers: [lb],
      coverage: [gap('eu-west-1', 'cloud502:deadline', 'DeadlineExceeded'), gap('eu-west-1', 'elasticloadbalancing:DescribeTargetHealth', 'DeadlineExceeded', { resourceId: 'arn:tg' })],
    },
    coverage: 'partial',
    failed: [],
    reason: /^collection stopped at the audit deadline in aws 123456789012 eu-west-1; 1 other coverage gap \(elasticloadbalancing:DescribeTargetHealth DeadlineExceeded\)/,
  },
  {
    name: 'the Classic listing denied while the ELBv2 one found load balancers',
    inv: { scopes: [scope('eu-west-1')], loadBalancers: [lb], coverage: [gap('eu-west-1', LISTING, 'AccessDenied')] },
    coverage: 'partial',
    failed: ['eu-west-1'],
  },
  {
    name: 'the listing denied in the only region',
    inv: { scopes: [scope('eu-west-1')], coverage: [gap('eu-west-1', LISTING, 'AccessDenied')] },
    coverage: 'partial',
    failed: ['eu-west-1'],
    nothing: /^nothing was audited: no load-balancer listing succeeded — elasticloadbalancing:DescribeLoadBalancers AccessDenied: AccessDenied message; grant elasticloadbalancing:DescribeLoadBalancers \(aws 123456789012 eu-west-1\)$/,
  },
  {
    name: 'AssumeRole denied for both roles',
    inv: {
      scopes: [scope('eu-west-1', '111111111111'), scope('eu-west-1', '222222222222')],
      coverage: [
        gap('eu-west-1', 'sts:AssumeRole', 'AccessDenied', { account: '111111111111', resourceId: 'arn:aws:iam::111111111111:role/a' }),
        gap('eu-west-1', 'sts:AssumeRole', 'AccessDenied', { account: '222222222222', resourceId: 'arn:aws:iam::222222222222:role/a' }),
      ],
    },
    coverage: 'partial',
    failed: ['eu-west-1', 'eu-west-1'],
    nothing: /every scope: aws 111111111111 eu-west-1, aws 222222222222 eu-west-1\)$/,
  },
  {
    name: 'different failures in each region',
    inv: {
      scopes: [scope('eu-west-1'), scope('us-east-1')],
      coverage: [gap('eu-west-1', LISTING, 'Throttling'), gap('us-east-1', LISTING, 'HTTP500')],
    },
    coverage: 'partial',
    failed: ['eu-west-1', 'us-east-1'],
    nothing: /— aws 123456789012 eu-west-1: elasticloadbalancing:DescribeLoadBalancers Throttling: Throttling message; aws 123456789012 us-east-1: .* HTTP500: HTTP500 message$/,
  },
  {
    name: 'a region the Lambda could not collect at all, beside one that worked',
    inv: { scopes: [scope('eu-west-1')], loadBalancers: [lb], coverage: [{ provider: 'aws', region: 'us-east-1', api: 'cloud502:collect', code: 'CollectionError', message: 'cannot reach' }] },
    coverage: 'partial',
    failed: ['us-east-1'],
    reason: /^the load-balancer listing failed in 1 of 2 scopes/,
  },
  { name: 'no scope at all', inv: { scopes: [] }, coverage: 'partial', failed: [], nothing: /^nothing was audited: no account or region to audit$/ },
  {
    name: 'Azure: the gateway listing denied in the only subscription (a subscription-wide gap, no location)',
    inv: { scopes: [azureScope('all-locations')], coverage: [azureGap('ApplicationGateways_ListAll', SUBSCRIPTION)] },
    coverage: 'partial',
    failed: ['all-locations'],
    nothing: /^nothing was audited: no load-balancer listing succeeded — ApplicationGateways_ListAll AuthorizationFailed: .*; grant Microsoft.Network\/applicationGateways\/read \(azure 00000000-0000-0000-0000-000000000001 all-locations\)$/,
  },
  {
    name: 'Azure: the load-balancer listing denied while gateways were found',
    inv: { scopes: [azureScope('westeurope')], loadBalancers: [lb], coverage: [azureGap('LoadBalancers_ListAll', SUBSCRIPTION)] },
    coverage: 'partial',
    failed: ['westeurope'],
    reason: /^the load-balancer listing failed in 1 of 1 scope \(LoadBalancers_ListAll AuthorizationFailed/,
  },
  {
    name: 'Azure: the subscriptions could not be listed',
    inv: { scopes: [{ provider: 'azure', region: 'all-locations' }], coverage: [azureGap('Subscriptions_List', undefined)] },
    coverage: 'partial',
    failed: ['all-locations'],
    nothing: /^nothing was audited: no load-balancer listing succeeded — Subscriptions_List AuthorizationFailed/,
  },
  {
    name: 'Azure: one backend-health call denied is a gap, not a failed scope',
    inv: { scopes: [azureScope('westeurope')], loadBalancers: [lb], coverage: [{ ...azureGap('ApplicationGateways_BackendHealth', SUBSCRIPTION), resourceId: '/subscriptions/x/agw' }] },
    coverage: 'partial',
    failed: [],
  },
  {
    name: 'Google Cloud: the regional forwarding-rule listing denied in the only project',
    inv: {
      scopes: [{ provider: 'gcp', account: 'shop-prod', region: 'global' }],
      coverage: [{ provider: 'gcp', account: 'shop-prod', region: 'global', api: 'compute.forwardingRules.aggregatedList', code: 'PermissionDenied', message: 'denied', permission: 'compute.forwardingRules.list' }],
    },
    coverage: 'partial',
    failed: ['global'],
    nothing: /compute\.forwardingRules\.aggregatedList PermissionDenied: denied; grant compute\.forwardingRules\.list \(gcp shop-prod global\)$/,
  },
];

describe('judgeCoverage', () => {
  it.each(rows)('$name', ({ inv, coverage, failed, reason, nothing }) => {
    const verdict = judgeCoverage(inventory(inv));
    expect(verdict.coverage).toBe(coverage);
    expect(verdict.failedScopes.map((f) => f.region)).toEqual(failed);
    if (reason) expect(verdict.reason).toMatch(reason);
    if (coverage === 'complete') expect(verdict.reason).toBeUndefined();
    if (nothing) {
      expect(verdict.nothingAudited).toMatch(nothing);
      expect(() => assertSomethingAudited(verdict)).toThrow(NothingAuditedError);
    } else {
      expect(verdict.nothingAudited).toBeUndefined();
      expect(() => assertSomethingAudited(verdict)).not.toThrow();
    }
  });

  it('takes the listing calls from the provider descriptors, or from the table it is given', () => {
    const denied = inventory({ scopes: [scope('eu-west-1')], coverage: [gap('eu-west-1', 'elasticloadbalancing:DescribeListeners', 'AccessDenied')] });
    expect(judgeCoverage(denied).nothingAudited).toBeUndefined();
    const verdict = judgeCoverage(denied, () => ({ listing: ['elasticloadbalancing:DescribeListeners'], entry: [] }));
    expect(verdict.nothingAudited).toMatch(/DescribeListeners AccessDenied/);
    // A provider without a descriptor lists nothing that decides a scope: its gaps stay gaps.
    expect(judgeCoverage(inventory({ scopes: [scope('eu-west-1')], coverage: [gap('eu-west-1', LISTING, 'AccessDenied')] }), () => undefined).failedScopes).toEqual([]);
  });

  it('names the first failures and counts the rest when many scopes failed differently', () => {
    const regions = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'us-east-1'];
    const verdict = judgeCoverage(inventory({ scopes: regions.map((r) => scope(r)), coverage: regions.map((r, i) => gap(r, LISTING, `Code${i}`)) }));
    expect(verdict.nothingAudited).toMatch(/; and 2 more scopes$/);
    expect(verdict.nothingAudited).not.toContain('\n');
  });
});

describe('the partial line of the text report', () => {
  const report = (inv: Partial<Inventory>) => {
    const built = buildReport({ inventory: inventory(inv), results: [], checksRun: 1, source: { kind: 'live' }, generatedAt: new Date(COLLECTED_AT), toolVersion: '0.0.0' });
    return { ...built, summary: { ...built.summary, ...coverageSummary(judgeCoverage(inventory(inv))) } };
  };

  it('opens a partial report, right after the header', () => {
    const text = renderText(report({ scopes: [scope('eu-west-1'), scope('us-east-1')], loadBalancers: [lb], coverage: [gap('us-east-1', LISTING, 'AccessDenied')] }));
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('PARTIAL AUDIT: the load-balancer listing failed in 1 of 2 scopes'));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(lines.findIndex((l) => l.startsWith('Coverage gaps')));
    expect(lines.slice(0, at).every((l) => !l.startsWith('■'))).toBe(true);
  });

  it('is absent from a complete report and from reports written before coverage was judged', () => {
    expect(renderText(report({ scopes: [scope('eu-west-1')], loadBalancers: [lb] }))).not.toContain('PARTIAL AUDIT');
    expect(partialAuditLine({})).toBeUndefined();
    expect(partialAuditLine({ coverage: 'complete' })).toBeUndefined();
    expect(partialAuditLine({ coverage: 'partial' })).toBe('PARTIAL AUDIT: some data could not be collected.');
  });
});
