/**
 * Google Cloud has no "load balancer" resource: forwarding rules point at target proxies, proxies at URL maps or
 * backend services, and passthrough forwarding rules at backend services directly. This module walks that graph and
 * builds one LoadBalancer per URL map (Application LBs), per TCP/SSL proxy (proxy Network LBs) and per backend
 * service behind passthrough forwarding rules, as the console groups them.
 */
import type { Certificate, Listener, LoadBalancer, LoadBalancerKind, NotCollected, Peer, Protocol, Route, Sourced } from '../../../src/model/index.js';
import { kindFacts } from '../../../src/model/lb-kinds.js';
import type { GcpMethod } from '../iam.js';
import { parseLink, relativeName } from '../links.js';
import type { RawForwardingRule, RawTargetProxy, RawUrlMap } from '../raw.js';
import type { ProjectContext } from './context.js';
import { regionOfLink } from './context.js';

/**
 * Health-check probe ranges of ALBs, proxy NLBs and internal passthrough NLBs.
 * https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
 */
export const PROBE_RANGES = ['35.191.0.0/16', '130.211.0.0/22'] as const;
/** External passthrough NLBs are probed from these (same page). */
export const PASSTHROUGH_PROBE_RANGES = ['35.191.0.0/16', '209.85.152.0/22', '209.85.204.0/22'] as const;

const cidrs = (ranges: readonly string[]): Peer[] => ranges.map((cidr) => ({ type: 'cidr', cidr }));

interface LbDraft {
  id: string;
  name: string;
  kind: LoadBalancerKind;
  region: string;
  scheme: string;
  network?: string;
  rules: RawForwardingRule[];
  proxies: RawTargetProxy[];
  urlMap?: RawUrlMap;
  /** The backend service of a proxy NLB or passthrough NLB. */
  service?: string;
  notCollected: NotCollected[];
}

/** Which kind a forwarding rule makes, from where it points and its scheme. */
function kindOf(rule: RawForwardingRule, targetCollection: string | undefined): LoadBalancerKind | undefined {
  const scheme = rule.loadBalancingScheme ?? 'EXTERNAL';
  const global = parseLink(rule.selfLink)?.scope === 'global';
  if (rule.backendService) return 'gcp-nlb-passthrough';
  if (targetCollection === 'targetTcpProxies' || targetCollection === 'targetSslProxies') return 'gcp-proxy-nlb';
  if (targetCollection === 'targetHttpProxies' || targetCollection === 'targetHttpsProxies') {
    if (scheme === 'INTERNAL_MANAGED') return 'gcp-alb-internal';
    if (scheme === 'EXTERNAL_MANAGED') return global ? 'gcp-alb-global' : 'gcp-alb-regional';
    if (scheme === 'EXTERNAL') return 'gcp-alb-classic';
  }
  return undefined;
}

const PROXY_LIST: Record<string, GcpMethod> = {
  targetHttpProxies: 'compute.targetHttpProxies.aggregatedList',
  targetHttpsProxies: 'compute.targetHttpsProxies.aggregatedList',
  targetTcpProxies: 'compute.targetTcpProxies.aggregatedList',
  targetSslProxies: 'compute.targetSslProxies.list',
};

/** Groups forwarding rules into load balancers. Rules whose target was not collected make a coverage note. */
function drafts(ctx: ProjectContext): LbDraft[] {
  const out = new Map<string, LbDraft>();
  const sorted = [...ctx.forwardingRules()].sort((a, b) => relativeName(a.selfLink).localeCompare(relativeName(b.selfLink)));
  for (const rule of sorted) {
    const target = parseLink(rule.target);
    const kind = kindOf(rule, target?.collection);
    if (!kind) continue;
    const region = regionOfLink(rule.selfLink) ?? 'global';
    let key: string;
    let draft: Partial<LbDraft>;
    if (kind === 'gcp-nlb-passthrough') {
      key = relativeName(rule.backendService);
      draft = { service: key, name: parseLink(rule.backendService)?.name ?? key };
    } else {
      const proxyId = target?.relative ?? '';
      const proxy = ctx.proxy(proxyId);
      if (!proxy) {
        const method = PROXY_LIST[target?.collection ?? ''];
        const missing = method ? ctx.notCollected('listeners', method) : undefined;
        // A proxy that was listed fine but is absent is gone; only a failed listing leaves the LB unknown.
        if (!missing) continue;
        key = proxyId;
        draft = { name: target?.name ?? proxyId, notCollected: [missing] };
      } else if (proxy.urlMap) {
        key = relativeName(proxy.urlMap);
        const urlMap = ctx.urlMap(key);
        const missing = urlMap ? undefined : ctx.notCollected('routes', 'compute.urlMaps.aggregatedList');
        draft = { name: parseLink(proxy.urlMap)?.name ?? key, ...(urlMap ? { urlMap } : {}), ...(missing ? { notCollected: [missing] } : {}), proxies: [proxy] };
      } else {
        key = proxyId;
        draft = { name: proxy.name ?? proxyId, service: relativeName(proxy.service), proxies: [proxy] };
      }
    }
    const existing = out.get(key);
    if (existing) {
      existing.rules.push(rule);
      for (const p of draft.proxies ?? []) if (!existing.proxies.includes(p)) existing.proxies.push(p);
      continue;
    }
    out.set(key, {
      id: key,
      name: draft.name ?? key,
      kind,
      region,
      scheme: rule.loadBalancingScheme ?? 'EXTERNAL',
      ...(rule.network ? { network: relativeName(rule.network) } : {}),
      rules: [rule],
      proxies: draft.proxies ?? [],
      ...(draft.urlMap ? { urlMap: draft.urlMap } : {}),
      ...(draft.service ? { service: draft.service } : {}),
      notCollected: draft.notCollected ?? [],
    });
  }
  return [...out.values()];
}

/** `443-443` → 443, `8080` → 8080; the first of `ports`; 0 for all ports. */
function portOf(rule: RawForwardingRule): number {
  const first = rule.portRange ?? rule.ports?.[0];
  const n = first ? Number.parseInt(first.split('-')[0] ?? '', 10) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

function listenerProtocol(rule: RawForwardingRule, proxyCollection: string | undefined): Protocol {
  switch (proxyCollection) {
    case 'targetHttpsProxies':
      return 'HTTPS';
    case 'targetHttpProxies':
      return 'HTTP';
    case 'targetSslProxies':
      return 'SSL';
    case 'targetTcpProxies':
      return 'TCP';
    default:
      return rule.IPProtocol === 'UDP' ? 'UDP' : rule.IPProtocol === 'L3_DEFAULT' ? 'TCP_UDP' : 'TCP';
  }
}

function certificatesOf(ctx: ProjectContext, proxy: RawTargetProxy | undefined): Certificate[] {
  return (proxy?.sslCertificates ?? []).map((link, i) => {
    const id = relativeName(link);
    const cert = ctx.certificate(id);
    const sans = cert?.subjectAlternativeNames ?? cert?.managed?.domains;
    return {
      id,
      ...(i === 0 ? { isDefault: true } : {}),
      ...(sans?.[0] ? { subject: sans[0] } : {}),
      ...(sans ? { sans } : {}),
      ...(cert?.expireTime ? { notAfter: cert.expireTime } : {}),
      ...(cert?.managed?.status ? { status: cert.managed.status } : {}),
    };
  });
}

/** URL-map path matchers → routes; backend buckets are not pools and are left out. */
function routesOf(urlMap: RawUrlMap | undefined): Route[] {
  if (!urlMap) return [];
  const hostsOf = new Map<string, string[]>();
  for (const h of urlMap.hostRules ?? []) if (h.pathMatcher) hostsOf.set(h.pathMatcher, h.hosts ?? []);
  const routes: Route[] = [];
  const isService = (link: string | undefined): link is string => parseLink(link)?.collection === 'backendServices';
  for (const m of urlMap.pathMatchers ?? []) {
    const hosts = hostsOf.get(m.name ?? '') ?? [];
    const hostText = hosts.length ? `host ${hosts.join(',')}` : '';
    const base = `${relativeName(urlMap.selfLink)}/pathMatchers/${m.name ?? '?'}`;
    (m.pathRules ?? []).forEach((r, i) => {
      if (isService(r.service)) routes.push({ id: `${base}/pathRules/${i}`, conditions: [hostText, `path ${(r.paths ?? []).join(',')}`].filter(Boolean).join(' '), poolIds: [relativeName(r.service)] });
    });
    (m.routeRules ?? []).forEach((r, i) => {
      const services = [r.service, ...(r.routeAction?.weightedBackendServices ?? []).map((w) => w.backendService)].filter(isService).map((s) => relativeName(s));
      if (services.length === 0) return;
      const match = (r.matchRules ?? []).map((mr) => mr.prefixMatch ?? mr.fullPathMatch ?? mr.regexMatch).filter(Boolean);
      routes.push({
        id: `${base}/routeRules/${i}`,
        ...(r.priority !== undefined ? { priority: r.priority } : {}),
        conditions: [hostText, match.length ? `path ${match.join(',')}` : ''].filter(Boolean).join(' '),
        poolIds: [...new Set(services)],
      });
    });
    if (isService(m.defaultService)) routes.push({ id: `${base}/default`, conditions: hostText || 'default', poolIds: [relativeName(m.defaultService)] });
  }
  return routes;
}

/** Envoy-based load balancers connect to backends from the proxy-only subnets of their region and network (G7). */
function isEnvoyBased(kind: LoadBalancerKind, scheme: string, region: string): boolean {
  if (kind === 'gcp-alb-regional' || kind === 'gcp-alb-internal') return true;
  // Proxy NLBs: internal ones and regional external ones run on Envoy; the global external one on GFEs.
  return kind === 'gcp-proxy-nlb' && (scheme === 'INTERNAL_MANAGED' || (scheme === 'EXTERNAL_MANAGED' && region !== 'global'));
}

function proxyOnlySources(ctx: ProjectContext, d: LbDraft, networks: string[]): Peer[] {
  const purpose = d.region === 'global' ? 'GLOBAL_MANAGED_PROXY' : 'REGIONAL_MANAGED_PROXY';
  return ctx
    .subnetworks()
    .filter((s) => s.purpose === purpose && (s.role === undefined || s.role === 'ACTIVE'))
    .filter((s) => d.region === 'global' || regionOfLink(s.selfLink) === d.region)
    .filter((s) => networks.length === 0 || networks.includes(relativeName(s.network)))
    .map((s) => s.ipCidrRange)
    .filter((c): c is string => !!c)
    .map((cidr) => ({ type: 'cidr', cidr }));
}

/** Client keep-alive of the HTTP(S) proxies (G4): the API omits the default. */
function clientKeepAlive(d: LbDraft): Sourced<number> | undefined {
  const set = d.proxies.find((p) => p.httpKeepAliveTimeoutSec !== undefined)?.httpKeepAliveTimeoutSec;
  if (set !== undefined) return { value: set, source: 'api', detail: 'target proxy httpKeepAliveTimeoutSec' };
  if (d.kind === 'gcp-alb-global') return { value: 610, source: 'provider-default', detail: 'httpKeepAliveTimeoutSec not set; global external ALB default 610 s' };
  if (d.kind === 'gcp-alb-regional' || d.kind === 'gcp-alb-internal') return { value: 600, source: 'provider-default', detail: 'httpKeepAliveTimeoutSec not set; default 600 s' };
  return undefined;
}

/**
 * Builds the load balancers of a project. `backendNetworks` gives the networks of a backend service's groups
 * (for proxy-only subnets of LBs whose forwarding rules name no network).
 */
export function mapLoadBalancers(ctx: ProjectContext, backendNetworks: (serviceId: string) => string[]): LoadBalancer[] {
  return drafts(ctx).map((d) => {
    const facts = kindFacts(d.kind);
    const urlMapDefault = d.urlMap?.defaultService && parseLink(d.urlMap.defaultService)?.collection === 'backendServices' ? [relativeName(d.urlMap.defaultService)] : [];
    const defaultPoolIds = d.service ? [d.service] : urlMapDefault;
    const routes = routesOf(d.urlMap);
    const listeners: Listener[] = d.rules.map((rule) => {
      const target = parseLink(rule.target);
      const proxy = target ? ctx.proxy(target.relative) : undefined;
      const id = relativeName(rule.selfLink);
      return {
        ref: ctx.ref('listener', 'gcp-forwarding-rule', id, rule.name ?? id, d.region),
        protocol: listenerProtocol(rule, target?.collection),
        port: portOf(rule),
        certificates: certificatesOf(ctx, proxy),
        defaultPoolIds,
        routes,
        ...(proxy?.sslPolicy ? { sslPolicy: relativeName(proxy.sslPolicy) } : {}),
      };
    });
    const pools = [...new Set([...defaultPoolIds, ...routes.flatMap((r) => r.poolIds)])];
    const networks = d.network ? [d.network] : [...new Set(pools.flatMap(backendNetworks))];
    const external = d.scheme.startsWith('EXTERNAL');
    const healthCheckSources = cidrs(d.kind === 'gcp-nlb-passthrough' && external ? PASSTHROUGH_PROBE_RANGES : PROBE_RANGES);
    // Who backends see: GFEs use the probe ranges (G5), Envoy proxies the proxy-only subnet (G7). Passthrough
    // backends see the clients themselves, whose ranges cloud502 does not know: left empty, traffic checks say so.
    const trafficSources: Peer[] =
      d.kind === 'gcp-nlb-passthrough' ? [] : isEnvoyBased(d.kind, d.scheme, d.region) ? proxyOnlySources(ctx, d, networks) : cidrs(PROBE_RANGES);
    const keepAlive = clientKeepAlive(d);
    const labels = d.rules.find((r) => r.labels && Object.keys(r.labels).length > 0)?.labels ?? {};
    return {
      ref: ctx.ref('load-balancer', d.kind, d.id, d.name, d.region),
      kind: d.kind,
      layer: facts.layer,
      scheme: external ? 'internet-facing' : 'internal',
      ...(networks[0] ? { networkId: networks[0] } : {}),
      zones: [],
      listeners,
      ...(facts.fixedBackendIdleTimeoutSeconds !== undefined
        ? {
            backendIdleTimeoutSeconds: {
              value: facts.fixedBackendIdleTimeoutSeconds,
              source: 'fixed' as const,
              detail: `${facts.label} keep-alive toward backends (not configurable)`,
            },
          }
        : {}),
      ...(keepAlive ? { clientKeepAliveSeconds: keepAlive } : {}),
      ...(d.notCollected.length ? { notCollected: d.notCollected } : {}),
      networkPolicyIds: [],
      subnetIds: [],
      healthCheckSources,
      trafficSources,
      attributes: {
        loadBalancingScheme: d.scheme,
        ...(d.urlMap?.selfLink ? { urlMap: relativeName(d.urlMap.selfLink) } : {}),
        ...(d.proxies.length ? { targetProxies: d.proxies.map((p) => relativeName(p.selfLink)).join(',') } : {}),
      },
      tags: { ...labels },
    };
  });
}
