/**
 * The collect layer with the real SDK clients against moto, seeded through the SDK (test/support/seed-moto.ts).
 * moto keeps state per account and region and is shared by every test file, so this file owns regions eu-west-3
 * (seeded) and ca-central-1 (left empty) of the default account, and account 310000000001, and never resets moto.
 */
import type * as NodeHttps from 'node:https';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createAwsClientPool, type AwsClientPool, type AwsClientProvider, type AwsRegionClients } from '../../../../providers/aws/clients.js';
import { collectAws, collectAwsWithClients } from '../../../../providers/aws/collect/index.js';
import { AWS_READ_ONLY_ACTIONS } from '../../../../providers/aws/iam.js';
import type { AwsRawSnapshot, AwsRegionSnapshot } from '../../../../providers/aws/raw.js';
import { seedAwsEnvironment, type SeededAwsEnvironment } from '../../../support/seed-moto.js';

const REGION = 'eu-west-3';
const EMPTY_REGION = 'ca-central-1';
/** A moto account no other test uses (moto maps an assumed role's temporary key to the account in the role ARN). */
const PERMISSIONS_ACCOUNT = '310000000001';

const motoUrl = inject('motoUrl');
const require = createRequire(import.meta.url);
// The CommonJS object, which @smithy/node-http-handler reads `request` from on every call.
const https = require('node:https') as typeof NodeHttps;
const realHttpsRequest = https.request;

let env: SeededAwsEnvironment;
let now: Date;

beforeAll(async () => {
  // Every AWS endpoint is https; moto is plain http on 127.0.0.1. Any https request means a test reached out.
  https.request = (() => {
    throw new Error('a test tried to open an https connection (a real AWS endpoint?)');
  }) as typeof https.request;
  syncBuiltinESMExports();
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  vi.stubEnv('CLOUD502_AWS_MAX_ATTEMPTS', '2');
  now = new Date();
  env = await seedAwsEnvironment(motoUrl, REGION, { now });
});

afterAll(() => {
  https.request = realHttpsRequest;
  syncBuiltinESMExports();
  vi.unstubAllEnvs();
});

/** The part of a region snapshot that belongs to the seeded VPC (robust to other state in the region). */
function seededRegion(raw: AwsRawSnapshot): AwsRegionSnapshot {
  const region = raw.regions.find((r) => r.region === REGION);
  if (!region) throw new Error(`no ${REGION} in snapshot`);
  return region;
}

function tagsOf(region: AwsRegionSnapshot, arn: string): Record<string, string> {
  const desc = region.elbv2.tags.find((t) => t.ResourceArn === arn);
  return Object.fromEntries((desc?.Tags ?? []).map((t) => [t.Key, t.Value]));
}

describe('collectAws against moto', () => {
  let raw: AwsRawSnapshot;

  beforeAll(async () => {
    raw = await collectAws({ regions: [REGION, EMPTY_REGION], endpointUrl: motoUrl, metricsWindowSeconds: 3600, now, concurrency: 4 });
  });

  it('writes the envelope and one snapshot per region, without errors', () => {
    expect(raw).toMatchObject({
      format: 'cloud502-raw-snapshot',
      schemaVersion: 1,
      provider: 'aws',
      tool: { name: 'cloud502', version: expect.stringMatching(/^\d+\.\d+\.\d+/) },
      collectedAt: now.toISOString(),
      options: { regions: [REGION, EMPTY_REGION], metricsWindowSeconds: 3600, endpointUrl: motoUrl },
    });
    expect(raw.regions.map((r) => [r.region, r.account])).toEqual([
      [REGION, env.account],
      [EMPTY_REGION, env.account],
    ]);
    expect(raw.regions.flatMap((r) => r.errors)).toEqual([]);
    const empty = raw.regions[1]!;
    expect(empty.elbv2.loadBalancers).toEqual([]);
    expect(empty.elb.loadBalancers).toEqual([]);
    expect(empty.ec2.instances).toEqual([]);
  });

  it('collects the load balancers, listeners, rules and attributes that were seeded', () => {
    const region = seededRegion(raw);
    const lbs = region.elbv2.loadBalancers.filter((lb) => lb.VpcId === env.vpcId);
    expect(lbs.map((lb) => [lb.LoadBalancerName, lb.Type, lb.Scheme]).sort()).toEqual([
      ['c502-internal', 'application', 'internal'],
      ['c502-nlb', 'network', 'internet-facing'],
      ['c502-web', 'application', 'internet-facing'],
    ]);
    expect(typeof lbs[0]!.CreatedTime).toBe('string');

    const attr = (arn: string, key: string) => region.elbv2.loadBalancerAttributes[arn]?.find((a) => a.Key === key)?.Value;
    expect(attr(env.loadBalancers.web.arn, 'idle_timeout.timeout_seconds')).toBe('120');
    // moto lists only the attributes that were set plus a few defaults (idle_timeout is not among them).
    expect(attr(env.loadBalancers.internal.arn, 'deletion_protection.enabled')).toBe('false');

    const listeners = region.elbv2.listeners[env.loadBalancers.web.arn]!;
    expect(listeners.map((l) => [l.Protocol, l.Port]).sort()).toEqual([
      ['HTTP', 80],
      ['HTTPS', 443],
    ]);
    const rules = region.elbv2.rules[env.listeners.webHttp]!;
    expect(rules.map((r) => [r.Priority, r.Actions?.[0]?.TargetGroupArn])).toEqual([
      ['10', env.targetGroups.apiEmpty.arn],
      ['20', env.targetGroups.legacy.arn],
      ['30', env.targetGroups.healthCheckBlocked.arn],
      ['default', env.targetGroups.web.arn],
    ]);
    // Rules are an ALB thing; the NLB TCP listener has the idle timeout attribute instead.
    expect(region.elbv2.rules[env.listeners.nlbTcp]).toBeUndefined();
    expect(region.elbv2.listenerAttributes).toEqual({ [env.listeners.nlbTcp]: [{ Key: 'tcp.idle_timeout.seconds', Value: '350' }] });
    expect(region.elbv2.listenerCertificates).toEqual({ [env.listeners.webHttps]: [{ CertificateArn: env.certificate.arn, IsDefault: true }] });
  });

  it('collects target groups, their attributes, target health and tags', () => {
    const region = seededRegion(raw);
    const tgs = region.elbv2.targetGroups.filter((tg) => tg.VpcId === env.vpcId);
    expect(tgs).toHaveLength(7);
    const health = (arn: string) => region.elbv2.targetHealth[arn]?.map((d) => [d.Target?.Id, d.TargetHealth?.State, d.TargetHealth?.Reason]);
    expect(health(env.targetGroups.web.arn)?.sort()).toEqual(
      [
        [env.instances.web1.id, 'healthy', undefined],
        [env.instances.web2.id, 'healthy', undefined],
      ].sort(),
    );
    expect(health(env.targetGroups.apiEmpty.arn)).toEqual([]);
    expect(health(env.targetGroups.legacy.arn)).toEqual([[env.instances.legacy.id, 'unused', 'Target.InvalidState']]);
    expect(health(env.targetGroups.nlbIp.arn)).toEqual([[env.instances.web1.privateIp, 'healthy', undefined]]);
    expect(health(env.targetGroups.orphan.arn)).toEqual([]);
    expect(tgs.find((tg) => tg.TargetGroupArn === env.targetGroups.orphan.arn)?.LoadBalancerArns).toEqual([]);
    expect(tgs.find((tg) => tg.TargetGroupArn === env.targetGroups.healthCheckBlocked.arn)?.HealthCheckPort).toBe('8081');

    expect(region.elbv2.targetGroupAttributes[env.targetGroups.web.arn]?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value).toBe('300');
    expect(tagsOf(region, env.targetGroups.node.arn)).toEqual({ 'cloud502:server': 'node' });
    expect(tagsOf(region, env.loadBalancers.web.arn)).toEqual({ env: 'demo', team: 'web' });
  });

  it('collects the classic load balancer with attributes, instance health and tags', () => {
    const region = seededRegion(raw);
    const name = env.loadBalancers.classic.name;
    expect(region.elb.loadBalancers.map((lb) => lb.LoadBalancerName)).toContain(name);
    expect(region.elb.attributes[name]?.ConnectionSettings?.IdleTimeout).toBe(60);
    expect(region.elb.instanceHealth[name]).toEqual([expect.objectContaining({ InstanceId: env.instances.web1.id, State: 'InService' })]);
    expect(region.elb.tags).toEqual([{ LoadBalancerName: name, Tags: [{ Key: 'env', Value: 'demo' }] }]);
  });

  it('collects the network: VPC, subnets, security group rules, NACLs, target instances and interfaces', () => {
    const { ec2 } = seededRegion(raw);
    expect(ec2.vpcs.map((v) => [v.VpcId, v.CidrBlock])).toEqual([[env.vpcId, env.vpcCidr]]);
    expect(ec2.subnets.map((s) => s.SubnetId).sort()).toEqual([env.subnets.a, env.subnets.b].sort());

    const app = ec2.securityGroups.find((g) => g.GroupId === env.securityGroups.app)!;
    expect(app.IpPermissions?.map((p) => [p.FromPort, p.UserIdGroupPairs?.map((u) => u.GroupId) ?? [], p.IpRanges?.map((r) => r.CidrIp) ?? []]).sort()).toEqual([
      [8080, [env.securityGroups.lb], []],
      [8443, [], [env.vpcCidr]],
    ]);
    const noHc = ec2.securityGroups.find((g) => g.GroupId === env.securityGroups.appNoHealthCheck)!;
    expect(noHc.IpPermissions?.map((p) => p.FromPort)).toEqual([8080]);

    const custom = ec2.networkAcls.find((a) => a.NetworkAclId === env.customNaclId)!;
    expect(custom.Associations?.map((a) => a.SubnetId)).toEqual([env.subnets.b]);
    expect(custom.Entries?.filter((e) => e.Egress && e.RuleAction === 'allow').map((e) => e.PortRange)).toEqual([{ From: 443, To: 443 }]);

    // Every instance that is a target (ELBv2 or classic), whatever its state.
    const states = Object.fromEntries(ec2.instances.map((i) => [i.InstanceId, i.State?.Name]));
    expect(states).toEqual({
      [env.instances.web1.id]: 'running',
      [env.instances.web2.id]: 'running',
      [env.instances.legacy.id]: 'stopped',
      [env.instances.node.id]: 'running',
      [env.instances.noHealthCheck.id]: 'running',
    });
    // The IP target's interface (moto creates no interfaces for load balancers).
    expect(ec2.networkInterfaces.map((n) => [n.PrivateIpAddress, n.Attachment?.InstanceId])).toEqual([[env.instances.web1.privateIp, env.instances.web1.id]]);
  });

  it('collects metric queries for every load balancer and target group, with the seeded 502 values', () => {
    const { cloudwatch } = seededRegion(raw);
    expect(cloudwatch.window).toEqual({ start: new Date(now.getTime() - 3_600_000).toISOString(), end: now.toISOString(), periodSeconds: 60 });
    // ALB: 9 LB-level + 7 per target group; NLB: 4 + 3 per target group; classic: 9.
    // c502-web routes to 4 target groups, c502-internal to 1, c502-nlb to 1.
    expect(cloudwatch.queries).toHaveLength(9 + 4 * 7 + (9 + 7) + (4 + 3) + 9);
    const q502 = cloudwatch.queries.find((q) => q.resourceArn === env.loadBalancers.web.arn && q.metricName === 'HTTPCode_ELB_502_Count')!;
    expect(q502.dimensions).toEqual(env.metrics.dimensions);
    const result = cloudwatch.results.find((r) => r.Id === q502.id)!;
    expect(result.Values).toEqual(env.metrics.points.map((p) => p.value));
    expect(result.Timestamps).toHaveLength(2);
    // Nothing else was put: every other query answered with no points.
    expect(cloudwatch.results.filter((r) => (r.Values ?? []).length > 0).map((r) => r.Id)).toEqual([q502.id]);
  });

  it('describes the ACM certificate of the HTTPS listener', () => {
    const { acm } = seededRegion(raw);
    expect(acm.certificates[env.certificate.arn]).toMatchObject({
      DomainName: env.certificate.domain,
      Type: 'IMPORTED',
      NotAfter: new Date(Math.floor(Date.parse(env.certificate.notAfter) / 1000) * 1000).toISOString(),
    });
  });
});

describe('collect permissions', () => {
  it('calls exactly the IAM actions of AWS_READ_ONLY_ACTIONS, all read-only, plus sts:AssumeRole as the caller', async () => {
    // Prepare: record every command the real clients send, at the top of their middleware stacks.
    const sent = new Set<string>();
    const prefixOf: Record<string, string> = {
      ElasticLoadBalancingV2Client: 'elasticloadbalancing',
      ElasticLoadBalancingClient: 'elasticloadbalancing',
      EC2Client: 'ec2',
      CloudWatchClient: 'cloudwatch',
      ACMClient: 'acm',
      STSClient: 'sts',
    };
    const pool: AwsClientPool = await createAwsClientPool({ endpointUrl: motoUrl });
    const instrumented = new WeakSet<AwsRegionClients>();
    const provider: AwsClientProvider = (region, account) => {
      const clients = pool.forRegion(region, account);
      if (!instrumented.has(clients)) {
        instrumented.add(clients);
        for (const client of Object.values(clients)) {
          (client.middlewareStack as MiddlewareStack<object, object>).add(
            (next, context) => async (args) => {
              const ctx = context as { clientName?: string; commandName?: string };
              sent.add(`${prefixOf[ctx.clientName ?? ''] ?? ctx.clientName}:${(ctx.commandName ?? '').replace(/Command$/, '')}`);
              return next(args);
            },
            { step: 'initialize', name: 'cloud502RecordCommands' },
          );
        }
      }
      return clients;
    };

    // Act: the seeded region, then every enabled region of an empty account through a role.
    try {
      const seeded = await collectAwsWithClients({ regions: [REGION], endpointUrl: motoUrl, metricsWindowSeconds: 600, now: new Date() }, provider);
      expect(seeded.regions[0]!.errors).toEqual([]);
      const discovered = await collectAwsWithClients(
        { regions: [REGION], allRegions: true, roleArns: [`arn:aws:iam::${PERMISSIONS_ACCOUNT}:role/cloud502-audit`], endpointUrl: motoUrl, metricsWindowSeconds: 0, now: new Date() },
        provider,
      );
      expect(discovered.regions.length).toBeGreaterThan(1);
      expect(discovered.regions.flatMap((r) => r.errors)).toEqual([]);
    } finally {
      pool.destroy();
    }

    // Assess
    const sts = [...sent].filter((a) => a.startsWith('sts:')).sort();
    expect(sts).toEqual(['sts:AssumeRole', 'sts:GetCallerIdentity']);
    const audited = [...sent].filter((a) => !a.startsWith('sts:')).sort();
    expect(audited).toEqual([...AWS_READ_ONLY_ACTIONS]);
    const mutating = /^(Create|Delete|Modify|Put|Register|Deregister|Set|Add|Remove|Attach|Detach|Update|Authorize|Revoke)/;
    expect([...sent].filter((a) => mutating.test(a.split(':')[1]!))).toEqual([]);
  });
});

describe('endpoint from the environment', () => {
  it('reaches moto through AWS_ENDPOINT_URL alone', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', motoUrl);
    try {
      const snapshot = await collectAws({ regions: [REGION], metricsWindowSeconds: 0, now: new Date() });
      const region = snapshot.regions[0]!;
      expect(region.errors).toEqual([]);
      expect(region.elbv2.loadBalancers.filter((lb) => lb.VpcId === env.vpcId)).toHaveLength(3);
      expect(region.cloudwatch).toEqual({ queries: [], results: [] });
      expect(snapshot.options.endpointUrl).toBe(motoUrl);
    } finally {
      vi.stubEnv('AWS_ENDPOINT_URL', undefined);
    }
  });
});
