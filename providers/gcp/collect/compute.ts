/**
 * Compute Engine calls for one project: SDK calls only, no mapping. Aggregated lists where they exist (regional and
 * global resources in one listing), `maxResults` 500 pages followed through `nextPageToken` by the SDK's async
 * iterators, then the per-item calls: the members of every group a backend service uses, `getHealth` for every
 * backend service × group (their number is the product: they run under the run's concurrency limit and pacer), and
 * the effective firewalls of every network the backends live in. Resource links are parsed, never fetched.
 */
import type { GcpMethod } from '../iam.js';
import { permissionOf } from '../iam.js';
import { parseLink } from '../links.js';
import type {
  GcpProjectSnapshot,
  RawBackendService,
  RawEffectiveFirewalls,
  RawGroupInstance,
  RawHealthStatus,
  RawNetworkEndpointWithHealth,
} from '../raw.js';
import type { CollectContext } from './context.js';
import { all, call, CALL_OPTIONS, plain } from './context.js';
import type { GcpSdk } from './sdk.js';

type Compute = GcpSdk['compute'];

/** The Compute clients of a run, built once with the shared auth client and endpoint. */
export interface ComputeClients {
  backendServices: InstanceType<Compute['BackendServicesClient']>;
  regionBackendServices: InstanceType<Compute['RegionBackendServicesClient']>;
  urlMaps: InstanceType<Compute['UrlMapsClient']>;
  targetHttpProxies: InstanceType<Compute['TargetHttpProxiesClient']>;
  targetHttpsProxies: InstanceType<Compute['TargetHttpsProxiesClient']>;
  targetTcpProxies: InstanceType<Compute['TargetTcpProxiesClient']>;
  targetSslProxies: InstanceType<Compute['TargetSslProxiesClient']>;
  forwardingRules: InstanceType<Compute['ForwardingRulesClient']>;
  globalForwardingRules: InstanceType<Compute['GlobalForwardingRulesClient']>;
  healthChecks: InstanceType<Compute['HealthChecksClient']>;
  instanceGroups: InstanceType<Compute['InstanceGroupsClient']>;
  regionInstanceGroups: InstanceType<Compute['RegionInstanceGroupsClient']>;
  networkEndpointGroups: InstanceType<Compute['NetworkEndpointGroupsClient']>;
  instances: InstanceType<Compute['InstancesClient']>;
  firewalls: InstanceType<Compute['FirewallsClient']>;
  networks: InstanceType<Compute['NetworksClient']>;
  regionNetworkFirewallPolicies: InstanceType<Compute['RegionNetworkFirewallPoliciesClient']>;
  subnetworks: InstanceType<Compute['SubnetworksClient']>;
  sslCertificates: InstanceType<Compute['SslCertificatesClient']>;
}

/** SDK client options (ClientOptions of google-gax). */
export type GoogleClientOptions = ConstructorParameters<Compute['BackendServicesClient']>[0];

export function createComputeClients(compute: Compute, options: GoogleClientOptions): ComputeClients {
  return {
    backendServices: new compute.BackendServicesClient(options),
    regionBackendServices: new compute.RegionBackendServicesClient(options),
    urlMaps: new compute.UrlMapsClient(options),
    targetHttpProxies: new compute.TargetHttpProxiesClient(options),
    targetHttpsProxies: new compute.TargetHttpsProxiesClient(options),
    targetTcpProxies: new compute.TargetTcpProxiesClient(options),
    targetSslProxies: new compute.TargetSslProxiesClient(options),
    forwardingRules: new compute.ForwardingRulesClient(options),
    globalForwardingRules: new compute.GlobalForwardingRulesClient(options),
    healthChecks: new compute.HealthChecksClient(options),
    instanceGroups: new compute.InstanceGroupsClient(options),
    regionInstanceGroups: new compute.RegionInstanceGroupsClient(options),
    networkEndpointGroups: new compute.NetworkEndpointGroupsClient(options),
    instances: new compute.InstancesClient(options),
    firewalls: new compute.FirewallsClient(options),
    networks: new compute.NetworksClient(options),
    regionNetworkFirewallPolicies: new compute.RegionNetworkFirewallPoliciesClient(options),
    subnetworks: new compute.SubnetworksClient(options),
    sslCertificates: new compute.SslCertificatesClient(options),
  };
}

export async function closeComputeClients(clients: ComputeClients): Promise<void> {
  await Promise.all(Object.values(clients).map((c: { close(): Promise<void> }) => c.close().catch(() => undefined)));
}

const PAGE = { maxResults: 500 } as const;

/** Regions the audit is narrowed to; empty = all. Global resources always pass. */
function inRegions(regions: readonly string[], scope: string): boolean {
  if (regions.length === 0 || scope === 'global') return true;
  const location = scope.replace(/^(regions|zones)\//, '');
  const region = scope.startsWith('zones/') ? location.replace(/-[a-z]$/, '') : location;
  return regions.includes(region);
}

/**
 * Drains an aggregated listing: the items of the in-scope scopes, and warnings other than "no results" recorded
 * as errors of the scope (an unreachable zone is data not collected).
 */
async function aggregated<T>(
  ctx: CollectContext,
  method: GcpMethod,
  field: string,
  regions: readonly string[],
  listing: () => AsyncIterable<[string, Record<string, unknown>]>,
): Promise<T[] | undefined> {
  return call(ctx, method, {}, async () => {
    const out: T[] = [];
    for await (const [scope, scoped] of listing()) {
      if (!inRegions(regions, scope)) continue;
      const warning = scoped.warning as { code?: string; message?: string } | undefined;
      if (warning?.code && warning.code !== 'NO_RESULTS_ON_PAGE') {
        ctx.errors.push({
          api: method,
          permission: permissionOf(method),
          project: ctx.project,
          location: scope.replace(/^(regions|zones)\//, ''),
          code: String(warning.code),
          message: String(warning.message ?? warning.code).slice(0, 300),
        });
      }
      for (const item of (scoped[field] as unknown[] | undefined) ?? []) out.push(plain(item) as T);
    }
    return out;
  });
}

type Listing = Promise<unknown[] | undefined>;

async function into<T>(target: T[], listing: Promise<unknown[] | undefined>): Promise<void> {
  const items = await listing;
  if (items) target.push(...(items as T[]));
}

/** Every listing of the project, in parallel under the run's limit. */
async function listAll(ctx: CollectContext, c: ComputeClients, regions: readonly string[], snap: GcpProjectSnapshot): Promise<void> {
  const project = ctx.project;
  const req = { project, ...PAGE };
  const s = snap.compute;
  const agg = <T>(method: GcpMethod, field: string, fn: () => AsyncIterable<[string, unknown]>): Listing =>
    aggregated<T>(ctx, method, field, regions, fn as () => AsyncIterable<[string, Record<string, unknown>]>);
  const list = (method: GcpMethod, fn: () => AsyncIterable<unknown>): Listing => call(ctx, method, { location: 'global' }, async () => (await all(fn())).map(plain));
  await Promise.all([
    into(s.backendServices, agg('compute.backendServices.aggregatedList', 'backendServices', () => c.backendServices.aggregatedListAsync(req, CALL_OPTIONS))),
    into(s.urlMaps, agg('compute.urlMaps.aggregatedList', 'urlMaps', () => c.urlMaps.aggregatedListAsync(req, CALL_OPTIONS))),
    into(s.targetHttpProxies, agg('compute.targetHttpProxies.aggregatedList', 'targetHttpProxies', () => c.targetHttpProxies.aggregatedListAsync(req, CALL_OPTIONS))),
    into(s.targetHttpsProxies, agg('compute.targetHttpsProxies.aggregatedList', 'targetHttpsProxies', () => c.targetHttpsProxies.aggregatedListAsync(req, CALL_OPTIONS))),
    into(s.targetTcpProxies, agg('compute.targetTcpProxies.aggregatedList', 'targetTcpProxies', () => c.targetTcpProxies.aggregatedListAsync(req, CALL_OPTIONS))),
    into(s.targetSslProxies, list('compute.targetSslProxies.list', () => c.targetSslProxies.listAsync(req, CALL_OPTIONS))),
    // The aggregated forwarding-rule list does not include global forwarding rules.
    into(s.forwardingRules, agg('compute.forwardingRules.aggregatedList', 'forwardingRules', () => c.forwardingRules.aggregatedListAsync(req, CALL_OPTIONS))),
    into(s.forwardingRules, list('compute.globalForwardingRules.list', () => c.globalForwardingRules.listAsync(req, CALL_OPTIONS))),
    into(s.healthChecks, agg('compute.healthChecks.aggregatedList', 'healthChecks', () => c.healthChecks.aggregatedListAsync(req, CALL_OPTIONS))),
    into(s.instanceGroups, agg('compute.instanceGroups.aggregatedList', 'instanceGroups', () => c.instanceGroups.aggregatedListAsync(req, CALL_OPTIONS))),
    into(
      s.networkEndpointGroups,
      agg('compute.networkEndpointGroups.aggregatedList', 'networkEndpointGroups', () => c.networkEndpointGroups.aggregatedListAsync(req, CALL_OPTIONS)),
    ),
    into(s.instances, agg('compute.instances.aggregatedList', 'instances', () => c.instances.aggregatedListAsync(req, CALL_OPTIONS))),
    into(s.firewalls, list('compute.firewalls.list', () => c.firewalls.listAsync(req, CALL_OPTIONS))),
    into(s.networks, list('compute.networks.list', () => c.networks.listAsync(req, CALL_OPTIONS))),
    into(s.subnetworks, agg('compute.subnetworks.aggregatedList', 'subnetworks', () => c.subnetworks.aggregatedListAsync(req, CALL_OPTIONS))),
    into(s.sslCertificates, agg('compute.sslCertificates.aggregatedList', 'sslCertificates', () => c.sslCertificates.aggregatedListAsync(req, CALL_OPTIONS))),
  ]);
}

/** Backend services the audit covers: those a forwarding rule reaches, directly or through a proxy and URL map. */
function backendGroups(services: RawBackendService[]): Array<{ service: RawBackendService; group: string }> {
  const out: Array<{ service: RawBackendService; group: string }> = [];
  for (const service of services) for (const b of service.backends ?? []) if (b.group) out.push({ service, group: b.group });
  return out;
}

async function listGroupMembers(ctx: CollectContext, c: ComputeClients, groups: string[], snap: GcpProjectSnapshot): Promise<void> {
  await Promise.all(
    groups.map(async (group) => {
      const link = parseLink(group);
      if (!link) return;
      if (link.collection === 'instanceGroups') {
        const method: GcpMethod = link.scope === 'zones' ? 'compute.instanceGroups.listInstances' : 'compute.regionInstanceGroups.listInstances';
        const members = await call(ctx, method, { location: link.location, resourceId: link.relative }, async () => {
          const listing =
            link.scope === 'zones'
              ? c.instanceGroups.listInstancesAsync(
                  { project: link.project, zone: link.location, instanceGroup: link.name, instanceGroupsListInstancesRequestResource: { instanceState: 'ALL' }, ...PAGE },
                  CALL_OPTIONS,
                )
              : c.regionInstanceGroups.listInstancesAsync(
                  {
                    project: link.project,
                    region: link.location,
                    instanceGroup: link.name,
                    regionInstanceGroupsListInstancesRequestResource: { instanceState: 'ALL' },
                    ...PAGE,
                  },
                  CALL_OPTIONS,
                );
          return (await all(listing)).map(plain) as RawGroupInstance[];
        });
        if (members) snap.compute.groupInstances[link.relative] = members;
      } else if (link.collection === 'networkEndpointGroups' && link.scope === 'zones') {
        const endpoints = await call(ctx, 'compute.networkEndpointGroups.listNetworkEndpoints', { location: link.location, resourceId: link.relative }, async () => {
          const listing = c.networkEndpointGroups.listNetworkEndpointsAsync(
            {
              project: link.project,
              zone: link.location,
              networkEndpointGroup: link.name,
              networkEndpointGroupsListEndpointsRequestResource: { healthStatus: 'SHOW' },
              ...PAGE,
            },
            CALL_OPTIONS,
          );
          return (await all(listing)).map(plain) as RawNetworkEndpointWithHealth[];
        });
        if (endpoints) snap.compute.negEndpoints[link.relative] = endpoints;
      }
    }),
  );
}

/** Groups whose health `getHealth` reports: instance groups and zonal NEGs (serverless and internet NEGs have none). */
function hasHealth(group: string): boolean {
  const link = parseLink(group);
  return !!link && (link.collection === 'instanceGroups' || (link.collection === 'networkEndpointGroups' && link.scope === 'zones'));
}

async function getHealth(ctx: CollectContext, c: ComputeClients, pairs: Array<{ service: RawBackendService; group: string }>, snap: GcpProjectSnapshot): Promise<void> {
  await Promise.all(
    pairs
      .filter((p) => hasHealth(p.group))
      .map(async ({ service, group }) => {
        const link = parseLink(service.selfLink);
        const groupLink = parseLink(group);
        if (!link || !groupLink) return;
        const regional = link.scope === 'regions';
        const method: GcpMethod = regional ? 'compute.regionBackendServices.getHealth' : 'compute.backendServices.getHealth';
        const answer = await call(ctx, method, { location: link.location, resourceId: link.relative }, async () => {
          const resourceGroupReferenceResource = { group };
          const [health] = regional
            ? await c.regionBackendServices.getHealth({ project: link.project, region: link.location, backendService: link.name, resourceGroupReferenceResource }, CALL_OPTIONS)
            : await c.backendServices.getHealth({ project: link.project, backendService: link.name, resourceGroupReferenceResource }, CALL_OPTIONS);
          return plain(health) as { healthStatus?: RawHealthStatus[] };
        });
        if (answer) snap.compute.backendHealth.push({ backendService: link.relative, group: groupLink.relative, healthStatus: answer.healthStatus ?? [] });
      }),
  );
}

/** Where the backends live: the (network, region) pairs of the instance groups and NEGs that backend services use. */
export function backendPlacements(snap: GcpProjectSnapshot, groups: string[]): Array<{ network: string; region: string }> {
  const wanted = new Set(groups.map((g) => parseLink(g)?.relative).filter((g): g is string => !!g));
  const out = new Map<string, { network: string; region: string }>();
  const add = (network: string | undefined, where: string | undefined): void => {
    const n = parseLink(network)?.relative;
    const link = parseLink(where);
    if (!n || !link) return;
    const region = link.scope === 'zones' ? link.location.replace(/-[a-z]$/, '') : link.location;
    if (region !== 'global') out.set(`${n}@${region}`, { network: n, region });
  };
  for (const g of snap.compute.instanceGroups) if (wanted.has(parseLink(g.selfLink)?.relative ?? '')) add(g.network, g.selfLink);
  for (const n of snap.compute.networkEndpointGroups) if (wanted.has(parseLink(n.selfLink)?.relative ?? '')) add(n.network, n.selfLink);
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
}

/** The effective firewalls of every (network, region) the backends live in: VPC rules and every firewall-policy level. */
async function effectiveFirewalls(ctx: CollectContext, c: ComputeClients, placements: Array<{ network: string; region: string }>, snap: GcpProjectSnapshot): Promise<void> {
  await Promise.all(
    placements.map(async ({ network, region }) => {
      const link = parseLink(network);
      if (!link) return;
      const answer = await call(ctx, 'compute.regionNetworkFirewallPolicies.getEffectiveFirewalls', { location: region, resourceId: link.relative }, async () => {
        const [eff] = await c.regionNetworkFirewallPolicies.getEffectiveFirewalls({ project: link.project, region, network: link.name }, CALL_OPTIONS);
        return plain(eff) as RawEffectiveFirewalls;
      });
      if (answer) snap.compute.effectiveFirewalls[`${link.relative}@${region}`] = answer;
    }),
  );
}

/** Collects one project's Compute resources into `snap` (errors into `ctx.errors`). */
export async function collectCompute(ctx: CollectContext, clients: ComputeClients, regions: readonly string[], snap: GcpProjectSnapshot): Promise<void> {
  ctx.progress?.({ phase: 'compute', scope: ctx.project, message: 'listing load balancers, backends and firewalls' });
  await listAll(ctx, clients, regions, snap);
  if (ctx.run.connectionFailure) return;
  const pairs = backendGroups(snap.compute.backendServices);
  const groups = [...new Set(pairs.map((p) => p.group))];
  ctx.progress?.({ phase: 'compute', scope: ctx.project, message: `reading ${pairs.length} backend health states`, total: pairs.length });
  await Promise.all([
    listGroupMembers(ctx, clients, groups, snap),
    getHealth(ctx, clients, pairs, snap),
    effectiveFirewalls(ctx, clients, backendPlacements(snap, groups), snap),
  ]);
}

