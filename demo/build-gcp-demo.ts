/**
 * Builds demo/gcp-demo.json: the Google Cloud raw snapshot behind `cloud502 audit --demo --provider gcp`, a
 * plausible shop's load balancers in project shop-prod-4711 (global and europe-west1), with one or more planted
 * problems per check family beside clean load balancers (see demo/README-gcp.md). The test fake Compute server
 * serves the same data, so a live collection against it and this snapshot normalize alike.
 *
 * Deterministic: no clock, no randomness. Regenerate with:
 *   node demo/build-gcp-demo.ts        (Node >= 22.18; older 22.x: node --experimental-strip-types ...)
 * Everything here is data: nothing ever connects to these addresses.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  GcpProjectSnapshot,
  GcpRawSnapshot,
  RawBackendService,
  RawFirewall,
  RawForwardingRule,
  RawHealthCheck,
  RawHealthStatus,
  RawInstance,
  RawInstanceGroup,
  RawTargetProxy,
  RawTimeSeries,
  GcpMetricQuery,
  RawUrlMap,
} from '../providers/gcp/raw.js';

export const DEMO_PROJECT = 'shop-prod-4711';
const REGION = 'europe-west1';
const COLLECTED_AT = '2026-11-20T09:00:00.000Z';
const WINDOW_SECONDS = 86_400;
const PERIOD_SECONDS = 300;
const API = 'https://www.googleapis.com/compute/v1';

const link = (path: string): string => `${API}/projects/${DEMO_PROJECT}/${path}`;
const zoneLink = (zone: string): string => link(`zones/${zone}`);
const regionLink = link(`regions/${REGION}`);
const NETWORK = link('global/networks/shop-vpc');
const APP_SUBNET = link(`regions/${REGION}/subnetworks/app-europe-west1`);
const PROXY_SUBNET_CIDR = '10.129.0.0/23';
const ZONES = ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'] as const;

// ---------------------------------------------------------------------------------------------------------------
// VMs and instance groups

const instances: RawInstance[] = [];
const instanceGroups: RawInstanceGroup[] = [];
const groupInstances: GcpProjectSnapshot['compute']['groupInstances'] = {};
let nextHost = 10;

interface VmOptions {
  /** A regional managed instance group (listed with regionInstanceGroups.listInstances). */
  regional?: boolean;
  tags: string[];
  labels?: Record<string, string>;
  status?: string;
  serviceAccount?: string;
}

/** A zonal managed instance group of `count` VMs, one per zone in turn, serving named port `http` on `port`. */
function group(name: string, count: number, port: number, vm: VmOptions): { link: string; vms: Array<{ link: string; ip: string }> } {
  const zone = ZONES[instanceGroups.length % ZONES.length] as string;
  const groupLink = vm.regional ? link(`regions/${REGION}/instanceGroups/${name}`) : link(`zones/${zone}/instanceGroups/${name}`);
  const vms: Array<{ link: string; ip: string }> = [];
  for (let i = 0; i < count; i++) {
    const vmName = `${name.replace(/-ig$/, '')}-${i + 1}`;
    const ip = `10.10.${Math.floor(nextHost / 250)}.${(nextHost % 250) + 2}`;
    nextHost++;
    const selfLink = link(`zones/${zone}/instances/${vmName}`);
    instances.push({
      name: vmName,
      selfLink,
      zone: zoneLink(zone),
      status: vm.status ?? 'RUNNING',
      tags: { items: vm.tags },
      labels: { env: 'production', ...(vm.labels ?? {}) },
      serviceAccounts: [{ email: vm.serviceAccount ?? `app@${DEMO_PROJECT}.iam.gserviceaccount.com` }],
      networkInterfaces: [{ network: NETWORK, subnetwork: APP_SUBNET, networkIP: ip }],
    });
    vms.push({ link: selfLink, ip });
  }
  instanceGroups.push({ name, selfLink: groupLink, ...(vm.regional ? { region: regionLink } : { zone: zoneLink(zone) }), network: NETWORK, subnetwork: APP_SUBNET, namedPorts: [{ name: 'http', port }], size: count });
  groupInstances[groupLink.replace(`${API}/`, '')] = vms.map((v) => ({
    instance: v.link,
    status: instances.find((i) => i.selfLink === v.link)?.status ?? 'RUNNING',
    namedPorts: [{ name: 'http', port }],
  }));
  return { link: groupLink, vms };
}

const networkEndpointGroups: GcpProjectSnapshot['compute']['networkEndpointGroups'] = [];
const negEndpoints: GcpProjectSnapshot['compute']['negEndpoints'] = {};

/** A zonal GCE_VM_IP_PORT NEG (container endpoints on VMs), `count` endpoints on one new VM each. */
function neg(name: string, count: number, port: number, vm: VmOptions): { link: string; vms: Array<{ link: string; ip: string }> } {
  const zone = ZONES[instanceGroups.length % ZONES.length] as string; // the zone group() below puts the VMs in
  const negLink = link(`zones/${zone}/networkEndpointGroups/${name}`);
  const g = group(`${name}-nodes`, count, port, vm);
  // The NEG's VMs are not an instance group of the load balancer: drop the helper group again.
  instanceGroups.pop();
  delete groupInstances[g.link.replace(`${API}/`, '')];
  networkEndpointGroups.push({ name, selfLink: negLink, zone: zoneLink(zone), networkEndpointType: 'GCE_VM_IP_PORT', network: NETWORK, subnetwork: APP_SUBNET, defaultPort: port, size: count });
  negEndpoints[negLink.replace(`${API}/`, '')] = g.vms.map((v) => ({ networkEndpoint: { instance: v.link.split('/').pop(), ipAddress: v.ip, port } }));
  return { link: negLink, vms: g.vms };
}

// ---------------------------------------------------------------------------------------------------------------
// Health checks, backend services, health

const healthChecks: RawHealthCheck[] = [];
const backendServices: RawBackendService[] = [];
const backendHealth: GcpProjectSnapshot['compute']['backendHealth'] = [];

function healthCheck(name: string, type: string, settings: Record<string, unknown>, numbers: Partial<RawHealthCheck> = {}, regional = false): string {
  const selfLink = regional ? link(`regions/${REGION}/healthChecks/${name}`) : link(`global/healthChecks/${name}`);
  const key = `${type.toLowerCase()}HealthCheck` as 'httpHealthCheck';
  healthChecks.push({
    name,
    selfLink,
    ...(regional ? { region: regionLink } : {}),
    type,
    checkIntervalSec: 5,
    timeoutSec: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 2,
    logConfig: { enable: true },
    ...numbers,
    [key]: settings,
  });
  return selfLink;
}

function backendService(name: string, service: Omit<RawBackendService, 'name' | 'selfLink'>, regional = false): string {
  const selfLink = regional ? link(`regions/${REGION}/backendServices/${name}`) : link(`global/backendServices/${name}`);
  backendServices.push({ name, selfLink, ...(regional ? { region: regionLink } : {}), ...service });
  return selfLink;
}

/** getHealth of a backend service for one group: one state per VM, in order (the rest HEALTHY). */
function health(service: string, g: { link: string; vms: Array<{ link: string; ip: string }> }, port: number, states: string[] = []): void {
  const healthStatus: RawHealthStatus[] = g.vms.map((vm, i) => ({ instance: vm.link, ipAddress: vm.ip, port, healthState: states[i] ?? 'HEALTHY' }));
  backendHealth.push({ backendService: service.replace(`${API}/`, ''), group: g.link.replace(`${API}/`, ''), healthStatus });
}

// ---------------------------------------------------------------------------------------------------------------
// Frontends: URL maps, proxies, forwarding rules, certificates

const urlMaps: RawUrlMap[] = [];
const targetHttpProxies: RawTargetProxy[] = [];
const targetHttpsProxies: RawTargetProxy[] = [];
const targetTcpProxies: RawTargetProxy[] = [];
const forwardingRules: RawForwardingRule[] = [];
const sslCertificates: GcpProjectSnapshot['compute']['sslCertificates'] = [];
let nextVip = 10;

function certificate(name: string, domain: string, expireTime: string): string {
  const selfLink = link(`global/sslCertificates/${name}`);
  sslCertificates.push({ name, selfLink, type: 'MANAGED', expireTime, subjectAlternativeNames: [domain], managed: { status: 'ACTIVE', domains: [domain] } });
  return selfLink;
}

interface AlbOptions {
  scheme: 'EXTERNAL' | 'EXTERNAL_MANAGED' | 'INTERNAL_MANAGED';
  regional?: boolean;
  defaultService: string;
  paths?: Array<{ paths: string[]; service: string }>;
  certificate?: string;
  httpKeepAliveTimeoutSec?: number;
}

function applicationLoadBalancer(name: string, o: AlbOptions): void {
  const where = o.regional ? `regions/${REGION}` : 'global';
  const urlMap = link(`${where}/urlMaps/${name}`);
  urlMaps.push({
    name,
    selfLink: urlMap,
    ...(o.regional ? { region: regionLink } : {}),
    defaultService: o.defaultService,
    ...(o.paths
      ? { hostRules: [{ hosts: ['*'], pathMatcher: 'paths' }], pathMatchers: [{ name: 'paths', defaultService: o.defaultService, pathRules: o.paths }] }
      : {}),
  });
  const https = o.certificate !== undefined;
  const proxyName = `${name}-${https ? 'https' : 'http'}-proxy`;
  const proxy = link(`${where}/${https ? 'targetHttpsProxies' : 'targetHttpProxies'}/${proxyName}`);
  (https ? targetHttpsProxies : targetHttpProxies).push({
    name: proxyName,
    selfLink: proxy,
    ...(o.regional ? { region: regionLink } : {}),
    urlMap,
    ...(o.certificate ? { sslCertificates: [o.certificate] } : {}),
    ...(o.httpKeepAliveTimeoutSec !== undefined ? { httpKeepAliveTimeoutSec: o.httpKeepAliveTimeoutSec } : {}),
  });
  const internal = o.scheme === 'INTERNAL_MANAGED';
  forwardingRules.push({
    name: `${name}-fr`,
    selfLink: link(`${where}/forwardingRules/${name}-fr`),
    ...(o.regional ? { region: regionLink } : {}),
    IPAddress: internal ? `10.10.200.${nextVip++}` : `34.120.${nextVip++}.${nextVip}`,
    IPProtocol: 'TCP',
    portRange: https ? '443-443' : '80-80',
    target: proxy,
    loadBalancingScheme: o.scheme,
    ...(o.regional ? { network: NETWORK, subnetwork: APP_SUBNET } : {}),
    labels: { app: name },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The environment

function build(): GcpProjectSnapshot {
  const webHc = healthCheck('web-hc', 'HTTP', { portSpecification: 'USE_SERVING_PORT', requestPath: '/healthz' });

  // Clean: shop-api, global external ALB; the VMs declare a 620 s keep-alive (above the fixed 600 s).
  const shopApi = group('shop-api-ig', 3, 8080, { tags: ['web'], labels: { 'cloud502-server': 'nginx', 'cloud502-keepalive': '620' } });
  const shopApiBs = backendService('shop-api-bs', {
    protocol: 'HTTP',
    portName: 'http',
    timeoutSec: 30,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: [webHc],
    backends: [{ group: shopApi.link, balancingMode: 'UTILIZATION' }],
    connectionDraining: { drainingTimeoutSec: 300 },
    logConfig: { enable: true },
  });
  health(shopApiBs, shopApi, 8080);

  // Keep-alive race: web-frontend's VMs run Node with its 5 s default keep-alive behind the fixed 600 s.
  const web = group('web-frontend-ig', 3, 8080, { tags: ['web'], labels: { 'cloud502-server': 'node' } });
  const webBs = backendService('web-frontend-bs', {
    protocol: 'HTTP',
    portName: 'http',
    timeoutSec: 30,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: [webHc],
    backends: [{ group: web.link }],
    connectionDraining: { drainingTimeoutSec: 300 },
  });
  health(webBs, web, 8080);

  // Backend timeout below latency: reports takes 45 s at p99 against timeoutSec 30.
  const reports = group('reports-ig', 2, 8080, { tags: ['web'], labels: { 'cloud502-keepalive': '650' } });
  const reportsBs = backendService('reports-bs', {
    protocol: 'HTTP',
    portName: 'http',
    timeoutSec: 30,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: [webHc],
    backends: [{ group: reports.link }],
    connectionDraining: { drainingTimeoutSec: 120 },
  });
  health(reportsBs, reports, 8080);

  // Backend timeout far too long (info): websocket-bs 172800 s.
  const ws = group('websocket-ig', 2, 8080, { tags: ['web'], labels: { 'cloud502-keepalive': '3600' } });
  const wsBs = backendService('websocket-bs', {
    protocol: 'HTTP',
    portName: 'http',
    timeoutSec: 172_800,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: [webHc],
    backends: [{ group: ws.link }],
    connectionDraining: { drainingTimeoutSec: 300 },
  });
  health(wsBs, ws, 8080);

  // Partly unhealthy: checkout-3 fails its health checks.
  const checkout = group('checkout-ig', 3, 8080, { tags: ['web'], labels: { 'cloud502-keepalive': '620' } });
  const checkoutBs = backendService('checkout-bs', {
    protocol: 'HTTP',
    portName: 'http',
    timeoutSec: 30,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: [webHc],
    backends: [{ group: checkout.link }],
    connectionDraining: { drainingTimeoutSec: 300 },
  });
  health(checkoutBs, checkout, 8080, ['HEALTHY', 'HEALTHY', 'UNHEALTHY']);

  // Clean: inventory runs as containers behind a zonal NEG.
  const inventory = neg('inventory-neg', 2, 9000, { tags: ['gke-node'], labels: { 'cloud502-server': 'go' } });
  const inventoryHc = healthCheck('inventory-hc', 'HTTP', { portSpecification: 'USE_SERVING_PORT', requestPath: '/readyz' });
  const inventoryBs = backendService('inventory-bs', {
    protocol: 'HTTP',
    timeoutSec: 30,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: [inventoryHc],
    backends: [{ group: inventory.link, balancingMode: 'RATE' }],
    connectionDraining: { drainingTimeoutSec: 300 },
  });
  health(inventoryBs, inventory, 9000);

  applicationLoadBalancer('shop-web', {
    scheme: 'EXTERNAL_MANAGED',
    defaultService: shopApiBs,
    certificate: certificate('shop-web-cert', 'www.shop.example', '2027-03-01T00:00:00.000Z'),
    paths: [
      { paths: ['/app/*'], service: webBs },
      { paths: ['/reports/*'], service: reportsBs },
      { paths: ['/ws/*'], service: wsBs },
      { paths: ['/checkout/*'], service: checkoutBs },
      { paths: ['/inventory/*'], service: inventoryBs },
    ],
  });

  // Health-check ranges blocked: the orders VMs (tag orders) admit 8080 only from 10.0.0.0/8, so every probe fails.
  const orders = group('orders-ig', 2, 8080, { tags: ['orders'], labels: { 'cloud502-keepalive': '620' } });
  const ordersHc = healthCheck('orders-hc', 'HTTP', { portSpecification: 'USE_SERVING_PORT', requestPath: '/healthz' });
  const ordersBs = backendService('orders-bs', {
    protocol: 'HTTP',
    portName: 'http',
    timeoutSec: 30,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: [ordersHc],
    backends: [{ group: orders.link }],
    connectionDraining: { drainingTimeoutSec: 300 },
  });
  health(ordersBs, orders, 8080, ['UNHEALTHY', 'UNHEALTHY']);
  applicationLoadBalancer('orders', { scheme: 'EXTERNAL_MANAGED', defaultService: ordersBs, certificate: certificate('orders-cert', 'orders.shop.example', '2027-05-01T00:00:00.000Z') });

  // Aggressive health check and no connection draining: search (classic ALB).
  const search = group('search-ig', 3, 8080, { tags: ['web'], labels: { 'cloud502-keepalive': '620' } });
  const searchHc = healthCheck('search-hc', 'HTTP', { portSpecification: 'USE_SERVING_PORT', requestPath: '/ping' }, { checkIntervalSec: 2, timeoutSec: 1, unhealthyThreshold: 1 });
  const searchBs = backendService('search-bs', {
    protocol: 'HTTP',
    portName: 'http',
    timeoutSec: 30,
    loadBalancingScheme: 'EXTERNAL',
    healthChecks: [searchHc],
    backends: [{ group: search.link }],
  });
  health(searchBs, search, 8080);
  applicationLoadBalancer('search-classic', { scheme: 'EXTERNAL', defaultService: searchBs });

  // Health-check port mismatch: catalog serves on named port http=8080, its health check probes port 80.
  const catalog = group('catalog-ig', 2, 8080, { tags: ['web'], labels: { 'cloud502-keepalive': '620' } });
  // ... and its health check does not log, so the probe results that would show the wrong port are not recorded.
  const catalogHc = healthCheck('catalog-hc', 'HTTP', { port: 80, portSpecification: 'USE_FIXED_PORT', requestPath: '/healthz' }, { logConfig: { enable: false } });
  const catalogBs = backendService('catalog-bs', {
    protocol: 'HTTP',
    portName: 'http',
    timeoutSec: 30,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: [catalogHc],
    backends: [{ group: catalog.link }],
    connectionDraining: { drainingTimeoutSec: 300 },
  });
  health(catalogBs, catalog, 8080, ['UNHEALTHY', 'UNHEALTHY']);
  applicationLoadBalancer('catalog', { scheme: 'EXTERNAL_MANAGED', defaultService: catalogBs, certificate: certificate('catalog-cert', 'catalog.shop.example', '2027-06-01T00:00:00.000Z') });

  // Proxy-only subnet blocked: internal ALB billing-internal; probes are allowed, the Envoy proxies are not.
  const billing = group('billing-ig', 2, 8443, { tags: ['billing'], labels: { 'cloud502-keepalive': '620' } });
  const billingHc = healthCheck('billing-hc', 'HTTP', { portSpecification: 'USE_SERVING_PORT', requestPath: '/healthz' }, {}, true);
  const billingBs = backendService(
    'billing-bs',
    {
      protocol: 'HTTP',
      portName: 'http',
      timeoutSec: 30,
      loadBalancingScheme: 'INTERNAL_MANAGED',
      healthChecks: [billingHc],
      backends: [{ group: billing.link }],
      connectionDraining: { drainingTimeoutSec: 300 },
    },
    true,
  );
  health(billingBs, billing, 8443);
  applicationLoadBalancer('billing-internal', { scheme: 'INTERNAL_MANAGED', regional: true, defaultService: billingBs });

  // Clean regional external ALB: partners, with a proxy-only subnet rule in place.
  const partners = group('partners-ig', 2, 8080, { tags: ['partners'], labels: { 'cloud502-keepalive': '620' } });
  const partnersHc = healthCheck('partners-hc', 'HTTP', { portSpecification: 'USE_SERVING_PORT', requestPath: '/healthz' }, {}, true);
  const partnersBs = backendService(
    'partners-bs',
    {
      protocol: 'HTTP',
      portName: 'http',
      timeoutSec: 30,
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      healthChecks: [partnersHc],
      backends: [{ group: partners.link }],
      connectionDraining: { drainingTimeoutSec: 300 },
    },
    true,
  );
  health(partnersBs, partners, 8080);
  applicationLoadBalancer('partners-regional', { scheme: 'EXTERNAL_MANAGED', regional: true, defaultService: partnersBs });

  // Passthrough NLB with every backend unhealthy and no failover policy: syslog traffic spread over broken VMs.
  const syslog = group('syslog-ig', 2, 514, { tags: ['syslog'] });
  const syslogHc = healthCheck('syslog-hc', 'TCP', { port: 514 }, {}, true);
  const syslogBs = backendService(
    'syslog-nlb',
    { protocol: 'TCP', loadBalancingScheme: 'EXTERNAL', healthChecks: [syslogHc], backends: [{ group: syslog.link }] },
    true,
  );
  health(syslogBs, syslog, 514, ['UNHEALTHY', 'UNHEALTHY']);
  forwardingRules.push({
    name: 'syslog-nlb-fr',
    selfLink: link(`regions/${REGION}/forwardingRules/syslog-nlb-fr`),
    region: regionLink,
    IPAddress: '34.76.10.20',
    IPProtocol: 'TCP',
    ports: ['514'],
    backendService: syslogBs,
    loadBalancingScheme: 'EXTERNAL',
  });

  // Clean passthrough NLB that drops traffic when every backend is unhealthy, all healthy now.
  const mqtt = group('mqtt-ig', 2, 8883, { tags: ['mqtt'], regional: true });
  const mqttHc = healthCheck('mqtt-hc', 'TCP', { port: 8883 }, {}, true);
  const mqttBs = backendService(
    'mqtt-nlb',
    { protocol: 'TCP', loadBalancingScheme: 'EXTERNAL', healthChecks: [mqttHc], backends: [{ group: mqtt.link }], failoverPolicy: { dropTrafficIfUnhealthy: true } },
    true,
  );
  health(mqttBs, mqtt, 8883);
  forwardingRules.push({
    name: 'mqtt-nlb-fr',
    selfLink: link(`regions/${REGION}/forwardingRules/mqtt-nlb-fr`),
    region: regionLink,
    IPAddress: '34.76.10.21',
    IPProtocol: 'TCP',
    ports: ['8883'],
    backendService: mqttBs,
    loadBalancingScheme: 'EXTERNAL',
  });

  // Global external proxy NLB (TCP), clean: the database read replicas' TLS passthrough.
  const edge = group('edge-tcp-ig', 2, 5432, { tags: ['edge'] });
  const edgeHc = healthCheck('edge-tcp-hc', 'TCP', { port: 5432 });
  const edgeBs = backendService('edge-tcp-bs', {
    protocol: 'TCP',
    portName: 'http',
    timeoutSec: 30,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    healthChecks: [edgeHc],
    backends: [{ group: edge.link }],
    connectionDraining: { drainingTimeoutSec: 300 },
  });
  health(edgeBs, edge, 5432);
  const tcpProxy = link('global/targetTcpProxies/edge-tcp-proxy');
  targetTcpProxies.push({ name: 'edge-tcp-proxy', selfLink: tcpProxy, service: edgeBs });
  forwardingRules.push({
    name: 'edge-tcp-fr',
    selfLink: link('global/forwardingRules/edge-tcp-fr'),
    IPAddress: '34.98.10.30',
    IPProtocol: 'TCP',
    portRange: '5432-5432',
    target: tcpProxy,
    loadBalancingScheme: 'EXTERNAL_MANAGED',
  });

  const firewalls: RawFirewall[] = [
    fw('allow-lb-health-checks', { sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'], allowed: [{ IPProtocol: 'tcp', ports: ['8080', '8443', '5432', '9000'] }], targetTags: ['web', 'billing', 'partners', 'edge', 'gke-node'] }),
    fw('allow-nlb-health-checks', { sourceRanges: ['35.191.0.0/16', '209.85.152.0/22', '209.85.204.0/22'], allowed: [{ IPProtocol: 'tcp', ports: ['514', '8883'] }], targetTags: ['syslog', 'mqtt'] }),
    // The planted block: orders only admits the corporate range, not the probe ranges.
    fw('allow-orders-internal', { sourceRanges: ['10.0.0.0/8'], allowed: [{ IPProtocol: 'tcp', ports: ['8080'] }], targetTags: ['orders'] }),
    fw('allow-partners-proxies', { sourceRanges: [PROXY_SUBNET_CIDR], allowed: [{ IPProtocol: 'tcp', ports: ['8080'] }], targetTags: ['partners'] }),
    fw('allow-syslog-clients', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['514'] }], targetTags: ['syslog'] }),
    fw('allow-mqtt-clients', { sourceRanges: ['0.0.0.0/0'], allowed: [{ IPProtocol: 'tcp', ports: ['8883'] }], targetTags: ['mqtt'] }),
    fw('allow-ssh-iap', { sourceRanges: ['35.235.240.0/20'], allowed: [{ IPProtocol: 'tcp', ports: ['22'] }] }),
    fw('deny-telnet', { sourceRanges: ['0.0.0.0/0'], denied: [{ IPProtocol: 'tcp', ports: ['23'] }], priority: 100 }),
  ];

  const periods = WINDOW_SECONDS / PERIOD_SECONDS;
  const start = Date.parse(COLLECTED_AT) - WINDOW_SECONDS * 1000;
  const at = (i: number): string => new Date(start + i * PERIOD_SECONDS * 1000).toISOString();
  const queries = demoQueries(PERIOD_SECONDS);
  const series: RawTimeSeries[] = [
    // web-frontend's keep-alive race shows as a trickle of 502s on shop-web.
    requestSeries('q0', 'shop-web', 'global', '502', Array.from({ length: periods }, (_, i) => (i % 7 === 0 ? 3 : i % 11 === 0 ? 1 : 0)), at),
    requestSeries('q0', 'orders', 'global', '503', Array.from({ length: periods }, () => 40), at),
    // catalog's backends all fail their (misdirected) health checks: failed_to_pick_backend.
    requestSeries('q0', 'catalog', 'global', '503', Array.from({ length: periods }, (_, i) => 25 + (i % 3)), at),
    // billing's proxies cannot connect: failed_to_connect_to_backend, on the internal ALB's own metric.
    requestSeries('q4', 'billing-internal', REGION, '503', Array.from({ length: periods }, (_, i) => 12 + (i % 4)), at, INTERNAL),
    latencySeries('q1', 'reports-bs', 'global', Array.from({ length: periods }, (_, i) => 41_000 + (i % 9) * 500), at),
    latencySeries('q1', 'shop-api-bs', 'global', Array.from({ length: periods }, (_, i) => 180 + (i % 5) * 20), at),
    // search answers in under 2 s, yet its backend service drains for 0 s: requests in flight are cut on scale-in.
    latencySeries('q1', 'search-bs', 'global', Array.from({ length: periods }, (_, i) => 900 + (i % 4) * 150), at),
  ];

  return {
    project: DEMO_PROJECT,
    compute: {
      backendServices,
      urlMaps,
      targetHttpProxies,
      targetHttpsProxies,
      targetTcpProxies,
      targetSslProxies: [],
      forwardingRules,
      healthChecks,
      instanceGroups,
      groupInstances,
      networkEndpointGroups,
      negEndpoints,
      instances,
      firewalls,
      networks: [{ name: 'shop-vpc', selfLink: NETWORK, subnetworks: [APP_SUBNET], networkFirewallPolicyEnforcementOrder: 'AFTER_CLASSIC_FIREWALL' }],
      effectiveFirewalls: {
        [`projects/${DEMO_PROJECT}/global/networks/shop-vpc@${REGION}`]: {
          firewalls,
          firewallPolicys: [
            {
              name: '204817365520',
              displayName: 'org-baseline',
              type: 'HIERARCHY',
              rules: [
                {
                  priority: 1000,
                  action: 'deny',
                  direction: 'INGRESS',
                  match: { srcIpRanges: ['198.51.100.0/24'], layer4Configs: [{ ipProtocol: 'all' }] },
                  description: 'blocked abuse range',
                },
                { priority: 2_147_483_646, action: 'goto_next', direction: 'INGRESS', match: { srcIpRanges: ['0.0.0.0/0'], layer4Configs: [{ ipProtocol: 'all' }] } },
                { priority: 2_147_483_647, action: 'goto_next', direction: 'EGRESS', match: { destIpRanges: ['0.0.0.0/0'], layer4Configs: [{ ipProtocol: 'all' }] } },
              ],
            },
            {
              name: 'europe-west1-baseline',
              type: 'NETWORK_REGIONAL',
              rules: [
                {
                  priority: 500,
                  action: 'deny',
                  direction: 'INGRESS',
                  ruleName: 'deny-legacy-snmp',
                  match: { srcIpRanges: ['0.0.0.0/0'], layer4Configs: [{ ipProtocol: 'udp', ports: ['161-162'] }] },
                },
              ],
            },
          ],
        },
      },
      subnetworks: [
        { name: 'app-europe-west1', selfLink: APP_SUBNET, region: regionLink, network: NETWORK, ipCidrRange: '10.10.0.0/20', purpose: 'PRIVATE' },
        {
          name: 'proxy-only-europe-west1',
          selfLink: link(`regions/${REGION}/subnetworks/proxy-only-europe-west1`),
          region: regionLink,
          network: NETWORK,
          ipCidrRange: PROXY_SUBNET_CIDR,
          purpose: 'REGIONAL_MANAGED_PROXY',
          role: 'ACTIVE',
        },
      ],
      sslCertificates,
      backendHealth,
    },
    monitoring: {
      window: { start: new Date(start).toISOString(), end: COLLECTED_AT, periodSeconds: PERIOD_SECONDS },
      queries,
      series,
    },
    errors: [],
  };
}

/**
 * The collector's queries (providers/gcp/collect/monitoring.ts metricQueries), written out because this script runs
 * under Node's type stripping, which cannot import the collector; a test keeps the two equal.
 */
export function demoQueries(periodSeconds: number): GcpMetricQuery[] {
  const families = [
    ['loadbalancing.googleapis.com/https', 'https_lb_rule'],
    ['loadbalancing.googleapis.com/https/external/regional', 'http_external_regional_lb_rule'],
    ['loadbalancing.googleapis.com/https/internal', 'internal_http_lb_rule'],
  ] as const;
  return families.flatMap(([prefix, resourceType], i) => [
    {
      id: `q${i * 2}`,
      metricType: `${prefix}/request_count`,
      resourceType,
      aligner: 'ALIGN_SUM',
      reducer: 'REDUCE_SUM',
      groupBy: ['resource.label.url_map_name', 'resource.label.region', 'metric.label.response_code'],
      periodSeconds,
    },
    {
      id: `q${i * 2 + 1}`,
      metricType: `${prefix}/backend_latencies`,
      resourceType,
      aligner: 'ALIGN_PERCENTILE_99',
      reducer: 'REDUCE_MAX',
      groupBy: ['resource.label.backend_target_name', 'resource.label.region'],
      periodSeconds,
    },
  ]);
}

function fw(name: string, rule: Omit<RawFirewall, 'name' | 'selfLink' | 'network'>): RawFirewall {
  return { name, selfLink: link(`global/firewalls/${name}`), network: NETWORK, direction: 'INGRESS', priority: 1000, ...rule };
}

const GLOBAL_FAMILY = { prefix: 'loadbalancing.googleapis.com/https', resourceType: 'https_lb_rule' } as const;
const INTERNAL = { prefix: 'loadbalancing.googleapis.com/https/internal', resourceType: 'internal_http_lb_rule' } as const;

function requestSeries(
  queryId: string,
  urlMap: string,
  region: string,
  code: string,
  values: number[],
  at: (i: number) => string,
  family: { prefix: string; resourceType: string } = GLOBAL_FAMILY,
): RawTimeSeries {
  return {
    queryId,
    metric: { type: `${family.prefix}/request_count`, labels: { response_code: code } },
    resource: { type: family.resourceType, labels: { url_map_name: urlMap, region } },
    points: values.map((v, i) => ({ interval: { startTime: at(i), endTime: at(i + 1) }, value: { int64Value: String(v) } })),
  };
}

function latencySeries(queryId: string, backendService: string, region: string, valuesMs: number[], at: (i: number) => string): RawTimeSeries {
  return {
    queryId,
    metric: { type: 'loadbalancing.googleapis.com/https/backend_latencies', labels: {} },
    resource: { type: 'https_lb_rule', labels: { backend_target_name: backendService, region } },
    points: valuesMs.map((v, i) => ({ interval: { startTime: at(i), endTime: at(i + 1) }, value: { doubleValue: v } })),
  };
}

/** The demo snapshot. Builds fresh arrays on every call (the module-level lists are filled once). */
let built: GcpProjectSnapshot | undefined;
export function buildGcpDemo(): GcpRawSnapshot {
  built ??= build();
  return {
    format: 'cloud502-raw-snapshot',
    schemaVersion: 1,
    provider: 'gcp',
    tool: { name: 'cloud502', version: 'demo' },
    collectedAt: COLLECTED_AT,
    demo: true,
    options: { projects: [DEMO_PROJECT], regions: [], metricsWindowSeconds: WINDOW_SECONDS },
    projects: [JSON.parse(JSON.stringify(built)) as GcpProjectSnapshot],
  };
}

/** The file the CLI's `--demo` reads for Google Cloud. */
export const GCP_DEMO_PATH = fileURLToPath(new URL('./gcp-demo.json', import.meta.url));

export function renderGcpDemo(): string {
  return `${JSON.stringify(buildGcpDemo(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(GCP_DEMO_PATH, renderGcpDemo());
  console.log(`wrote ${GCP_DEMO_PATH}`);
}
