/**
 * The AWS collect layer: every SDK call of an audit, per region, under one global concurrency limit.
 * The result is the raw snapshot after a JSON round trip, so a live audit and a replayed snapshot are identical.
 */
import pLimit from 'p-limit';
import { ConfigError } from '../../../src/errors.js';
import type { CollectOptions } from '../../../src/provider.js';
import { createAwsClientPool, loadAwsSdk, maxAttemptsFromEnv, type AwsClientProvider } from '../clients.js';
import { STS_GET_CALLER_IDENTITY } from '../iam.js';
import type { AwsCollectionError, AwsRawSnapshot, Jsonified } from '../raw.js';
import { resolveRegions } from '../regions.js';
import { collectAcm } from './acm.js';
import { collectCloudWatch, loadBalancerDimension } from './cloudwatch.js';
import { call, Progress, sendOptions, type CollectContext } from './context.js';
import { collectEc2, type Ec2Request } from './ec2.js';
import { collectElb, type ElbCollected } from './elb.js';
import { collectElbv2, type Elbv2Collected } from './elbv2.js';
import { toolVersion } from './tool-version.js';

export type { AwsClientProvider, AwsRegionClients } from '../clients.js';

export const DEFAULT_CONCURRENCY = 8;

/** Dates become ISO strings, undefined fields disappear: exactly what a saved snapshot reads back as. */
function jsonify<T>(value: T): Jsonified<T> {
  return JSON.parse(JSON.stringify(value)) as Jsonified<T>;
}

function concurrencyOf(options: CollectOptions): number {
  const value = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`concurrency must be a whole number of at least 1, got ${value}`);
  return value;
}

function effectiveEndpoint(options: CollectOptions): string | undefined {
  return options.endpointUrl || process.env.AWS_ENDPOINT_URL || undefined;
}

/**
 * Collects every region of `options.regions` (default: the profile's / environment's region) with real SDK
 * clients built from `options.profile` and `options.endpointUrl`.
 * @throws ConfigError for a bad region, CredentialsError for unusable credentials, CollectionError when AWS cannot be reached.
 * @example const raw = await collectAws({ regions: ['eu-west-1'], metricsWindowSeconds: 3600, now: new Date() });
 */
export async function collectAws(options: CollectOptions): Promise<AwsRawSnapshot> {
  const concurrency = concurrencyOf(options);
  const pool = await createAwsClientPool({
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    maxAttempts: maxAttemptsFromEnv(),
    concurrency,
  });
  try {
    return await collectAwsWithClients(options, pool.forRegion);
  } finally {
    pool.destroy();
  }
}

/**
 * Same as `collectAws` with the clients given by the caller (tests inject mocked or pointed clients).
 * The caller owns the clients: they are not destroyed here.
 */
export async function collectAwsWithClients(options: CollectOptions, clients: AwsClientProvider): Promise<AwsRawSnapshot> {
  const endpoint = effectiveEndpoint(options);
  const regions = await resolveRegions(options.regions, {
    ...(options.profile ? { profile: options.profile } : {}),
    endpointOverride: endpoint !== undefined,
  });
  const limit = pLimit(concurrencyOf(options));
  const sdk = await loadAwsSdk();
  // Aborted when one region fails fatally, so the other regions stop issuing calls.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;

  const contextFor = (region: string): CollectContext => ({
    sdk,
    clients: clients(region),
    region,
    limit,
    errors: [],
    signal,
    progress: new Progress(options.progress, region),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
  });

  try {
    const contexts = regions.map(contextFor);
    const first = contexts[0]!;
    const stsTick = first.progress.phase('sts', 1);
    const identity = await call(first, STS_GET_CALLER_IDENTITY, () => first.clients.sts.send(new sdk.sts.GetCallerIdentityCommand({}), sendOptions(first)), {
      fatalWhenUnreachable: true,
    });
    stsTick();
    const account = identity?.Account;
    const regionSnapshots = await Promise.all(contexts.map((ctx) => collectRegion(ctx, options, account)));
    const snapshot: LiveSnapshot = {
      format: 'cloud502-raw-snapshot',
      schemaVersion: 1,
      provider: 'aws',
      tool: { name: 'cloud502', version: toolVersion() },
      collectedAt: options.now.toISOString(),
      options: {
        regions,
        metricsWindowSeconds: options.metricsWindowSeconds,
        ...(endpoint ? { endpointUrl: endpoint } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
      },
      regions: regionSnapshots,
    };
    // Assigning without a cast lets the compiler check the live shapes against the raw contract.
    const raw: AwsRawSnapshot = jsonify(snapshot);
    return raw;
  } catch (err) {
    stop.abort(err);
    throw err;
  }
}

/** The snapshot before its JSON round trip (SDK shapes, with Dates). */
type LiveSnapshot = Omit<AwsRawSnapshot, 'regions'> & { regions: RegionCollected[] };

interface RegionCollected {
  region: string;
  account?: string;
  elbv2: Elbv2Collected;
  elb: ElbCollected;
  ec2: Awaited<ReturnType<typeof collectEc2>>;
  cloudwatch: Awaited<ReturnType<typeof collectCloudWatch>>;
  acm: { certificates: Awaited<ReturnType<typeof collectAcm>> };
  errors: AwsCollectionError[];
}

async function collectRegion(ctx: CollectContext, options: CollectOptions, account: string | undefined): Promise<RegionCollected> {
  const [elbv2, elb] = await Promise.all([collectElbv2(ctx), collectElb(ctx)]);
  const [ec2, cloudwatch, certificates] = await Promise.all([
    collectEc2(ctx, ec2RequestFor(elbv2, elb)),
    collectCloudWatch(
      ctx,
      { loadBalancers: elbv2.loadBalancers, targetGroups: elbv2.targetGroups, classicLoadBalancers: elb.loadBalancers, ...(account ? { account } : {}) },
      options.now,
      options.metricsWindowSeconds,
    ),
    collectAcm(ctx, certificateArnsOf(elbv2, elb)),
  ]);
  return {
    region: ctx.region,
    ...(account ? { account } : {}),
    elbv2,
    elb,
    ec2,
    cloudwatch,
    acm: { certificates },
    errors: ctx.errors,
  };
}

/** What EC2 must describe: the VPCs, target instances, IP targets and load balancer ENIs seen in ELB data. */
export function ec2RequestFor(elbv2: Elbv2Collected, elb: ElbCollected): Ec2Request {
  const vpcIds = new Set<string>();
  const instanceIds = new Set<string>();
  const ipTargetsByVpc = new Map<string, string[]>();
  const eniDescriptions: string[] = [];
  for (const lb of elbv2.loadBalancers) {
    if (lb.VpcId) vpcIds.add(lb.VpcId);
    if (lb.LoadBalancerArn) eniDescriptions.push(`ELB ${loadBalancerDimension(lb.LoadBalancerArn)}`);
  }
  for (const tg of elbv2.targetGroups) {
    if (tg.VpcId) vpcIds.add(tg.VpcId);
    const health = tg.TargetGroupArn ? elbv2.targetHealth[tg.TargetGroupArn] : undefined;
    for (const d of health ?? []) {
      const id = d.Target?.Id;
      if (!id) continue;
      if (tg.TargetType === 'instance' || (tg.TargetType === undefined && id.startsWith('i-'))) instanceIds.add(id);
      else if (tg.TargetType === 'ip' && tg.VpcId) {
        const list = ipTargetsByVpc.get(tg.VpcId) ?? [];
        if (!list.includes(id)) list.push(id);
        ipTargetsByVpc.set(tg.VpcId, list);
      }
    }
  }
  for (const lb of elb.loadBalancers) {
    if (lb.VPCId) vpcIds.add(lb.VPCId);
    if (lb.LoadBalancerName) eniDescriptions.push(`ELB ${lb.LoadBalancerName}`);
    for (const i of lb.Instances ?? []) if (i.InstanceId) instanceIds.add(i.InstanceId);
  }
  return { vpcIds: [...vpcIds], instanceIds: [...instanceIds], ipTargetsByVpc, loadBalancerEniDescriptions: eniDescriptions };
}

/** Certificate ARNs of HTTPS/TLS/SSL listeners, ELBv2 and classic. */
export function certificateArnsOf(elbv2: Elbv2Collected, elb: ElbCollected): string[] {
  const arns = new Set<string>();
  for (const certs of Object.values(elbv2.listenerCertificates)) for (const c of certs) if (c.CertificateArn) arns.add(c.CertificateArn);
  for (const listeners of Object.values(elbv2.listeners)) {
    for (const l of listeners) for (const c of l.Certificates ?? []) if (c.CertificateArn) arns.add(c.CertificateArn);
  }
  for (const lb of elb.loadBalancers) {
    for (const d of lb.ListenerDescriptions ?? []) if (d.Listener?.SSLCertificateId) arns.add(d.Listener.SSLCertificateId);
  }
  return [...arns];
}
