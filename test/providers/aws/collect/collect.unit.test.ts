/**
 * The collect layer with every SDK client mocked (aws-sdk-client-mock stubs the clients' `send`).
 * Inputs are fresh objects per page in cloud502's own pagination, so the first call's input can be asserted.
 */
import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import {
  DescribeInstancesCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeInstanceHealthCommand,
  DescribeLoadBalancerAttributesCommand as ClassicAttributesCommand,
  DescribeLoadBalancersCommand as ClassicDescribeLoadBalancersCommand,
  DescribeTagsCommand as ClassicDescribeTagsCommand,
  ElasticLoadBalancingClient,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeListenerAttributesCommand,
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AwsClientProvider } from '../../../../providers/aws/clients.js';
import { collectAwsWithClients } from '../../../../providers/aws/collect/index.js';
import type { AwsRawSnapshot } from '../../../../providers/aws/raw.js';
import type { ProgressEvent } from '../../../../src/provider.js';
import type { AwsCollectOptions as CollectOptions } from '../../../../providers/aws/options.js';
import { CollectionError, ConfigError, CredentialsError } from '../../../../src/errors.js';
import { ACCOUNT, alb, CREATED, nlb, targetGroup } from './fixtures.js';
import { EMPTY_LISTINGS } from '../../../support/aws-empty-listings.js';

const REGION = 'eu-west-1';
const NOW = new Date('2026-01-15T12:00:00.000Z');

const mocks = {
  elbv2: mockClient(ElasticLoadBalancingV2Client),
  elb: mockClient(ElasticLoadBalancingClient),
  ec2: mockClient(EC2Client),
  cloudwatch: mockClient(CloudWatchClient),
  acm: mockClient(ACMClient),
  sts: mockClient(STSClient),
};

const credentials = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
const clients: AwsClientProvider = (region) => ({
  elbv2: new ElasticLoadBalancingV2Client({ region, credentials }),
  elb: new ElasticLoadBalancingClient({ region, credentials }),
  ec2: new EC2Client({ region, credentials }),
  cloudwatch: new CloudWatchClient({ region, credentials }),
  acm: new ACMClient({ region, credentials }),
  sts: new STSClient({ region, credentials }),
});

/** Retries that end in a fraction of a second, for errors the test wants recorded. */
const SHORT_RETRIES = { budgetMs: 300, baseDelayMs: 5 };

function options(extra: Partial<CollectOptions> = {}): CollectOptions {
  return { regions: [REGION], metricsWindowSeconds: 3600, now: NOW, ...extra };
}

function inputs<I>(mock: { commandCalls: (cmd: never) => Array<{ args: [{ input: I }] }> }, command: unknown): I[] {
  return mock.commandCalls(command as never).map((c) => c.args[0].input);
}

function elbv2Error(name: string, status: number, message: string): ElasticLoadBalancingV2ServiceException {
  return new ElasticLoadBalancingV2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code, errno: -111, syscall: 'connect', address: '127.0.0.1', port: 9 });
}

/** One ALB with listeners, rules and target groups, answered by the mocks. */
function mockSimpleAlb(region = REGION): { lb: LoadBalancer; tgs: TargetGroup[] } {
  const lb = alb(region, 'web');
  const tgs = [
    targetGroup(region, 'tg-a', 1, [lb.LoadBalancerArn!]),
    targetGroup(region, 'tg-b', 2, [lb.LoadBalancerArn!]),
  ];
  mocks.elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [lb] });
  mocks.elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: tgs });
  mocks.elbv2.on(DescribeLoadBalancerAttributesCommand).resolves({ Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '60' }] });
  mocks.elbv2.on(DescribeListenersCommand).resolves({
    Listeners: [{ ListenerArn: `${lb.LoadBalancerArn!.replace(':loadbalancer/', ':listener/')}/l1`, LoadBalancerArn: lb.LoadBalancerArn, Protocol: 'HTTP', Port: 80 }],
  });
  mocks.elbv2.on(DescribeRulesCommand).resolves({ Rules: [{ RuleArn: 'arn:rule/1', IsDefault: true, Priority: 'default' }] });
  mocks.elbv2.on(DescribeTargetGroupAttributesCommand).resolves({ Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '300' }] });
  mocks.elbv2.on(DescribeTargetHealthCommand).callsFake((input: { TargetGroupArn: string }) => ({
    TargetHealthDescriptions: [{ Target: { Id: input.TargetGroupArn.endsWith('1') ? 'i-aaa' : 'i-bbb', Port: 8080 }, TargetHealth: { State: 'healthy' } }],
  }));
  mocks.elbv2.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({
    TagDescriptions: input.ResourceArns.map((ResourceArn) => ({ ResourceArn, Tags: [{ Key: 'team', Value: 'web' }] })),
  }));
  return { lb, tgs };
}

beforeEach(() => {
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  // The mocks have different client types; the union of their methods is not callable as one.
  for (const mock of Object.values(mocks) as Array<(typeof mocks)['elbv2']>) {
    mock.reset();
    mock.onAnyCommand().resolves(EMPTY_LISTINGS as never);
  }
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, UserId: 'AIDA' });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('collectAwsWithClients: ELBv2', () => {
  it('pages through load balancers and target groups with Marker and PageSize 400', async () => {
    // Prepare
    const lbs = [alb(REGION, 'lb-1', 1), alb(REGION, 'lb-2', 2), alb(REGION, 'lb-3', 3)];
    mocks.elbv2.on(DescribeLoadBalancersCommand).callsFake((input: { Marker?: string }) =>
      input.Marker === 'lb-page-2' ? { LoadBalancers: [lbs[2]] } : { LoadBalancers: lbs.slice(0, 2), NextMarker: 'lb-page-2' },
    );
    const tgs = [1, 2, 3, 4].map((n) => targetGroup(REGION, `tg-${n}`, n));
    mocks.elbv2.on(DescribeTargetGroupsCommand).callsFake((input: { Marker?: string }) => {
      if (input.Marker === undefined) return { TargetGroups: tgs.slice(0, 2), NextMarker: 'tg-page-2' };
      if (input.Marker === 'tg-page-2') return { TargetGroups: [tgs[2]], NextMarker: 'tg-page-3' };
      return { TargetGroups: [tgs[3]] };
    });

    // Act
    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients);

    // Assess
    const region = raw.regions[0]!;
    expect(region.elbv2.loadBalancers.map((lb) => lb.LoadBalancerName)).toEqual(['lb-1', 'lb-2', 'lb-3']);
    expect(region.elbv2.targetGroups.map((tg) => tg.TargetGroupName)).toEqual(['tg-1', 'tg-2', 'tg-3', 'tg-4']);
    expect(inputs(mocks.elbv2, DescribeLoadBalancersCommand)).toEqual([{ PageSize: 400 }, { PageSize: 400, Marker: 'lb-page-2' }]);
    expect(inputs(mocks.elbv2, DescribeTargetGroupsCommand)).toEqual([
      { PageSize: 400 },
      { PageSize: 400, Marker: 'tg-page-2' },
      { PageSize: 400, Marker: 'tg-page-3' },
    ]);
    // The JSON round trip: Dates become ISO strings, exactly as in a saved snapshot.
    expect(region.elbv2.loadBalancers[0]!.CreatedTime).toBe(CREATED.toISOString());
    expect(JSON.parse(JSON.stringify(raw))).toEqual(raw);
    expect(region.account).toBe(ACCOUNT);
    expect(region.errors).toEqual([]);
  });

  it('collects attributes, listeners, rules, certificates, listener attributes, target health and tags per resource', async () => {
    // Prepare
    const app = alb(REGION, 'web', 1);
    const net = nlb(REGION, 'tcp', 2);
    const appListener = { ListenerArn: 'arn:listener/app/https', Protocol: 'HTTPS' as const, Port: 443, Certificates: [{ CertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/default` }] };
    const netTcp = { ListenerArn: 'arn:listener/net/tcp', Protocol: 'TCP' as const, Port: 5432 };
    const netTls = { ListenerArn: 'arn:listener/net/tls', Protocol: 'TLS' as const, Port: 443 };
    mocks.elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [app, net] });
    mocks.elbv2.on(DescribeListenersCommand, { LoadBalancerArn: app.LoadBalancerArn }).resolves({ Listeners: [appListener] });
    mocks.elbv2.on(DescribeListenersCommand, { LoadBalancerArn: net.LoadBalancerArn }).resolves({ Listeners: [netTcp, netTls] });
    mocks.elbv2.on(DescribeRulesCommand).callsFake((input: { Marker?: string }) =>
      input.Marker ? { Rules: [{ RuleArn: 'arn:rule/2', Priority: '10' }] } : { Rules: [{ RuleArn: 'arn:rule/1', Priority: 'default' }], NextMarker: 'r2' },
    );
    mocks.elbv2.on(DescribeListenerCertificatesCommand).callsFake((input: { ListenerArn: string }) => ({
      Certificates: [
        { CertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${input.ListenerArn.endsWith('https') ? 'default' : 'nlb'}`, IsDefault: true },
        { CertificateArn: `arn:aws:iam::${ACCOUNT}:server-certificate/legacy`, IsDefault: false },
      ],
    }));
    mocks.elbv2.on(DescribeListenerAttributesCommand).resolves({ Attributes: [{ Key: 'tcp.idle_timeout.seconds', Value: '350' }] });
    mocks.acm.on(DescribeCertificateCommand).callsFake((input: { CertificateArn: string }) => ({
      Certificate: { CertificateArn: input.CertificateArn, NotAfter: new Date('2026-02-01T00:00:00.000Z'), Status: 'ISSUED' },
    }));

    // Act
    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients);

    // Assess
    const { elbv2, acm, errors } = raw.regions[0]!;
    expect(errors).toEqual([]);
    expect(Object.keys(elbv2.listeners)).toEqual([app.LoadBalancerArn, net.LoadBalancerArn]);
    // Rules only for ALB listeners, paged; listener attributes only for the NLB TCP listener.
    expect(elbv2.rules).toEqual({ 'arn:listener/app/https': [{ RuleArn: 'arn:rule/1', Priority: 'default' }, { RuleArn: 'arn:rule/2', Priority: '10' }] });
    expect(inputs(mocks.elbv2, DescribeRulesCommand)).toEqual([
      { ListenerArn: 'arn:listener/app/https', PageSize: 400 },
      { ListenerArn: 'arn:listener/app/https', PageSize: 400, Marker: 'r2' },
    ]);
    expect(elbv2.listenerAttributes).toEqual({ 'arn:listener/net/tcp': [{ Key: 'tcp.idle_timeout.seconds', Value: '350' }] });
    expect(Object.keys(elbv2.listenerCertificates).sort()).toEqual(['arn:listener/app/https', 'arn:listener/net/tls']);
    // ACM certificates are described once each; the IAM server certificate is not (no ACM API for it).
    expect(Object.keys(acm.certificates).sort()).toEqual([
      `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/default`,
      `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/nlb`,
    ]);
    expect(acm.certificates[`arn:aws:acm:${REGION}:${ACCOUNT}:certificate/nlb`]!.NotAfter).toBe('2026-02-01T00:00:00.000Z');
    expect(mocks.acm.commandCalls(DescribeCertificateCommand)).toHaveLength(2);
  });

  it('sends DescribeTags in batches of 20 ARNs (45 ARNs → 3 calls)', async () => {
    // Prepare
    const lbs = Array.from({ length: 25 }, (_, i) => alb(REGION, `lb-${i}`, i + 1));
    const tgs = Array.from({ length: 20 }, (_, i) => targetGroup(REGION, `tg-${i}`, i + 1));
    mocks.elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: lbs });
    mocks.elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: tgs });
    mocks.elbv2.on(DescribeTagsCommand).callsFake((input: { ResourceArns: string[] }) => ({
      TagDescriptions: input.ResourceArns.map((ResourceArn) => ({ ResourceArn, Tags: [{ Key: 'Name', Value: ResourceArn.split('/')[2] }] })),
    }));

    // Act
    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients);

    // Assess
    const batches = inputs<{ ResourceArns: string[] }>(mocks.elbv2, DescribeTagsCommand).map((i) => i.ResourceArns);
    expect(batches.map((b) => b.length)).toEqual([20, 20, 5]);
    const all = [...lbs.map((lb) => lb.LoadBalancerArn), ...tgs.map((tg) => tg.TargetGroupArn)];
    expect(batches.flat()).toEqual(all);
    expect(raw.regions[0]!.elbv2.tags.map((t) => t.ResourceArn)).toEqual(all);
  });

  it('records AccessDenied on DescribeTargetHealth with the IAM action and still collects everything else', async () => {
    // Prepare
    const { lb, tgs } = mockSimpleAlb();
    const denied = tgs[0]!.TargetGroupArn!;
    mocks.elbv2
      .on(DescribeTargetHealthCommand, { TargetGroupArn: denied })
      .rejects(elbv2Error('AccessDenied', 403, 'User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: elasticloadbalancing:DescribeTargetHealth'));
    mocks.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [{ Instances: [{ InstanceId: 'i-bbb', LaunchTime: CREATED }] }] });

    // Act
    const raw = await collectAwsWithClients(options(), clients);

    // Assess
    const region = raw.regions[0]!;
    expect(region.errors).toEqual([
      {
        api: 'elasticloadbalancing:DescribeTargetHealth',
        region: REGION,
        code: 'AccessDenied',
        message: expect.stringContaining('not authorized'),
        resourceId: denied,
        httpStatus: 403,
      },
    ]);
    // Missing key = not collected; the other target group is complete.
    expect(Object.keys(region.elbv2.targetHealth)).toEqual([tgs[1]!.TargetGroupArn]);
    expect(Object.keys(region.elbv2.targetGroupAttributes)).toEqual(tgs.map((tg) => tg.TargetGroupArn));
    expect(region.elbv2.loadBalancerAttributes[lb.LoadBalancerArn!]).toEqual([{ Key: 'idle_timeout.timeout_seconds', Value: '60' }]);
    expect(region.elbv2.tags).toHaveLength(3);
    expect(region.ec2.instances.map((i) => i.InstanceId)).toEqual(['i-bbb']);
    expect(region.cloudwatch.queries.length).toBeGreaterThan(0);
  });

  it('records throttling that outlasted the retries and other service errors, then goes on', async () => {
    // Prepare
    const { lb } = mockSimpleAlb();
    mocks.elbv2.on(DescribeLoadBalancerAttributesCommand).rejects(elbv2Error('Throttling', 400, 'Rate exceeded'));
    mocks.elbv2.on(DescribeListenersCommand).rejects(elbv2Error('LoadBalancerNotFound', 400, 'One or more load balancers not found'));

    // Act
    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients, { retry: SHORT_RETRIES });

    // Assess
    const region = raw.regions[0]!;
    expect(region.errors.map((e) => [e.api, e.code, e.resourceId])).toEqual([
      ['elasticloadbalancing:DescribeListeners', 'LoadBalancerNotFound', lb.LoadBalancerArn],
      ['elasticloadbalancing:DescribeLoadBalancerAttributes', 'Throttling', lb.LoadBalancerArn],
    ]);
    expect(region.elbv2.loadBalancerAttributes).toEqual({});
    expect(region.elbv2.listeners).toEqual({});
    expect(Object.keys(region.elbv2.targetHealth)).toHaveLength(2);
  });
});

describe('collectAwsWithClients: unsupported operations', () => {
  it('records an emulator that does not know DescribeListenerAttributes instead of failing', async () => {
    const net = nlb(REGION, 'tcp', 1);
    mocks.elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [net] });
    mocks.elbv2.on(DescribeListenersCommand).resolves({ Listeners: [{ ListenerArn: 'arn:listener/net/tcp', Protocol: 'TCP', Port: 5432 }] });
    mocks.elbv2.on(DescribeListenerAttributesCommand).rejects(elbv2Error('InvalidAction', 400, 'The action DescribeListenerAttributes is not valid for this web service.'));

    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients);

    const region = raw.regions[0]!;
    expect(region.elbv2.listeners[net.LoadBalancerArn!]).toHaveLength(1);
    expect(region.elbv2.listenerAttributes).toEqual({});
    expect(region.errors).toEqual([expect.objectContaining({ api: 'elasticloadbalancing:DescribeListenerAttributes', code: 'InvalidAction', resourceId: 'arn:listener/net/tcp' })]);
  });
});

describe('collectAwsWithClients: CloudWatch', () => {
  it('issues at most 500 queries per GetMetricData call and follows NextToken (1,120 queries → 3 batches, 4 calls)', async () => {
    // Prepare: 70 ALBs with one target group each: 9 LB-level + 7 pool-level ALB metrics = 16 queries per ALB.
    const lbs = Array.from({ length: 70 }, (_, i) => alb(REGION, `lb-${i}`, i + 1));
    const tgs = lbs.map((lb, i) => targetGroup(REGION, `tg-${i}`, i + 1, [lb.LoadBalancerArn!]));
    mocks.elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: lbs });
    mocks.elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: tgs });
    const point = (id: string, minute: number, value: number): MetricDataResult => ({
      Id: id,
      Label: id,
      StatusCode: 'Complete',
      Timestamps: [new Date(NOW.getTime() - minute * 60_000)],
      Values: [value],
    });
    mocks.cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      const ids = input.MetricDataQueries!.map((q) => q.Id!);
      if (ids[0] === 'm0' && !input.NextToken) {
        // First page of the first batch: half of the ids, more to come.
        return { MetricDataResults: ids.slice(0, 250).map((id) => point(id, 10, 1)), NextToken: 'page-2' };
      }
      if (ids[0] === 'm0') {
        return { MetricDataResults: [point('m0', 5, 2), ...ids.slice(250).map((id) => point(id, 10, 1))] };
      }
      return { MetricDataResults: ids.map((id) => point(id, 10, 1)) };
    });

    // Act
    const raw = await collectAwsWithClients(options(), clients);

    // Assess
    const calls = inputs<GetMetricDataCommandInput>(mocks.cloudwatch, GetMetricDataCommand);
    // Batches run concurrently: compare (first id, size, token) whatever the order.
    expect(calls.map((c) => [c.MetricDataQueries![0]!.Id, c.MetricDataQueries!.length, c.NextToken]).sort()).toEqual([
      ['m0', 500, undefined],
      ['m0', 500, 'page-2'],
      ['m1000', 120, undefined],
      ['m500', 500, undefined],
    ]);
    expect(calls[0]!.StartTime).toEqual(new Date(NOW.getTime() - 3_600_000));
    expect(calls[0]!.EndTime).toEqual(NOW);
    const cw = raw.regions[0]!.cloudwatch;
    expect(cw.window).toEqual({ start: '2026-01-15T11:00:00.000Z', end: NOW.toISOString(), periodSeconds: 60 });
    expect(cw.queries).toHaveLength(1120);
    expect(new Set(cw.queries.map((q) => q.id)).size).toBe(1120);
    expect(cw.results).toHaveLength(1120);
    // The two pages of m0 are joined into one result.
    expect(cw.results[0]).toMatchObject({ Id: 'm0', Values: [1, 2], Timestamps: ['2026-01-15T11:50:00.000Z', '2026-01-15T11:55:00.000Z'] });

    const lb0 = lbs[0]!.LoadBalancerArn!;
    const tg0 = tgs[0]!.TargetGroupArn!;
    expect(cw.queries.find((q) => q.resourceArn === lb0 && q.metricName === 'HTTPCode_ELB_502_Count')).toEqual({
      id: expect.stringMatching(/^m\d+$/),
      resourceArn: lb0,
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_ELB_502_Count',
      stat: 'Sum',
      dimensions: [{ Name: 'LoadBalancer', Value: 'app/lb-0/0000000000000001' }],
      periodSeconds: 60,
    });
    expect(cw.queries.find((q) => q.resourceArn === tg0 && q.metricName === 'TargetResponseTime' && q.stat === 'p99')?.dimensions).toEqual([
      { Name: 'TargetGroup', Value: 'targetgroup/tg-0/0000000000000001' },
      { Name: 'LoadBalancer', Value: 'app/lb-0/0000000000000001' },
    ]);
    expect(calls[0]!.MetricDataQueries![0]).toEqual({
      Id: 'm0',
      MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: [{ Name: 'LoadBalancer', Value: 'app/lb-0/0000000000000001' }] }, Period: 60, Stat: 'Sum' },
      ReturnData: true,
    });
  });

  it('skips metrics entirely when the window is 0', async () => {
    mockSimpleAlb();
    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients);
    expect(mocks.cloudwatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
    expect(raw.regions[0]!.cloudwatch).toEqual({ queries: [], results: [] });
  });

  it('drops the queries of a failed GetMetricData call and leaves the window out when none succeeded', async () => {
    mockSimpleAlb();
    mocks.cloudwatch.on(GetMetricDataCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const raw = await collectAwsWithClients(options(), clients);
    const region = raw.regions[0]!;
    expect(region.cloudwatch).toEqual({ queries: [], results: [] });
    expect(region.errors).toEqual([{ api: 'cloudwatch:GetMetricData', region: REGION, code: 'AccessDenied', message: 'denied', httpStatus: 403 }]);
  });
});

describe('collectAwsWithClients: EC2 and classic ELB', () => {
  it('batches EC2 filters by 200 values, follows NextToken, and asks for IP targets and LB interfaces', async () => {
    // Prepare: 450 instance targets, 3 IP targets, one ALB and one classic ELB.
    const lb = alb(REGION, 'web', 1);
    const tgInstances = targetGroup(REGION, 'many', 1, [lb.LoadBalancerArn!]);
    const tgIps = targetGroup(REGION, 'ips', 2, [lb.LoadBalancerArn!], { TargetType: 'ip', VpcId: 'vpc-2' });
    const instanceIds = Array.from({ length: 450 }, (_, i) => `i-${String(i).padStart(17, '0')}`);
    mocks.elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [lb] });
    mocks.elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: [tgInstances, tgIps] });
    mocks.elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: tgInstances.TargetGroupArn }).resolves({
      TargetHealthDescriptions: instanceIds.map((Id) => ({ Target: { Id, Port: 8080 }, TargetHealth: { State: 'healthy' } })),
    });
    mocks.elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: tgIps.TargetGroupArn }).resolves({
      TargetHealthDescriptions: ['10.0.1.5', '10.0.2.6', '10.0.1.5'].map((Id) => ({ Target: { Id, Port: 80 }, TargetHealth: { State: 'healthy' } })),
    });
    mocks.elb.on(ClassicDescribeLoadBalancersCommand).resolves({
      LoadBalancerDescriptions: [
        {
          LoadBalancerName: 'legacy',
          VPCId: 'vpc-1',
          Instances: [{ InstanceId: 'i-classic' }],
          ListenerDescriptions: [{ Listener: { Protocol: 'HTTPS', LoadBalancerPort: 443, InstancePort: 80, SSLCertificateId: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/classic` } }],
        },
      ],
    });
    mocks.elb.on(ClassicDescribeTagsCommand).resolves({ TagDescriptions: [{ LoadBalancerName: 'legacy', Tags: [{ Key: 'env', Value: 'prod' }] }] });
    mocks.elb.on(DescribeInstanceHealthCommand).resolves({ InstanceStates: [{ InstanceId: 'i-classic', State: 'OutOfService', ReasonCode: 'Instance' }] });
    mocks.elb.on(ClassicAttributesCommand).resolves({ LoadBalancerAttributes: { ConnectionSettings: { IdleTimeout: 60 } } });
    mocks.ec2.on(DescribeInstancesCommand).callsFake((input: { Filters: Array<{ Values: string[] }>; NextToken?: string }) => {
      const ids = input.Filters[0]!.Values;
      const half = Math.ceil(ids.length / 2);
      const page = input.NextToken ? ids.slice(half) : ids.slice(0, half);
      return { Reservations: [{ Instances: page.map((InstanceId) => ({ InstanceId })) }], ...(input.NextToken ? {} : { NextToken: `next-${ids[0]}` }) };
    });
    mocks.ec2.on(DescribeNetworkInterfacesCommand).callsFake((input: { Filters: Array<{ Name: string; Values: string[] }> }) => ({
      NetworkInterfaces: input.Filters.some((f) => f.Name === 'description')
        ? [{ NetworkInterfaceId: 'eni-lb', Description: 'ELB app/web/0000000000000001', PrivateIpAddress: '10.0.1.200' }]
        : [{ NetworkInterfaceId: 'eni-target', PrivateIpAddress: '10.0.1.5' }],
    }));
    mocks.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-lb', VpcId: 'vpc-1' }] });

    // Act
    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients);

    // Assess
    const region = raw.regions[0]!;
    expect(region.errors).toEqual([]);
    const instanceCalls = inputs<{ Filters: Array<{ Name: string; Values: string[] }>; NextToken?: string; MaxResults: number }>(mocks.ec2, DescribeInstancesCommand);
    // 451 ids (450 + the classic one) → batches of 200, 200, 51, each paged twice.
    expect(instanceCalls).toHaveLength(6);
    expect(instanceCalls.filter((c) => !c.NextToken).map((c) => c.Filters[0]!.Values.length)).toEqual([200, 200, 51]);
    expect(instanceCalls.every((c) => c.Filters[0]!.Name === 'instance-id' && c.MaxResults === 1000)).toBe(true);
    expect(region.ec2.instances).toHaveLength(451);
    expect(new Set(region.ec2.instances.map((i) => i.InstanceId))).toEqual(new Set([...instanceIds, 'i-classic']));

    for (const command of [DescribeVpcsCommand, DescribeSubnetsCommand, DescribeSecurityGroupsCommand, DescribeNetworkAclsCommand]) {
      expect(inputs<{ Filters: unknown }>(mocks.ec2, command).map((c) => c.Filters)).toEqual([[{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }]]);
    }
    // The load balancers' interfaces are asked for as soon as the listings are in, the IP targets' after target health.
    const eniFilters = inputs<{ Filters: unknown }>(mocks.ec2, DescribeNetworkInterfacesCommand).map((c) => c.Filters);
    expect(eniFilters).toHaveLength(2);
    expect(eniFilters).toEqual(
      expect.arrayContaining([
        [{ Name: 'vpc-id', Values: ['vpc-2'] }, { Name: 'addresses.private-ip-address', Values: ['10.0.1.5', '10.0.2.6'] }],
        [{ Name: 'description', Values: ['ELB app/web/0000000000000001', 'ELB legacy'] }],
      ]),
    );
    expect(region.ec2.networkInterfaces.map((n) => n.NetworkInterfaceId)).toEqual(['eni-target', 'eni-lb']);
    expect(region.ec2.securityGroups).toEqual([{ GroupId: 'sg-lb', VpcId: 'vpc-1' }]);

    expect(region.elb.loadBalancers.map((lb) => lb.LoadBalancerName)).toEqual(['legacy']);
    expect(region.elb.instanceHealth).toEqual({ legacy: [{ InstanceId: 'i-classic', State: 'OutOfService', ReasonCode: 'Instance' }] });
    expect(region.elb.attributes).toEqual({ legacy: { ConnectionSettings: { IdleTimeout: 60 } } });
    expect(region.elb.tags).toEqual([{ LoadBalancerName: 'legacy', Tags: [{ Key: 'env', Value: 'prod' }] }]);
    expect(inputs(mocks.acm, DescribeCertificateCommand)).toEqual([{ CertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/classic` }]);
  });

  it('records one error per resource of a failed batch', async () => {
    const lbs = Array.from({ length: 3 }, (_, i) => alb(REGION, `lb-${i}`, i + 1));
    mocks.elbv2.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: lbs });
    mocks.elbv2.on(DescribeTagsCommand).rejects(elbv2Error('AccessDenied', 403, 'no tags for you'));
    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients);
    expect(raw.regions[0]!.errors.map((e) => [e.api, e.resourceId])).toEqual(lbs.map((lb) => ['elasticloadbalancing:DescribeTags', lb.LoadBalancerArn]));
  });

  it('pages classic load balancers and batches their tags by 20 names', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `clb-${i}`);
    mocks.elb.on(ClassicDescribeLoadBalancersCommand).callsFake((input: { Marker?: string }) =>
      input.Marker ? { LoadBalancerDescriptions: names.slice(10).map((LoadBalancerName) => ({ LoadBalancerName })) } : { LoadBalancerDescriptions: names.slice(0, 10).map((LoadBalancerName) => ({ LoadBalancerName })), NextMarker: 'p2' },
    );
    const raw = await collectAwsWithClients(options(), clients);
    expect(raw.regions[0]!.elb.loadBalancers).toHaveLength(23);
    expect(inputs(mocks.elb, ClassicDescribeLoadBalancersCommand)).toEqual([{ PageSize: 400 }, { PageSize: 400, Marker: 'p2' }]);
    expect(inputs<{ LoadBalancerNames: string[] }>(mocks.elb, ClassicDescribeTagsCommand).map((i) => i.LoadBalancerNames.length)).toEqual([20, 3]);
    const q = raw.regions[0]!.cloudwatch.queries.filter((x) => x.namespace === 'AWS/ELB');
    expect(q).toHaveLength(23 * 9);
    expect(q[0]).toMatchObject({ resourceArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/clb-0`, dimensions: [{ Name: 'LoadBalancerName', Value: 'clb-0' }] });
  });
});

describe('collectAwsWithClients: an API that keeps failing', () => {
  it('stops retrying it once three calls in a row failed past their retries, and records every resource', async () => {
    // Prepare: twelve target groups whose DescribeTargetHealth answers HTTP 500 after 40 ms, one call at a time.
    const tgs = Array.from({ length: 12 }, (_, i) => targetGroup(REGION, `tg-${i}`, i + 1));
    mocks.elbv2.on(DescribeTargetGroupsCommand).resolves({ TargetGroups: tgs });
    mocks.elbv2.on(DescribeTargetHealthCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 40));
      throw elbv2Error('InternalFailure', 500, 'We encountered an internal error.');
    });

    // Act
    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0, concurrency: 1 }), clients, { retry: SHORT_RETRIES });

    // Assess: every target group has its gap; after the breaker opened, calls stopped retrying (or never started).
    const gaps = raw.regions[0]!.errors.filter((e) => e.api === 'elasticloadbalancing:DescribeTargetHealth');
    expect(gaps.map((e) => e.resourceId).sort()).toEqual(tgs.map((tg) => tg.TargetGroupArn).sort());
    const exhausted = gaps.filter((e) => e.message === 'We encountered an internal error. (gave up after retrying for up to 0.3 s)');
    const stopped = gaps.filter((e) => / \((stopped retrying|not attempted): the last [34] calls of this API failed the same way\)$/.test(e.message));
    expect(exhausted.length).toBeGreaterThanOrEqual(3);
    expect(stopped.length).toBeGreaterThan(0);
    expect(exhausted.length + stopped.length).toBe(12);
    // Without the breaker each of the twelve would have been tried for its whole budget, two attempts at least.
    expect(mocks.elbv2.commandCalls(DescribeTargetHealthCommand).length).toBeLessThan(2 * 12);
  });
});

describe('collectAwsWithClients: failures that stop the run', () => {
  it('turns an expired token into one CredentialsError line naming the profile and the fix', async () => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(
      new STSServiceException({ name: 'ExpiredToken', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'The security token included in the request is expired' }),
    );
    const run = collectAwsWithClients(options({ profile: 'prod' }), clients);
    await expect(run).rejects.toBeInstanceOf(CredentialsError);
    await expect(run).rejects.toThrow(/profile "prod" have expired .*aws sso login --profile prod/);
    await run.catch((err: Error) => expect(err.message).not.toContain('\n'));
    expect(mocks.elbv2.commandCalls(DescribeLoadBalancersCommand)).toHaveLength(0);
  });

  it.each([
    ['CredentialsProviderError', 'Could not load credentials from any providers'],
    ['InvalidClientTokenId', 'The security token included in the request is invalid.'],
    ['SignatureDoesNotMatch', 'The request signature we calculated does not match'],
    ['TokenProviderError', 'The SSO session associated with this profile has expired or is otherwise invalid.'],
  ])('turns %s into a CredentialsError', async (name, message) => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error(message), { name }));
    await expect(collectAwsWithClients(options(), clients)).rejects.toThrow(CredentialsError);
  });

  it('stops on a credentials failure in the middle of the run too', async () => {
    mockSimpleAlb();
    mocks.elbv2.on(DescribeTargetHealthCommand).rejects(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }));
    await expect(collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients)).rejects.toThrow(CredentialsError);
  });

  it('turns ECONNREFUSED on the first call into one CollectionError line naming endpoint and region', async () => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(networkError('ECONNREFUSED'));
    const run = collectAwsWithClients(options({ endpointUrl: 'http://127.0.0.1:9' }), clients);
    await expect(run).rejects.toBeInstanceOf(CollectionError);
    await expect(run).rejects.toThrow('cannot reach AWS sts at http://127.0.0.1:9 for region eu-west-1 (ECONNREFUSED)');
  });

  it('records a network error on a later call instead of stopping', async () => {
    const { tgs } = mockSimpleAlb();
    mocks.elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: tgs[1]!.TargetGroupArn }).rejects(networkError('ECONNRESET'));
    const raw = await collectAwsWithClients(options({ metricsWindowSeconds: 0 }), clients, { retry: SHORT_RETRIES });
    expect(raw.regions[0]!.errors).toEqual([
      expect.objectContaining({ api: 'elasticloadbalancing:DescribeTargetHealth', code: 'ECONNRESET', resourceId: tgs[1]!.TargetGroupArn }),
    ]);
  });

  it('rejects a misspelt region with a suggestion before any call', async () => {
    const run = collectAwsWithClients(options({ regions: ['eu-wset-1'] }), clients);
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toThrow('unknown AWS region "eu-wset-1"; did you mean "eu-west-1"?');
    expect(mocks.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('accepts any region name when an endpoint override is set (emulators)', async () => {
    const raw = await collectAwsWithClients(options({ regions: ['local-lab-1'], endpointUrl: 'http://127.0.0.1:4566' }), clients);
    expect(raw.regions.map((r) => r.region)).toEqual(['local-lab-1']);
    expect(raw.options.endpointUrl).toBe('http://127.0.0.1:4566');
  });

  it('stops when the caller aborts', async () => {
    mockSimpleAlb();
    const controller = new AbortController();
    controller.abort(new Error('user pressed Ctrl-C'));
    await expect(collectAwsWithClients(options({ signal: controller.signal }), clients)).rejects.toThrow('user pressed Ctrl-C');
  });
});

describe('collectAwsWithClients: scheduling', () => {
  it('shares one concurrency limit across services and regions', async () => {
    // Prepare: every call takes a few ms and reports how many calls are in flight.
    let inFlight = 0;
    let peak = 0;
    const slow = <T>(value: T) => async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 3));
      inFlight -= 1;
      return value;
    };
    const lbs = Array.from({ length: 4 }, (_, i) => alb(REGION, `lb-${i}`, i + 1));
    mocks.elbv2.on(DescribeLoadBalancersCommand).callsFake(slow({ LoadBalancers: lbs }));
    mocks.elbv2.on(DescribeLoadBalancerAttributesCommand).callsFake(slow({ Attributes: [] }));
    mocks.elbv2.on(DescribeListenersCommand).callsFake(slow({ Listeners: [] }));
    mocks.elbv2.on(DescribeTagsCommand).callsFake(slow({ TagDescriptions: [] }));
    mocks.elb.on(ClassicDescribeLoadBalancersCommand).callsFake(slow({ LoadBalancerDescriptions: [] }));
    mocks.ec2.on(DescribeSecurityGroupsCommand).callsFake(slow({ SecurityGroups: [] }));
    mocks.cloudwatch.on(GetMetricDataCommand).callsFake(slow({ MetricDataResults: [] }));

    // Act
    const raw = await collectAwsWithClients(options({ regions: ['eu-west-1', 'us-east-1'], concurrency: 3 }), clients);

    // Assess
    expect(raw.regions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(peak).toBe(3);
  });

  it('produces the same snapshot whatever order the calls finish in', async () => {
    const { tgs } = mockSimpleAlb();
    const jitter = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5)));
    mocks.elbv2.on(DescribeTargetHealthCommand).callsFake(async (input: { TargetGroupArn: string }) => {
      await jitter();
      return { TargetHealthDescriptions: [{ Target: { Id: input.TargetGroupArn === tgs[0]!.TargetGroupArn ? 'i-aaa' : 'i-bbb' } }] };
    });
    mocks.elbv2.on(DescribeTargetGroupAttributesCommand).callsFake(async () => {
      await jitter();
      return { Attributes: [] };
    });
    const runs: AwsRawSnapshot[] = [];
    for (let i = 0; i < 5; i++) runs.push(await collectAwsWithClients(options(), clients));
    const texts = runs.map((r) => JSON.stringify(r));
    expect(new Set(texts).size).toBe(1);
  });

  it('reports progress per phase and region, ending with done = total', async () => {
    mockSimpleAlb();
    const events: ProgressEvent[] = [];
    await collectAwsWithClients(options({ progress: (e) => events.push(e) }), clients);
    const phases = new Set(events.map((e) => e.phase));
    expect(phases).toEqual(new Set(['sts', 'elbv2', 'elb', 'ec2', 'cloudwatch', 'acm']));
    expect(events.every((e) => e.scope === REGION && e.done! <= e.total!)).toBe(true);
    const last = events.filter((e) => e.phase === 'elbv2').at(-1)!;
    // 1 load balancer + 2 target groups + 1 tag batch.
    expect(last).toEqual({ phase: 'elbv2', scope: REGION, done: 4, total: 4 });
  });
});
