/**
 * Application Gateways (v1 and v2) → LoadBalancer + one BackendPool per (backend pool × backend settings) pair a
 * routing rule uses: the settings decide the port, protocol, probe, request timeout and TLS of that traffic, and the
 * backend-health API reports health per pair. A pool no rule uses is a BackendPool of its own, routed by nothing.
 */
import type { BackendPool, Certificate, HealthCheck, Listener, LoadBalancer, NotCollected, Peer, PoolTls, Route, Sourced, Target, Zone } from '../../../src/model/index.js';
import { parseIp } from '../../../src/model/cidr.js';
import { AZURE_API } from '../apis.js';
import type { RawApplicationGateway, RawBackendHealth, RawVirtualNetwork } from '../raw.js';
import type { SubscriptionContext } from './context.js';
import { tagsOf, uniq } from './context.js';
import { modelProtocol, notCollectedIf, unusedPools } from './common.js';
import { parseStatusRanges } from '../../../src/model/health.js';
import { appGatewayHealth, notCollectedHealth } from './health.js';
import { IdIndex, idKey, nameOfId, parentAt } from '../ids.js';
import type { Placement } from './targets.js';
import { placementOfAddress, placementOfIpConfig } from './targets.js';
import { virtualNetworkTagAttributes } from './network.js';

type RawPool = NonNullable<RawApplicationGateway['backendAddressPools']>[number];
type RawHttpSettings = NonNullable<RawApplicationGateway['backendHttpSettingsCollection']>[number];
/** Backend settings of a v2 TCP/TLS (layer-4 proxy) routing rule: port, protocol Tcp/Tls, connection timeout, probe. */
type RawL4Settings = NonNullable<RawApplicationGateway['backendSettingsCollection']>[number];
/** Both kinds of settings: the fields only one kind has are optional on the other. */
type RawSettings = RawHttpSettings & Partial<Pick<RawL4Settings, 'timeout'>>;
type RawProbe = NonNullable<RawApplicationGateway['probes']>[number];
type RawHealthServer = NonNullable<NonNullable<NonNullable<RawBackendHealth['backendAddressPools']>[number]['backendHttpSettingsCollection']>[number]['servers']>[number];

/** Documented defaults: https://learn.microsoft.com/azure/application-gateway/application-gateway-probe-overview, configuration-http-settings. */
export const APPGW_DEFAULT_PROBE = { intervalSeconds: 30, timeoutSeconds: 30, unhealthyThreshold: 3, matcher: '200-399', path: '/', host: '127.0.0.1' } as const;
export const APPGW_DEFAULT_REQUEST_TIMEOUT_SECONDS = 20;
export const APPGW_DRAIN_WHEN_DISABLED_SECONDS = 30;

const V2_TIERS = new Set(['standard_v2', 'waf_v2', 'basic']);
const V1_TIERS = new Set(['standard', 'waf']);

/** v1 or v2 from the SKU tier (`Standard`/`WAF` are v1; `Standard_v2`, `WAF_v2` and `Basic` are v2). */
export function appGatewayGeneration(sku: RawApplicationGateway['sku']): 'v1' | 'v2' | undefined {
  const tier = (sku?.tier ?? '').toLowerCase();
  if (V2_TIERS.has(tier)) return 'v2';
  if (V1_TIERS.has(tier)) return 'v1';
  const name = (sku?.name ?? '').toLowerCase();
  if (name.endsWith('_v2') || name === 'basic') return 'v2';
  if (/^(standard|waf)_(small|medium|large)$/.test(name)) return 'v1';
  return undefined;
}

/** The pair's id and name, after Azure's own `pool~settings` notation (the BackendSettingsPool metric dimension). */
export function pairId(pool: RawPool, settings: RawSettings): string {
  return `${pool.id ?? ''}~${settings.name ?? nameOfId(settings.id ?? '')}`;
}

export function pairName(pool: RawPool, settings: RawSettings): string {
  return `${pool.name ?? nameOfId(pool.id ?? '')}~${settings.name ?? nameOfId(settings.id ?? '')}`;
}

interface Parts {
  pools: IdIndex<RawPool>;
  settings: IdIndex<RawSettings>;
  /** The TCP/TLS settings (`backendSettingsCollection`), referenced by layer-4 routing rules. */
  l4Settings: IdIndex<RawSettings>;
  probes: IdIndex<RawProbe>;
}

function partsOf(agw: RawApplicationGateway): Parts {
  return {
    pools: new IdIndex(agw.backendAddressPools ?? []),
    settings: new IdIndex(agw.backendHttpSettingsCollection ?? []),
    l4Settings: new IdIndex((agw.backendSettingsCollection ?? []) as RawSettings[]),
    probes: new IdIndex(agw.probes ?? []),
  };
}

/** Which host the probe sends, and how that was decided (docs: custom probe host, else the settings' host). */
function probeHost(probe: RawProbe | undefined, settings: RawSettings, v2: boolean): string | undefined {
  if (probe) {
    if (probe.host) return probe.host;
    if (probe.pickHostNameFromBackendHttpSettings || probe.pickHostNameFromBackendSettings) return settings.hostName;
    return undefined;
  }
  // The default probe: v2 uses the settings' host name; otherwise it probes 127.0.0.1.
  if (v2 && settings.hostName) return settings.hostName;
  if (v2 && settings.pickHostNameFromBackendAddress) return undefined;
  return APPGW_DEFAULT_PROBE.host;
}

function healthCheckOf(settings: RawSettings, probe: RawProbe | undefined, v2: boolean, ctx: SubscriptionContext, location: string | undefined): HealthCheck {
  const host = probeHost(probe, settings, v2);
  const healthyThreshold: Sourced<number> = { value: 1, source: 'fixed', detail: 'Application Gateway marks a server healthy after one successful probe' };
  const settingsProtocol = modelProtocol(settings.protocol);
  if (!probe && (settingsProtocol === 'TCP' || settingsProtocol === 'TLS')) {
    // The default probe of a TCP/TLS rule opens a connection (a TLS handshake for Tls) to the backend port.
    return {
      enabled: true,
      protocol: settingsProtocol,
      ...(settings.port !== undefined ? { port: settings.port } : {}),
      usesTrafficPort: true,
      intervalSeconds: { value: APPGW_DEFAULT_PROBE.intervalSeconds, source: 'provider-default', detail: 'default probe' },
      timeoutSeconds: { value: APPGW_DEFAULT_PROBE.timeoutSeconds, source: 'provider-default', detail: 'default probe' },
      healthyThreshold,
      unhealthyThreshold: { value: APPGW_DEFAULT_PROBE.unhealthyThreshold, source: 'provider-default', detail: 'default probe' },
    };
  }
  if (!probe) {
    const protocol = settingsProtocol;
    return {
      enabled: true,
      ...(protocol ? { protocol } : {}),
      ...(settings.port !== undefined ? { port: settings.port } : {}),
      usesTrafficPort: true,
      path: APPGW_DEFAULT_PROBE.path,
      ...(host ? { host } : {}),
      intervalSeconds: { value: APPGW_DEFAULT_PROBE.intervalSeconds, source: 'provider-default', detail: 'default probe' },
      timeoutSeconds: { value: APPGW_DEFAULT_PROBE.timeoutSeconds, source: 'provider-default', detail: 'default probe' },
      healthyThreshold,
      unhealthyThreshold: { value: APPGW_DEFAULT_PROBE.unhealthyThreshold, source: 'provider-default', detail: 'default probe' },
      matcher: APPGW_DEFAULT_PROBE.matcher,
      successCodes: [{ from: 200, to: 399 }],
    };
  }
  const protocol = modelProtocol(probe.protocol);
  const port = probe.port ?? settings.port;
  const codes = probe.match?.statusCodes && probe.match.statusCodes.length > 0 ? probe.match.statusCodes : undefined;
  const successCodes = parseStatusRanges(codes ?? [APPGW_DEFAULT_PROBE.matcher]);
  const sourced = (value: number | undefined, field: string): Sourced<number> | undefined =>
    value !== undefined ? { value, source: 'api', detail: `probe ${probe.name ?? ''} ${field}` } : undefined;
  const interval = sourced(probe.interval, 'interval');
  const timeout = sourced(probe.timeout, 'timeout');
  const unhealthy = sourced(probe.unhealthyThreshold, 'unhealthyThreshold');
  // A TCP/TLS probe (layer-4 rules) only connects: it has no host, path or status codes.
  const http = protocol !== 'TCP' && protocol !== 'TLS';
  return {
    enabled: true,
    ...(protocol ? { protocol } : {}),
    ...(port !== undefined ? { port } : {}),
    usesTrafficPort: probe.port === undefined || probe.port === settings.port,
    ...(http && probe.path !== undefined ? { path: probe.path } : {}),
    ...(http && host ? { host } : {}),
    ...(interval ? { intervalSeconds: interval } : {}),
    ...(timeout ? { timeoutSeconds: timeout } : {}),
    healthyThreshold,
    ...(unhealthy ? { unhealthyThreshold: unhealthy } : {}),
    ...(http ? { matcher: (codes ?? [APPGW_DEFAULT_PROBE.matcher]).join(',') } : {}),
    ...(http && successCodes ? { successCodes } : {}),
    ...(probe.id ? { ref: ctx.ref('backend-pool', 'azure-appgw-probe', probe.id, probe.name ?? nameOfId(probe.id), location) } : {}),
  };
}

/** v2 verifies backend certificates against well-known CAs or the trusted roots; v1 only pins uploaded certificates. */
function tlsOf(settings: RawSettings, v2: boolean): PoolTls | undefined {
  const protocol = modelProtocol(settings.protocol);
  if (protocol !== 'HTTPS' && protocol !== 'TLS') return undefined;
  const roots = (v2 ? settings.trustedRootCertificates : settings.authenticationCertificates) ?? [];
  const ids = roots.map((r) => r.id).filter((r): r is string => !!r);
  const sni = settings.sniName ?? settings.hostName;
  return {
    verifiesCertificate: v2 ? settings.validateCertChainAndExpiry !== false : ids.length > 0,
    ...(sni ? { sni } : {}),
    ...(ids.length > 0 ? { trustedRootIds: ids } : {}),
  };
}

/** Facts of the pair that Azure-specific checks read, under their ARM property names (as the AWS attributes are). */
function pairAttributes(agw: RawApplicationGateway, pool: RawPool, settings: RawSettings, probe: RawProbe | undefined, generation: string | undefined): Record<string, string> {
  const out: Record<string, string> = {
    applicationGateway: agw.name ?? '',
    backendAddressPool: pool.name ?? '',
    backendHttpSettings: settings.name ?? '',
    probe: probe?.name ?? '(default probe)',
  };
  if (generation) out.generation = generation;
  if (settings.hostName) out['backendHttpSettings.hostName'] = settings.hostName;
  if (settings.pickHostNameFromBackendAddress !== undefined) out['backendHttpSettings.pickHostNameFromBackendAddress'] = String(settings.pickHostNameFromBackendAddress);
  if (settings.protocol) out['backendHttpSettings.protocol'] = settings.protocol;
  if (settings.port !== undefined) out['backendHttpSettings.port'] = String(settings.port);
  if (settings.timeout !== undefined) out['backendSettings.timeout'] = String(settings.timeout);
  if (probe) {
    if (probe.host !== undefined) out['probe.host'] = probe.host;
    if (probe.path !== undefined) out['probe.path'] = probe.path;
    if (probe.protocol) out['probe.protocol'] = probe.protocol;
    out['probe.pickHostNameFromBackendHttpSettings'] = String(probe.pickHostNameFromBackendHttpSettings === true || probe.pickHostNameFromBackendSettings === true);
    if (probe.match?.body) out['probe.match.body'] = probe.match.body;
  }
  return out;
}

/** The pool attribute naming the DNS servers the gateway resolves backend FQDNs with (its VNet's `dhcpOptions`). */
export const DNS_SERVERS_ATTRIBUTE = 'virtualNetwork.dhcpOptions.dnsServers';
/** Its value when the VNet sets no DNS servers: Azure-provided name resolution (168.63.129.16). */
export const AZURE_PROVIDED_DNS = 'AzureProvidedDNS';

/**
 * The gateway's VNet DNS servers, as the custom-DNS check reads them; nothing when the VNet was not collected, so
 * "not known" never reads as "Azure DNS".
 */
function dnsAttributes(vnet: RawVirtualNetwork | undefined): Record<string, string> {
  if (!vnet) return {};
  const servers = (vnet.dhcpOptions?.dnsServers ?? []).map((s) => s.trim()).filter((s) => s !== '');
  return { [DNS_SERVERS_ATTRIBUTE]: servers.length > 0 ? servers.join(',') : AZURE_PROVIDED_DNS };
}

interface Member {
  kind: 'nic' | 'ip' | 'fqdn';
  /** IP configuration id, address or FQDN. */
  ref: string;
}

function membersOf(pool: RawPool): Member[] {
  const out: Member[] = [];
  for (const c of pool.backendIPConfigurations ?? []) if (c.id) out.push({ kind: 'nic', ref: c.id });
  for (const a of pool.backendAddresses ?? []) {
    if (a.ipAddress) out.push({ kind: 'ip', ref: a.ipAddress });
    else if (a.fqdn) out.push({ kind: 'fqdn', ref: a.fqdn });
  }
  return out;
}

function isIp(text: string | undefined): boolean {
  return text !== undefined && parseIp(text) !== undefined;
}

interface TargetBuild {
  targets: Target[];
  /** Tag values that could not be read on the targets' NICs, VMs or scale sets. */
  declarationProblems: string[];
}

function buildTarget(member: Member, placement: Placement | undefined, port: number, health: Target['health']): Target {
  const address = placement?.address ?? (member.kind === 'ip' ? member.ref : undefined);
  const nicId = placement?.nicId ?? (member.kind === 'nic' ? parentAt(member.ref, 'networkInterfaces') : undefined);
  return {
    key: `${address ?? member.ref}:${port}`,
    id: member.ref,
    type: member.kind,
    ...(address ? { address } : {}),
    port,
    ...(placement?.zone ? { zone: placement.zone } : {}),
    ...(placement?.subnetId ? { subnetId: placement.subnetId } : {}),
    ...(placement?.instanceState ? { instanceState: placement.instanceState } : {}),
    health,
    networkPolicyIds: placement?.networkPolicyIds ?? [],
    ...(placement?.networkTags ? { networkTags: placement.networkTags } : {}),
    ...(nicId ? { nicId } : {}),
    ...(placement?.backend ? { backend: placement.backend } : {}),
  };
}

function placementOf(member: Member, ctx: SubscriptionContext, serverAddress?: string): Placement | undefined {
  if (member.kind === 'nic') return placementOfIpConfig(member.ref, ctx);
  if (member.kind === 'ip') return placementOfAddress(member.ref, ctx);
  // An FQDN member: the backend-health answer may give the address it resolved to.
  return isIp(serverAddress) ? placementOfAddress(serverAddress as string, ctx) : undefined;
}

/**
 * The pair's targets: every configured member, with its health from the backend-health answer when there is one.
 * Servers the answer lists that match no configured member (an FQDN resolving to several addresses) are added.
 */
function targetsOf(
  pool: RawPool,
  port: number,
  servers: RawHealthServer[] | undefined,
  missingHealth: string | undefined,
  ctx: SubscriptionContext,
): TargetBuild {
  const problems: string[] = [];
  const used = new Set<RawHealthServer>();
  const targets: Target[] = [];
  const members = membersOf(pool);
  const matches = (member: Member, placement: Placement | undefined) => (s: RawHealthServer) => {
    if (used.has(s)) return false;
    if (member.kind === 'nic' && s.ipConfiguration?.id && idKey(s.ipConfiguration.id) === idKey(member.ref)) return true;
    const address = s.address?.toLowerCase();
    return address !== undefined && (address === member.ref.toLowerCase() || (placement?.address !== undefined && address === placement.address));
  };
  // Backend health lists a resolved FQDN by the address it resolved to. With one FQDN in the pool, an address that
  // matches no other member is that FQDN's: it resolved, and its health is that server's.
  const fqdns = members.filter((m) => m.kind === 'fqdn');
  const resolvedOf = (member: Member): RawHealthServer | undefined => {
    if (member.kind !== 'fqdn' || fqdns.length !== 1) return undefined;
    const others = members.filter((m) => m !== member).map((m) => ({ m, p: placementOf(m, ctx) }));
    return servers?.find((s) => !used.has(s) && !s.ipConfiguration?.id && isIp(s.address) && !others.some(({ m, p }) => matches(m, p)(s)));
  };
  // FQDNs last, so the addresses of the other members are taken first; targets keep the pool's order.
  const assigned = new Map<Member, RawHealthServer | undefined>();
  for (const member of [...members.filter((m) => m.kind !== 'fqdn'), ...fqdns]) {
    const server = servers?.find(matches(member, placementOf(member, ctx))) ?? resolvedOf(member);
    if (server) used.add(server);
    assigned.set(member, server);
  }
  for (const member of members) {
    const placement = placementOf(member, ctx);
    const server = assigned.get(member);
    const finalPlacement = member.kind === 'fqdn' ? placementOf(member, ctx, server?.address) : placement;
    problems.push(...(finalPlacement?.declarationProblems ?? []));
    const health = server
      ? appGatewayHealth(server.health, server.healthProbeLog, finalPlacement?.instanceState)
      : notCollectedHealth(missingHealth ?? 'the backend-health answer does not list this server');
    targets.push(buildTarget(member, finalPlacement, port, health));
  }
  for (const server of servers ?? []) {
    if (used.has(server) || (!server.address && !server.ipConfiguration?.id)) continue;
    const member: Member = server.ipConfiguration?.id ? { kind: 'nic', ref: server.ipConfiguration.id } : { kind: isIp(server.address) ? 'ip' : 'fqdn', ref: server.address as string };
    const placement = placementOf(member, ctx, server.address);
    problems.push(...(placement?.declarationProblems ?? []));
    targets.push(buildTarget(member, placement, port, appGatewayHealth(server.health, server.healthProbeLog, placement?.instanceState)));
  }
  return { targets, declarationProblems: problems };
}

function serversOf(health: RawBackendHealth | undefined, pool: RawPool, settings: RawSettings): RawHealthServer[] | undefined {
  if (!health) return undefined;
  const p = (health.backendAddressPools ?? []).find((h) => h.backendAddressPool?.id && pool.id && idKey(h.backendAddressPool.id) === idKey(pool.id));
  const s = p?.backendHttpSettingsCollection?.find((h) => h.backendHttpSettings?.id && settings.id && idKey(h.backendHttpSettings.id) === idKey(settings.id));
  return s?.servers;
}

interface RoutedPair {
  pool: RawPool;
  settings: RawSettings;
  /** Settings of a TCP/TLS routing rule (`backendSettingsCollection`). */
  layer4: boolean;
}

/** Listeners with the pairs their rules route to; pairs are keyed by `pairId`. */
function listenersOf(agw: RawApplicationGateway, parts: Parts, ctx: SubscriptionContext, location: string | undefined): { listeners: Listener[]; pairs: Map<string, RoutedPair> } {
  const pairs = new Map<string, RoutedPair>();
  const pairOf = (poolRef: { id?: string } | undefined, settingsRef: { id?: string } | undefined, from: IdIndex<RawSettings> = parts.settings): string | undefined => {
    const pool = parts.pools.get(poolRef?.id);
    const settings = from.get(settingsRef?.id);
    if (!pool || !settings) return undefined;
    const id = pairId(pool, settings);
    if (!pairs.has(idKey(id))) pairs.set(idKey(id), { pool, settings, layer4: from === parts.l4Settings });
    return id;
  };
  const frontendPorts = new IdIndex(agw.frontendPorts ?? []);
  const certificates = new IdIndex(agw.sslCertificates ?? []);
  const pathMaps = new IdIndex(agw.urlPathMaps ?? []);
  const rules = agw.requestRoutingRules ?? [];
  const certificatesOf = (certificateId: string | undefined): Certificate[] => {
    const certificate = certificates.get(certificateId);
    if (!certificate?.id) return [];
    return [
      {
        id: certificate.id,
        isDefault: true,
        // The certificate lives in Key Vault or in the gateway as a PFX; neither is read, so its expiry is not known.
        expiryUnavailable: certificate.keyVaultSecretId
          ? `the certificate is in Key Vault (${certificate.keyVaultSecretId}), which is not read`
          : 'the gateway does not return the expiry of an uploaded certificate',
      },
    ];
  };
  const listeners = (agw.httpListeners ?? []).map((l): Listener => {
    const mine = rules.filter((r) => r.httpListener?.id && l.id && idKey(r.httpListener.id) === idKey(l.id));
    const defaultPoolIds: string[] = [];
    const routes: Route[] = [];
    for (const rule of mine) {
      if (rule.urlPathMap?.id) {
        const map = pathMaps.get(rule.urlPathMap.id);
        const fallback = pairOf(map?.defaultBackendAddressPool, map?.defaultBackendHttpSettings);
        if (fallback) defaultPoolIds.push(fallback);
        for (const pathRule of map?.pathRules ?? []) {
          const id = pairOf(pathRule.backendAddressPool, pathRule.backendHttpSettings);
          if (id) routes.push({ id: pathRule.id ?? pathRule.name ?? id, ...(rule.priority !== undefined ? { priority: rule.priority } : {}), conditions: `path ${(pathRule.paths ?? []).join(', ')}`, poolIds: [id] });
        }
      } else {
        const id = pairOf(rule.backendAddressPool, rule.backendHttpSettings);
        if (id) defaultPoolIds.push(id);
      }
    }
    const protocol = modelProtocol(l.protocol) ?? 'HTTP';
    return {
      ref: ctx.ref('listener', 'azure-appgw-listener', l.id ?? '', `${agw.name ?? ''}/${l.name ?? ''}`, location),
      protocol,
      port: frontendPorts.get(l.frontendPort?.id)?.port ?? 0,
      certificates: certificatesOf(l.sslCertificate?.id),
      defaultPoolIds: uniq(defaultPoolIds),
      routes,
      ...(agw.sslPolicy?.policyName ? { sslPolicy: agw.sslPolicy.policyName } : {}),
    };
  });
  // v2 layer-4 proxy: `listeners` (Tcp/Tls) routed by `routingRules` to `backendSettingsCollection` entries.
  const l4Rules = agw.routingRules ?? [];
  const l4Listeners = (agw.listeners ?? []).map((l): Listener => {
    const mine = l4Rules.filter((r) => r.listener?.id && l.id && idKey(r.listener.id) === idKey(l.id));
    const defaultPoolIds = mine.map((r) => pairOf(r.backendAddressPool, r.backendSettings, parts.l4Settings)).filter((p): p is string => p !== undefined);
    return {
      ref: ctx.ref('listener', 'azure-appgw-listener', l.id ?? '', `${agw.name ?? ''}/${l.name ?? ''}`, location),
      protocol: modelProtocol(l.protocol) ?? 'TCP',
      port: frontendPorts.get(l.frontendPort?.id)?.port ?? 0,
      certificates: certificatesOf(l.sslCertificate?.id),
      defaultPoolIds: uniq(defaultPoolIds),
      routes: [],
      ...(agw.sslPolicy?.policyName && modelProtocol(l.protocol) === 'TLS' ? { sslPolicy: agw.sslPolicy.policyName } : {}),
    };
  });
  return { listeners: [...listeners, ...l4Listeners], pairs };
}

/** HTTP(S) settings: connection draining and the request timeout. */
function httpFacts(settings: RawSettings): Pick<BackendPool, 'drainSeconds' | 'requestTimeoutSeconds'> {
  return {
    drainSeconds: settings.connectionDraining?.enabled
      ? { value: settings.connectionDraining.drainTimeoutInSec, source: 'api', detail: `connectionDraining.drainTimeoutInSec of ${settings.name ?? ''}` }
      : { value: APPGW_DRAIN_WHEN_DISABLED_SECONDS, source: 'provider-default', detail: 'connection draining not enabled: documented 30 s' },
    requestTimeoutSeconds:
      settings.requestTimeout !== undefined
        ? { value: settings.requestTimeout, source: 'api', detail: `requestTimeout of ${settings.name ?? ''}` }
        : { value: APPGW_DEFAULT_REQUEST_TIMEOUT_SECONDS, source: 'provider-default', detail: 'documented default 20 s' },
  };
}

/**
 * TCP/TLS settings: a byte stream, no HTTP request to time out and no connection-draining setting; the settings'
 * `timeout` is a connection timeout (kept as an attribute). With enableL4ClientIpPreservation the backends see the
 * clients' addresses instead of the gateway subnet's.
 */
function layer4Facts(settings: RawSettings): Pick<BackendPool, 'preservesClientIp'> {
  const preserve = (settings as RawL4Settings).enableL4ClientIpPreservation;
  return preserve !== undefined ? { preservesClientIp: { value: preserve, source: 'api', detail: `enableL4ClientIpPreservation of ${settings.name ?? ''}` } } : {};
}

export interface MappedAppGateway {
  loadBalancer: LoadBalancer;
  pools: BackendPool[];
  /** Tag values that could not be read; each becomes a coverage gap. */
  declarationProblems: Array<{ resourceId: string; problem: string }>;
}

export function mapApplicationGateway(agw: RawApplicationGateway, ctx: SubscriptionContext): MappedAppGateway {
  const id = agw.id ?? '';
  const name = agw.name ?? nameOfId(id);
  const location = agw.location;
  const generation = appGatewayGeneration(agw.sku);
  const v2 = generation === 'v2';
  const parts = partsOf(agw);
  const subnetRefs = uniq((agw.gatewayIPConfigurations ?? []).map((g) => g.subnet?.id).filter((s): s is string => !!s));
  const subnets = subnetRefs.map((ref) => ctx.subnet(ref));
  const subnetIds = subnetRefs.map((ref, i) => subnets[i]?.subnet.id ?? ref);
  const subnetNsgs = uniq(
    subnets.map((s) => s?.subnet.networkSecurityGroup?.id).filter((n): n is string => !!n).map((n) => ctx.nsg(n)?.id ?? n),
  );
  const subnetCidrs = subnets.map((s) => s?.subnet.addressPrefix ?? s?.subnet.addressPrefixes?.[0]).filter((c): c is string => !!c);
  // Probes and traffic to private backends come from the gateway subnet's private addresses (health monitoring overview).
  const sources: Peer[] = subnetCidrs.map((cidr) => ({ type: 'cidr', cidr }));
  const { listeners, pairs } = listenersOf(agw, parts, ctx, location);

  const health = ctx.backendHealth(id);
  const healthGap = notCollectedIf(ctx, 'target-health', AZURE_API.backendHealth, id);
  const healthMissing = health ? undefined : healthGap.length > 0 ? 'backend health was not collected (see coverage)' : 'backend health was not collected';
  const networkGaps: NotCollected[] = [
    ...notCollectedIf(ctx, 'network-policies', AZURE_API.listNetworkInterfaces),
    ...notCollectedIf(ctx, 'network-policies', AZURE_API.listNetworkSecurityGroups),
    ...notCollectedIf(ctx, 'network-policies', AZURE_API.listVirtualNetworks),
  ];
  const problems: MappedAppGateway['declarationProblems'] = [];
  const tags = tagsOf(agw);

  const routedPools: BackendPool[] = [...pairs.values()].map(({ pool, settings, layer4 }) => {
    const probe = settings.probe?.id ? parts.probes.get(settings.probe.id) : undefined;
    const protocol = modelProtocol(settings.protocol);
    const port = settings.port ?? 0;
    const built = targetsOf(pool, port, serversOf(health, pool, settings), healthMissing, ctx);
    const poolId = pairId(pool, settings);
    for (const problem of built.declarationProblems) problems.push({ resourceId: poolId, problem });
    const tls = tlsOf(settings, v2);
    const danglingProbe = settings.probe?.id !== undefined && probe === undefined;
    const notCollected = [...(health ? [] : healthGap.length > 0 ? healthGap : [{ input: 'target-health' as const, api: AZURE_API.backendHealth.operation, code: 'NotCollected' }]), ...networkGaps];
    return {
      ref: ctx.ref('backend-pool', 'azure-appgw-backend', poolId, pairName(pool, settings), location),
      ...(protocol ? { protocol } : {}),
      ...(settings.port !== undefined ? { port: settings.port } : {}),
      ...(layer4 ? {} : { protocolVersion: 'HTTP1' as const }),
      ...(membersOf(pool)[0] ? { targetType: membersOf(pool)[0]?.kind } : {}),
      ...(subnets[0]?.vnet.id ? { networkId: subnets[0].vnet.id } : {}),
      // A settings object pointing at a probe the gateway does not have cannot be judged.
      ...(danglingProbe ? {} : { healthCheck: healthCheckOf(settings, probe, v2, ctx, location) }),
      ...(layer4 ? layer4Facts(settings) : httpFacts(settings)),
      ...(notCollected.length > 0 ? { notCollected } : {}),
      ...(tls ? { tls } : {}),
      targets: built.targets,
      loadBalancerIds: [id],
      attributes: { ...pairAttributes(agw, pool, settings, probe, generation), ...dnsAttributes(subnets[0]?.vnet) },
      // Backend pools carry no tags: the gateway's own tags declare its backend (targets' tags win per target).
      tags,
    };
  });

  const routedPoolIds = new Set([...pairs.values()].map((p) => idKey(p.pool.id ?? '')));
  const unused = unusedPools({
    pools: agw.backendAddressPools,
    routed: routedPoolIds,
    type: 'azure-appgw-backend',
    targetsOf: (pool, reason) => {
      const built = targetsOf(pool, 0, undefined, reason, ctx);
      return { targets: built.targets, problems: built.declarationProblems };
    },
    reason: 'no routing rule uses this backend pool',
    owner: { applicationGateway: name },
    location,
    tags,
    ctx,
    problems,
  });

  const frontends = agw.frontendIPConfigurations ?? [];
  const publicIp = frontends.map((f) => ctx.publicIp(f.publicIPAddress?.id)).find((p) => p !== undefined);
  const isPublic = frontends.some((f) => f.publicIPAddress?.id);
  const zones: Zone[] = (agw.zones ?? []).map((z) => ({ name: z, ...(subnetIds[0] ? { subnetId: subnetIds[0] } : {}) }));
  const lbGaps: NotCollected[] = [
    ...networkGaps,
    ...notCollectedIf(ctx, 'metrics', AZURE_API.listMetrics, id),
  ];
  const attributes: Record<string, string> = {};
  if (agw.sku?.name) attributes['sku.name'] = agw.sku.name;
  if (agw.sku?.tier) attributes['sku.tier'] = agw.sku.tier;
  if (generation) attributes.generation = generation;
  if (agw.operationalState) attributes.operationalState = agw.operationalState;
  if (agw.enableHttp2 !== undefined) attributes.enableHttp2 = String(agw.enableHttp2);
  Object.assign(attributes, virtualNetworkTagAttributes(subnets[0]?.vnet, ctx));

  const loadBalancer: LoadBalancer = {
    ref: ctx.ref('load-balancer', 'azure-appgw', id, name, location),
    kind: 'azure-appgw',
    layer: 7,
    ...(frontends.length > 0 ? { scheme: isPublic ? 'internet-facing' : 'internal' } : {}),
    ...(agw.operationalState ? { state: agw.operationalState } : {}),
    ...(publicIp?.dnsSettings?.fqdn ? { dnsName: publicIp.dnsSettings.fqdn } : {}),
    ...(subnets[0]?.vnet.id ? { networkId: subnets[0].vnet.id } : {}),
    zones,
    // Every gateway instance serves every backend.
    crossZoneEnabled: { value: true, source: 'fixed', detail: 'Application Gateway instances reach backends in every zone' },
    listeners,
    ...((agw.sku?.tier ?? agw.sku?.name) ? { sku: agw.sku?.tier ?? agw.sku?.name } : {}),
    ...(lbGaps.length > 0 ? { notCollected: lbGaps } : {}),
    networkPolicyIds: subnetNsgs,
    subnetIds,
    healthCheckSources: sources,
    trafficSources: sources,
    attributes,
    tags,
  };
  return { loadBalancer, pools: [...routedPools, ...unused], declarationProblems: problems };
}
