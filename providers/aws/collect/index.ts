/**
 * The AWS collect layer: every SDK call of an audit, for every account (the caller's, or each assumed role's) and
 * region, under ONE global concurrency limit and ONE rate budget for the whole run. A scope that fails (a role
 * that cannot be assumed, a region the credentials do not work in, an unreachable region) is recorded as an error
 * of that scope and the run goes on; only when every scope fails that way does the run throw.
 * The result is the raw snapshot after a JSON round trip, so a live audit and a replayed snapshot are identical.
 */
import type { LoadBalancerDescription } from '@aws-sdk/client-elastic-load-balancing';
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit, { type LimitFunction } from 'p-limit';
import { ConfigError } from '../../../src/errors.js';
import type { AwsCollectOptions as CollectOptions } from '../options.js';
import { accountOfRoleArn, refreshingCredentials, resolveAccountSpecs, ROLE_SESSION_NAME, type AwsAccountSpec, type ExpiringCredentials } from '../accounts.js';
import { createAwsClientPool, loadAwsSdk, type AwsAccountCredentials, type AwsClientProvider, type AwsSdk } from '../clients.js';
import { STS_ASSUME_ROLE, STS_GET_CALLER_IDENTITY } from '../iam.js';
import { RateBudget, type BudgetClock } from '../rate-limit.js';
import { DEFAULT_RETRY_POLICY, maxAttemptsFromEnv, type RetryPolicy } from '../retry.js';
import type { AwsCollectionError, AwsRawSnapshot, Jsonified } from '../raw.js';
import { emptyAwsRegion } from '../raw.js';
import { resolveDefaultRegion, resolveRegions, validateRegions } from '../regions.js';
import { collectAcm } from './acm.js';
import { collectCloudWatch, loadBalancerDimension } from './cloudwatch.js';
import { call, DEADLINE_EXCEEDED, ScopeFailure, type Breakers, type CollectContext, type SendOptions } from './context.js';
import { Progress } from '../../../src/collect-progress.js';
import { DEADLINE_API } from '../../../src/engine/coverage-verdict.js';
import { redactUrlCredentials } from '../../../src/redact.js';
import { collectEc2Network, collectEc2Targets, mergeEc2, type Ec2Collected, type Ec2NetworkRequest, type Ec2TargetRequest } from './ec2.js';
import { describeElb, listElb, type ElbCollected } from './elb.js';
import { describeElbv2, listElbv2, type Elbv2Collected, type Elbv2Listing } from './elbv2.js';
import { toolVersion } from '../../../src/version.js';
import { roundTripJson } from '../../../src/json-pieces.js';

export type { AwsClientProvider, AwsRegionClients } from '../clients.js';

export const DEFAULT_CONCURRENCY = 8;

/**
 * At most this share of the concurrency limit goes to one API in one account and region (at least one slot).
 * A quarter lets four APIs run at full speed side by side; measured in bench/ (16 GetMetricData calls of 500
 * queries otherwise took every slot for seconds while the target-group calls waited).
 */
export function apiShareOf(concurrency: number): number {
  return Math.max(1, Math.ceil(concurrency / 4));
}

/** Used as the home region (STS, region discovery) when all regions are audited and no region is configured. */
export const FALLBACK_HOME_REGION = 'us-east-1';

/** What a caller may share with the collection, beyond the options. */
export interface CollectDeps {
  /** The run's rate budget (the bench reads its statistics); by default a fresh one from `options.rateLimits`. */
  budget?: RateBudget;
  /** The clock of the rate budget, back-offs and retry budgets (tests run a throttling storm on a fake one). */
  clock?: BudgetClock;
  /** Overrides of the retry policy (tests shorten it); CLOUD502_AWS_MAX_ATTEMPTS caps the attempts. */
  retry?: Partial<RetryPolicy>;
}

/** The retry policy of a run: the defaults, CLOUD502_AWS_MAX_ATTEMPTS, then the caller's overrides. */
function retryPolicyOf(deps: CollectDeps): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, maxAttempts: maxAttemptsFromEnv(), ...deps.retry };
}

/** The audit deadline as a signal that fires at `at` (undefined without a deadline). */
function startDeadline(at: Date | undefined): { signal: AbortSignal; at: number; dispose(): void } | undefined {
  if (!at) return undefined;
  const controller = new AbortController();
  const ms = at.getTime() - Date.now();
  const reason = () => Object.assign(new Error('the audit deadline passed'), { name: DEADLINE_EXCEEDED });
  if (ms <= 0) {
    controller.abort(reason());
    return { signal: controller.signal, at: at.getTime(), dispose() {} };
  }
  const timer = setTimeout(() => controller.abort(reason()), ms);
  return { signal: controller.signal, at: at.getTime(), dispose: () => clearTimeout(timer) };
}

/** Errors in a fixed order: retries finish in any order, and two collections of the same state must be equal. */
function sortedErrors(errors: AwsCollectionError[]): AwsCollectionError[] {
  const key = (e: AwsCollectionError) => [e.api, e.resourceId ?? '', e.code, e.message];
  return [...errors].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    return 0;
  });
}

/** The scope-level entry saying that collection of a scope stopped at the deadline (the coverage verdict reads it). */
function deadlineRecord(region: string): AwsCollectionError {
  return {
    api: DEADLINE_API,
    region,
    code: DEADLINE_EXCEEDED,
    message: `collection of ${region} stopped at the audit deadline; what was not collected by then is listed as ${DEADLINE_EXCEEDED}`,
  };
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return sleep(ms, undefined, signal ? { signal } : {});
}

/**
 * Dates become ISO strings, undefined fields disappear: exactly what a saved snapshot reads back as. Region by region,
 * so a large collection is never one string.
 */
function jsonify<T>(value: T): Jsonified<T> {
  return roundTripJson(value) as Jsonified<T>;
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
 * Collects every account (the caller's, or those of `roleArns` / `accountsFile`) and region (`regions`, the default
 * region, or with `allRegions` every region enabled for the account) with real SDK clients built from
 * `options.profile` and `options.endpointUrl`.
 * @throws ConfigError for a bad region, role ARN or accounts file; CredentialsError when the credentials work in no
 *   scope; CollectionError when AWS cannot be reached at all.
 * @example const raw = await collectAws({ regions: ['eu-west-1'], metricsWindowSeconds: 3600, now: new Date() });
 */
export async function collectAws(options: CollectOptions, deps: CollectDeps = {}): Promise<AwsRawSnapshot> {
  const concurrency = concurrencyOf(options);
  const retry = retryPolicyOf(deps);
  const pool = await createAwsClientPool({
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpointUrl ? { endpointUrl: options.endpointUrl } : {}),
    concurrency,
    requestTimeoutMs: retry.attemptTimeoutMs,
  });
  try {
    return await collectAwsWithClients(options, pool.forRegion, deps);
  } finally {
    pool.destroy();
  }
}

/** One audited account: the caller's own (no credentials) or an assumed role's. */
interface AccountScope {
  /** Account id when known. */
  account?: string;
  /** Prefix of progress scopes; undefined for the caller's own account, whose scopes are plain region names. */
  label?: string;
  credentials?: AwsAccountCredentials;
  /** Errors of account-level calls (GetCallerIdentity), reported with the account's first region. */
  errors: AwsCollectionError[];
}

/** A region entry and, when its scope failed because credentials or the endpoint did not work there, that failure. */
interface ScopeOutcome {
  collected: RegionCollected;
  fatal?: ScopeFailure;
}

/**
 * Same as `collectAws` with the clients given by the caller (tests inject mocked or pointed clients).
 * The caller owns the clients: they are not destroyed here.
 */
export async function collectAwsWithClients(options: CollectOptions, clients: AwsClientProvider, deps: CollectDeps = {}): Promise<AwsRawSnapshot> {
  const endpoint = effectiveEndpoint(options);
  const accounts = await resolveAccountSpecs(options);
  const regions = await regionsToAudit(options, endpoint);
  const home = regions[0]!;
  const concurrency = concurrencyOf(options);
  const limit = pLimit(concurrency);
  const apiLimits = new Map<string, LimitFunction>();
  const share = apiShareOf(concurrency);
  const apiLimit = (key: string): LimitFunction => {
    let l = apiLimits.get(key);
    if (!l) apiLimits.set(key, (l = pLimit(share)));
    return l;
  };
  const budget = deps.budget ?? new RateBudget(options.rateLimits ?? {}, ...(deps.clock ? [deps.clock] : []));
  const clock: BudgetClock = deps.clock ?? { now: () => performance.now(), sleep: (ms, signal) => sleepFor(ms, signal) };
  const retry = retryPolicyOf(deps);
  const breakers: Breakers = new Map();
  const sdk = await loadAwsSdk();
  // Aborted when the run fails, so that no scope goes on issuing calls.
  const stop = new AbortController();
  const runSignal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const deadline = startDeadline(options.deadline);

  // Calls with the caller's credentials (GetCallerIdentity, AssumeRole) are budgeted under "caller".
  const contextFor = (region: string, scope: Pick<AccountScope, 'account' | 'label' | 'credentials'>, signal: AbortSignal): CollectContext => ({
    sdk,
    clients: scope.credentials ? clients(region, scope.credentials) : clients(region),
    region,
    budgetAccount: scope.credentials ? (scope.account ?? scope.credentials.key) : 'caller',
    limit,
    apiLimit,
    budget,
    errors: [],
    signal,
    ...(deadline ? { deadline: deadline.signal, deadlineAt: deadline.at } : {}),
    outcome: { deadlineReached: false },
    retry,
    clock,
    breakers,
    progress: new Progress(options.progress, scope.label ? `${scope.label}/${region}` : region),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(endpoint ? { endpoint: redactUrlCredentials(endpoint) } : {}),
  });

  /** Collects one account × region; a ScopeFailure empties the entry and is kept to decide whether the run failed. */
  const collectScope = async (scope: AccountScope, region: string, leading: AwsCollectionError[]): Promise<ScopeOutcome> => {
    const scopeStop = new AbortController();
    const ctx = contextFor(region, scope, AbortSignal.any([runSignal, scopeStop.signal]));
    ctx.errors.push(...leading);
    try {
      const collected = await collectRegion(ctx, options, scope.account);
      if (ctx.outcome.deadlineReached) collected.errors.push(deadlineRecord(region));
      return { collected };
    } catch (err) {
      // Stops the scope's other calls: they would fail the same way.
      scopeStop.abort(err);
      if (!(err instanceof ScopeFailure) || runSignal.aborted) throw err;
      return { collected: emptyRegion(region, scope.account, [...leading, err.record]), fatal: err };
    }
  };

  /** The regions of an account and its entries; an account whose region discovery failed gets one entry in `home`. */
  const collectAccount = async (scope: AccountScope): Promise<ScopeOutcome[]> => {
    let scopeRegions = regions;
    if (options.allRegions) {
      const ctx = contextFor(home, scope, runSignal);
      const discovered = await enabledRegions(ctx, sdk);
      if (!Array.isArray(discovered)) {
        const errors = [...scope.errors, ...discovered.errors, ...(ctx.outcome.deadlineReached ? [deadlineRecord(home)] : [])];
        return [{ collected: emptyRegion(home, scope.account, errors), ...(discovered.fatal ? { fatal: discovered.fatal } : {}) }];
      }
      scopeRegions = discovered;
    }
    return Promise.all(scopeRegions.map((region, i) => collectScope(scope, region, i === 0 ? scope.errors : [])));
  };

  const collectScopes = async (): Promise<ScopeOutcome[]> => {
    if (accounts.length === 0) return collectAccount(await callerAccount(contextFor(home, {}, runSignal), sdk));
    const perAccount = await Promise.all(
      accounts.map(async (spec) => {
        const ctx = contextFor(home, { label: spec.name ?? accountOfRoleArn(spec.roleArn) ?? spec.roleArn }, runSignal);
        const assumed = await assumeRole(ctx, sdk, budget, spec);
        if ('scope' in assumed) return collectAccount(assumed.scope);
        const errors = ctx.outcome.deadlineReached ? [...assumed.errors, deadlineRecord(home)] : assumed.errors;
        return [{ collected: emptyRegion(home, accountOfRoleArn(spec.roleArn), errors), ...(assumed.fatal ? { fatal: assumed.fatal } : {}) }];
      }),
    );
    return perAccount.flat();
  };

  try {
    let outcomes: ScopeOutcome[];
    try {
      outcomes = await collectScopes();
    } finally {
      deadline?.dispose();
    }
    // One scope that worked, or failed for a reason of its own, makes a snapshot; credentials that work nowhere do not.
    const fatal = outcomes.map((o) => o.fatal);
    if (fatal.length > 0 && fatal.every((f) => f !== undefined)) throw fatal[0]!.error;

    const collectedRegions = [...new Set(outcomes.map((o) => o.collected.region))];
    const snapshot: LiveSnapshot = {
      format: 'cloud502-raw-snapshot',
      schemaVersion: 1,
      provider: 'aws',
      tool: { name: 'cloud502', version: toolVersion() },
      collectedAt: options.now.toISOString(),
      options: {
        regions: collectedRegions,
        metricsWindowSeconds: options.metricsWindowSeconds,
        // Credentials in the URL never go into a file that is shared for bug reports.
        ...(endpoint ? { endpointUrl: redactUrlCredentials(endpoint) } : {}),
        ...(options.profile ? { profile: options.profile } : {}),
      },
      regions: outcomes.map((o) => ({ ...o.collected, errors: sortedErrors(o.collected.errors) })),
    };
    // Assigning without a cast lets the compiler check the live shapes against the raw contract.
    const raw: AwsRawSnapshot = jsonify(snapshot);
    return raw;
  } catch (err) {
    stop.abort(err);
    throw err instanceof ScopeFailure ? err.error : err;
  }
}

/**
 * The regions named in the options (or the default region), validated. With `allRegions` only the first matters:
 * it is the home region of the discovery calls, and `us-east-1` when nothing is configured.
 */
async function regionsToAudit(options: CollectOptions, endpoint: string | undefined): Promise<string[]> {
  const settings = { ...(options.profile ? { profile: options.profile } : {}), endpointOverride: endpoint !== undefined };
  const named = (options.regions ?? []).some((r) => r.trim() !== '');
  if (!options.allRegions || named) {
    const regions = await resolveRegions(options.regions, settings);
    return options.allRegions ? regions.slice(0, 1) : regions;
  }
  const home = (await resolveDefaultRegion(options.profile)) ?? FALLBACK_HOME_REGION;
  validateRegions([home], settings);
  return [home];
}

/** The caller's own account: its id from GetCallerIdentity. Any failure of that first call ends the run. */
async function callerAccount(ctx: CollectContext, sdk: AwsSdk): Promise<AccountScope> {
  const tick = ctx.progress.phase('sts', 1);
  const identity = await call(ctx, STS_GET_CALLER_IDENTITY, (send) => ctx.clients.sts.send(new sdk.sts.GetCallerIdentityCommand({}), send), {
    fatalWhenUnreachable: true,
    // A web server behind --endpoint-url answers 200 with a page the SDK reads as an empty result.
    requires: 'Account',
  });
  tick();
  return { ...(identity?.Account ? { account: identity.Account } : {}), errors: ctx.errors };
}

/** The account id in an assumed-role ARN (`arn:aws:sts::123456789012:assumed-role/NAME/SESSION`). */
function accountOfAssumedRole(arn: string | undefined): string | undefined {
  return arn ? /^arn:[a-z-]+:sts::(\d{12}):/.exec(arn)?.[1] : undefined;
}

type AssumeOutcome = { scope: AccountScope } | { errors: AwsCollectionError[]; fatal?: ScopeFailure };

/**
 * sts:AssumeRole with the caller's credentials (RoleSessionName `cloud502`, ExternalId when given). The account's
 * clients get credentials that re-assume the role before they expire; that refresh is paced by the budget but
 * takes no concurrency slot, since it runs inside a call that already holds one.
 */
async function assumeRole(ctx: CollectContext, sdk: AwsSdk, budget: RateBudget, spec: AwsAccountSpec): Promise<AssumeOutcome> {
  const input = { RoleArn: spec.roleArn, RoleSessionName: ROLE_SESSION_NAME, ...(spec.externalId ? { ExternalId: spec.externalId } : {}) };
  const send = (options: SendOptions) => ctx.clients.sts.send(new sdk.sts.AssumeRoleCommand(input), options);
  const tick = ctx.progress.phase('sts', 1);
  let out: Awaited<ReturnType<typeof send>> | undefined;
  try {
    out = await call(ctx, STS_ASSUME_ROLE, send, { resourceId: spec.roleArn, fatalWhenUnreachable: true });
  } catch (err) {
    if (err instanceof ScopeFailure) return { errors: [err.record], fatal: err };
    throw err;
  } finally {
    tick();
  }
  const credentialsOf = (o: typeof out): ExpiringCredentials | undefined => {
    const c = o?.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) return undefined;
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
  };
  const initial = credentialsOf(out);
  if (!out || !initial) {
    if (out) ctx.errors.push({ api: STS_ASSUME_ROLE, region: ctx.region, code: 'NoCredentials', message: 'AssumeRole answered without credentials', resourceId: spec.roleArn });
    return { errors: ctx.errors };
  }
  const refresh = async (): Promise<ExpiringCredentials> => {
    await budget.take(ctx.budgetAccount, ctx.region, STS_ASSUME_ROLE, ctx.signal);
    await budget.admit(ctx.budgetAccount, ctx.region, STS_ASSUME_ROLE, ctx.signal);
    // Runs inside another call's attempt, whose own timeout bounds it too; this one bounds it without a deadline.
    const timeout = AbortSignal.timeout(ctx.retry.attemptTimeoutMs);
    const fresh = credentialsOf(await send({ abortSignal: ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout }));
    if (!fresh) throw Object.assign(new Error(`AssumeRole of ${spec.roleArn} answered without credentials`), { name: 'NoCredentials' });
    return fresh;
  };
  const account = accountOfAssumedRole(out.AssumedRoleUser?.Arn) ?? accountOfRoleArn(spec.roleArn);
  return {
    scope: {
      ...(account ? { account } : {}),
      label: spec.name ?? account ?? spec.roleArn,
      credentials: { key: spec.roleArn, credentials: refreshingCredentials(initial, refresh) },
      errors: [],
    },
  };
}

/**
 * The regions enabled for the account (ec2:DescribeRegions, AllRegions=false), sorted. Regions reported as
 * `not-opted-in` are dropped too: AWS leaves them out already, emulators such as moto list them.
 */
async function enabledRegions(ctx: CollectContext, sdk: AwsSdk): Promise<string[] | { errors: AwsCollectionError[]; fatal?: ScopeFailure }> {
  const tick = ctx.progress.phase('regions', 1);
  try {
    const res = await call(ctx, 'ec2:DescribeRegions', (send) => ctx.clients.ec2.send(new sdk.ec2.DescribeRegionsCommand({ AllRegions: false }), send), {
      fatalWhenUnreachable: true,
      requires: 'Regions',
    });
    if (!res) return { errors: ctx.errors };
    return (res.Regions ?? [])
      .filter((r) => r.RegionName && r.OptInStatus !== 'not-opted-in')
      .map((r) => r.RegionName!)
      .sort();
  } catch (err) {
    if (err instanceof ScopeFailure) return { errors: [err.record], fatal: err };
    throw err;
  } finally {
    tick();
  }
}

/** The snapshot before its JSON round trip (SDK shapes, with Dates). */
type LiveSnapshot = Omit<AwsRawSnapshot, 'regions'> & { regions: RegionCollected[] };

interface RegionCollected {
  region: string;
  account?: string;
  elbv2: Elbv2Collected;
  elb: ElbCollected;
  ec2: Ec2Collected;
  cloudwatch: Awaited<ReturnType<typeof collectCloudWatch>>;
  acm: { certificates: Awaited<ReturnType<typeof collectAcm>> };
  errors: AwsCollectionError[];
}

/** A region entry for a scope that produced nothing but its errors. */
function emptyRegion(region: string, account: string | undefined, errors: AwsCollectionError[]): RegionCollected {
  // Empty lists and maps hold no Dates, so the JSON form and the SDK form of an empty region are the same value.
  return emptyAwsRegion(region, account, errors) as unknown as RegionCollected;
}

async function collectRegion(ctx: CollectContext, options: CollectOptions, account: string | undefined): Promise<RegionCollected> {
  const [listed, classicListed] = await Promise.all([listElbv2(ctx), listElb(ctx)]);
  const early = Promise.all([
    collectCloudWatch(
      ctx,
      { loadBalancers: listed.loadBalancers, targetGroups: listed.targetGroups, classicLoadBalancers: classicListed, ...(account ? { account } : {}) },
      options.now,
      options.metricsWindowSeconds,
    ),
    collectEc2Network(ctx, networkRequestFor(listed, classicListed)),
  ]);
  // Awaited below; until then a rejection must not count as unhandled.
  early.catch(() => undefined);
  const [elbv2, elb] = await Promise.all([describeElbv2(ctx, listed), describeElb(ctx, classicListed)]);
  const [targets, certificates] = await Promise.all([collectEc2Targets(ctx, targetRequestFor(elbv2, elb)), collectAcm(ctx, certificateArnsOf(elbv2, elb))]);
  const [cloudwatch, network] = await early;
  return {
    region: ctx.region,
    ...(account ? { account } : {}),
    elbv2,
    elb,
    ec2: mergeEc2(network, targets),
    cloudwatch,
    acm: { certificates },
    errors: ctx.errors,
  };
}

/** The VPCs of load balancers and target groups, and the descriptions AWS gives the load balancers' interfaces. */
export function networkRequestFor(listed: Elbv2Listing, classic: readonly LoadBalancerDescription[]): Ec2NetworkRequest {
  const vpcIds = new Set<string>();
  const eniDescriptions: string[] = [];
  for (const lb of listed.loadBalancers) {
    if (lb.VpcId) vpcIds.add(lb.VpcId);
    if (lb.LoadBalancerArn) eniDescriptions.push(`ELB ${loadBalancerDimension(lb.LoadBalancerArn)}`);
  }
  for (const tg of listed.targetGroups) if (tg.VpcId) vpcIds.add(tg.VpcId);
  for (const lb of classic) {
    if (lb.VPCId) vpcIds.add(lb.VPCId);
    if (lb.LoadBalancerName) eniDescriptions.push(`ELB ${lb.LoadBalancerName}`);
  }
  return { vpcIds: [...vpcIds], loadBalancerEniDescriptions: eniDescriptions };
}

/** The target instances (ELBv2 instance targets, classic instances) and IP targets by VPC, from target health. */
export function targetRequestFor(elbv2: Elbv2Collected, elb: ElbCollected): Ec2TargetRequest {
  const instanceIds = new Set<string>();
  const ipTargetsByVpc = new Map<string, string[]>();
  for (const tg of elbv2.targetGroups) {
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
  for (const lb of elb.loadBalancers) for (const i of lb.Instances ?? []) if (i.InstanceId) instanceIds.add(i.InstanceId);
  return { instanceIds: [...instanceIds], ipTargetsByVpc };
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
