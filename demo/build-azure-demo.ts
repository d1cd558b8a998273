/**
 * Builds demo/azure-demo.json: the raw snapshot behind the Azure part of `cloud502 audit --demo`, a plausible
 * company's production subscription in westeurope with Application Gateways (v2 and v1) and Standard Load Balancers,
 * one or more planted problems per check family beside clean resources:
 *
 *   agw-shop (WAF_v2)      clean: HTTPS end to end, probe picks the settings host, draining 60 s.
 *   agw-api (Standard_v2)  /            pool-catalog   clean
 *                          /orders/*    pool-orders    request timeout 10 s, backends peak at 24 s (504s); probe every 5 s, 1 miss ejects
 *                          /payments/*  pool-payments  HTTPS probe without a host: certificate name check fails on every server (502)
 *                          /search/*    pool-search    empty pool (502)
 *                          /reports/*   pool-reports   one of three VMs deallocated
 *                          /inventory/* pool-inventory an FQDN the VNet's custom DNS servers cannot resolve (502)
 *   agw-legacy (v1)        subnet NSG blocks GatewayManager 65503-65534; 0.0.0.0/0 routed to a firewall; health Unknown
 *   lb-ledger (Standard)   TCP reset off with a 30 min idle timeout before Go backends (rule and admin NAT ports); TCP probe every 5 s, threshold 1
 *   lb-cache (Standard)    nsg-cache denies AzureLoadBalancer above the default rule: every probe down, no new flows
 *   lb-dns (Standard)      clean: TCP reset on, UDP rule beside it, an SSH NAT rule with TCP reset on
 *
 * The resources are written in the SDK's shape (ARM `properties` flattened, as `az` prints them), exactly what
 * `cloud502 collect --provider azure` stores. Deterministic: metric values come from a seeded generator, so the
 * committed JSON always equals `buildAzureDemo()` (a test checks it). Regenerate with:
 *   node demo/build-azure-demo.ts        (Node >= 22.18; older 22.x: node --experimental-strip-types ...)
 * Everything here is data: nothing ever connects to these addresses.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type {
  AzureMetricQuery,
  AzureRawSnapshot,
  AzureSubscriptionSnapshot,
  RawApplicationGateway,
  RawBackendHealth,
  RawLoadBalancer,
  RawMetricsResponse,
  RawNetworkInterface,
  RawNetworkSecurityGroup,
  RawRouteTable,
  RawRuleHealth,
  RawScaleSet,
  RawScaleSetVm,
  RawVirtualMachine,
  RawVirtualNetwork,
} from '../providers/azure/raw.js';

const SUBSCRIPTION = '8f6d2c3a-1b4e-4c7d-9a2f-5e8b7c6d4a10';
const LOCATION = 'westeurope';
const COLLECTED_AT = '2026-11-20T09:00:00.000Z';
const WINDOW_SECONDS = 86_400;
const INTERVAL_SECONDS = 3600;
const TAGS = { environment: 'production', 'managed-by': 'terraform' };

// ---------------------------------------------------------------------------------------------------------------
// Ids and deterministic numbers

const id = (rg: string, type: string, name: string, ...children: string[]): string =>
  [`/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/${type}/${name}`, ...children].join('/');
const network = (rg: string, type: string, name: string, ...children: string[]) => id(rg, `Microsoft.Network/${type}`, name, ...children);
const compute = (rg: string, type: string, name: string, ...children: string[]) => id(rg, `Microsoft.Compute/${type}`, name, ...children);
const ref = (refId: string) => ({ id: refId });

/** FNV-1a, for seeds. */
function hash(seed: string): number {
  let h = 0x811c9dc5;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** mulberry32, seeded from a name: one reproducible stream per metric series. */
function random(seed: string): () => number {
  let a = hash(seed);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Network: one VNet, a subnet per gateway and per backend tier

const VNET = network('rg-network', 'virtualNetworks', 'vnet-prod');
const subnetId = (name: string) => `${VNET}/subnets/${name}`;
const nsgId = (name: string) => network('rg-network', 'networkSecurityGroups', name);
const rtId = (name: string) => network('rg-network', 'routeTables', name);

const SUBNETS: Array<{ name: string; prefix: string; nsg: string; routeTable?: string }> = [
  { name: 'snet-agw-shop', prefix: '10.30.0.0/24', nsg: 'nsg-agw-shop' },
  { name: 'snet-agw-api', prefix: '10.30.1.0/24', nsg: 'nsg-agw-api' },
  { name: 'snet-agw-legacy', prefix: '10.30.2.0/24', nsg: 'nsg-agw-legacy', routeTable: 'rt-agw-legacy' },
  { name: 'snet-web', prefix: '10.30.10.0/24', nsg: 'nsg-web' },
  { name: 'snet-api', prefix: '10.30.11.0/24', nsg: 'nsg-api' },
  { name: 'snet-legacy', prefix: '10.30.12.0/24', nsg: 'nsg-legacy' },
  { name: 'snet-ledger', prefix: '10.30.20.0/24', nsg: 'nsg-ledger' },
  { name: 'snet-cache', prefix: '10.30.21.0/24', nsg: 'nsg-cache' },
  { name: 'snet-dns', prefix: '10.30.22.0/24', nsg: 'nsg-dns' },
];

function virtualNetwork(): RawVirtualNetwork {
  return {
    id: VNET,
    name: 'vnet-prod',
    type: 'Microsoft.Network/virtualNetworks',
    location: LOCATION,
    tags: TAGS,
    addressSpace: { addressPrefixes: ['10.30.0.0/16'] },
    // The hub's domain controllers resolve names for the whole network.
    dhcpOptions: { dnsServers: ['10.30.0.4', '10.30.0.5'] },
    subnets: SUBNETS.map((s) => ({
      id: subnetId(s.name),
      name: s.name,
      addressPrefix: s.prefix,
      networkSecurityGroup: { id: nsgId(s.nsg) },
      ...(s.routeTable ? { routeTable: { id: rtId(s.routeTable) } } : {}),
    })),
  };
}

interface RuleSpec {
  name: string;
  priority: number;
  direction?: 'Inbound' | 'Outbound';
  access?: 'Allow' | 'Deny';
  protocol?: 'Tcp' | 'Udp' | '*';
  source?: string;
  sources?: string[];
  destination?: string;
  ports: string | string[];
}

/** Azure's six default rules, as the API returns them beside the custom ones. */
function defaultRules(nsg: string): NonNullable<RawNetworkSecurityGroup['defaultSecurityRules']> {
  const rules: Array<[string, number, 'Inbound' | 'Outbound', 'Allow' | 'Deny', string, string]> = [
    ['AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
    ['AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'],
    ['DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'],
    ['AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
    ['AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'],
    ['DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'],
  ];
  return rules.map(([name, priority, direction, access, source, destination]) => ({
    id: `${nsgId(nsg)}/defaultSecurityRules/${name}`,
    name,
    protocol: '*',
    sourcePortRange: '*',
    destinationPortRange: '*',
    sourceAddressPrefix: source,
    destinationAddressPrefix: destination,
    access,
    priority,
    direction,
  }));
}

function nsg(name: string, subnet: string, rules: RuleSpec[]): RawNetworkSecurityGroup {
  return {
    id: nsgId(name),
    name,
    type: 'Microsoft.Network/networkSecurityGroups',
    location: LOCATION,
    tags: TAGS,
    securityRules: rules.map((r) => ({
      id: `${nsgId(name)}/securityRules/${r.name}`,
      name: r.name,
      protocol: r.protocol ?? 'Tcp',
      sourcePortRange: '*',
      ...(r.sources ? { sourceAddressPrefixes: r.sources } : { sourceAddressPrefix: r.source ?? '*' }),
      destinationAddressPrefix: r.destination ?? '*',
      ...(Array.isArray(r.ports) ? { destinationPortRanges: r.ports } : { destinationPortRange: r.ports }),
      access: r.access ?? 'Allow',
      priority: r.priority,
      direction: r.direction ?? 'Inbound',
    })),
    defaultSecurityRules: defaultRules(name),
    subnets: [{ id: subnetId(subnet) }],
  };
}

const gatewayRules = (): RuleSpec[] => [
  { name: 'AllowGatewayManager', priority: 100, source: 'GatewayManager', ports: '65200-65535' },
  { name: 'AllowHttpsInternet', priority: 110, source: 'Internet', ports: '443' },
  { name: 'AllowAzureLoadBalancer', priority: 120, source: 'AzureLoadBalancer', protocol: '*', ports: '*' },
  { name: 'DenyAllOther', priority: 4000, access: 'Deny', protocol: '*', ports: '*' },
];

function securityGroups(): RawNetworkSecurityGroup[] {
  return [
    nsg('nsg-agw-shop', 'snet-agw-shop', gatewayRules()),
    nsg('nsg-agw-api', 'snet-agw-api', gatewayRules()),
    // Planted: the v1 gateway's subnet admits HTTP from the office but not GatewayManager on 65503-65534.
    nsg('nsg-agw-legacy', 'snet-agw-legacy', [
      { name: 'AllowHttpOffice', priority: 100, sources: ['10.0.0.0/8', '172.16.0.0/12'], ports: '80' },
      { name: 'DenyAllInbound', priority: 4000, access: 'Deny', protocol: '*', ports: '*' },
    ]),
    nsg('nsg-web', 'snet-web', [
      { name: 'AllowShopGateway', priority: 100, source: '10.30.0.0/24', ports: '443' },
      { name: 'DenyAllOther', priority: 4000, access: 'Deny', protocol: '*', ports: '*' },
    ]),
    nsg('nsg-api', 'snet-api', [
      { name: 'AllowApiGateway', priority: 100, source: '10.30.1.0/24', ports: ['3000', '8080', '8443', '9000', '9200'] },
      { name: 'DenyAllOther', priority: 4000, access: 'Deny', protocol: '*', ports: '*' },
    ]),
    nsg('nsg-legacy', 'snet-legacy', [{ name: 'AllowLegacyGateway', priority: 100, source: '10.30.2.0/24', ports: '80' }]),
    nsg('nsg-ledger', 'snet-ledger', [{ name: 'AllowPostgresVnet', priority: 100, source: 'VirtualNetwork', ports: '5432' }]),
    // Planted: a rule above the default AllowAzureLoadBalancerInBound denies the load balancer's probes.
    nsg('nsg-cache', 'snet-cache', [
      { name: 'DenyAzureLoadBalancer', priority: 100, access: 'Deny', source: 'AzureLoadBalancer', protocol: '*', ports: '*' },
      { name: 'AllowRedisVnet', priority: 110, source: 'VirtualNetwork', ports: '6379' },
    ]),
    nsg('nsg-dns', 'snet-dns', [
      { name: 'AllowDnsTcp', priority: 100, source: 'VirtualNetwork', ports: '53' },
      { name: 'AllowDnsUdp', priority: 110, source: 'VirtualNetwork', protocol: 'Udp', ports: '53' },
    ]),
  ];
}

function routeTables(): RawRouteTable[] {
  // Planted: forced tunnelling of the v1 gateway subnet through the hub firewall.
  return [
    {
      id: rtId('rt-agw-legacy'),
      name: 'rt-agw-legacy',
      type: 'Microsoft.Network/routeTables',
      location: LOCATION,
      tags: TAGS,
      disableBgpRoutePropagation: false,
      routes: [
        { id: `${rtId('rt-agw-legacy')}/routes/to-onprem`, name: 'to-onprem', addressPrefix: '192.168.0.0/16', nextHopType: 'VirtualNetworkGateway' },
        { id: `${rtId('rt-agw-legacy')}/routes/default-to-firewall`, name: 'default-to-firewall', addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.30.250.4' },
      ],
      subnets: [{ id: subnetId('snet-agw-legacy') }],
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Backends: VMs and scale sets, their NICs and power states

interface Vm {
  rg: string;
  name: string;
  subnet: string;
  address: string;
  zone: string;
  power?: 'running' | 'deallocated' | 'stopped';
  tags?: Record<string, string>;
}

const VMS: Vm[] = [
  { rg: 'rg-shop', name: 'vm-shop-1', subnet: 'snet-web', address: '10.30.10.11', zone: '1', tags: { 'cloud502:server': 'nginx' } },
  { rg: 'rg-shop', name: 'vm-shop-2', subnet: 'snet-web', address: '10.30.10.12', zone: '2', tags: { 'cloud502:server': 'nginx' } },
  { rg: 'rg-api', name: 'vm-catalog-1', subnet: 'snet-api', address: '10.30.11.11', zone: '1', tags: { 'cloud502:server': 'nginx' } },
  { rg: 'rg-api', name: 'vm-catalog-2', subnet: 'snet-api', address: '10.30.11.12', zone: '2', tags: { 'cloud502:server': 'nginx' } },
  { rg: 'rg-api', name: 'vm-payments-1', subnet: 'snet-api', address: '10.30.11.21', zone: '1', tags: { 'cloud502:server': 'tomcat' } },
  { rg: 'rg-api', name: 'vm-payments-2', subnet: 'snet-api', address: '10.30.11.22', zone: '2', tags: { 'cloud502:server': 'tomcat' } },
  { rg: 'rg-api', name: 'vm-reports-1', subnet: 'snet-api', address: '10.30.11.31', zone: '1', tags: { 'cloud502:server': 'gunicorn', 'cloud502:keepalive': '75' } },
  { rg: 'rg-api', name: 'vm-reports-2', subnet: 'snet-api', address: '10.30.11.32', zone: '2', tags: { 'cloud502:server': 'gunicorn', 'cloud502:keepalive': '75' } },
  // Planted: deallocated during a cost-saving change and never started again.
  { rg: 'rg-api', name: 'vm-reports-3', subnet: 'snet-api', address: '10.30.11.33', zone: '3', power: 'deallocated', tags: { 'cloud502:server': 'gunicorn', 'cloud502:keepalive': '75' } },
  { rg: 'rg-legacy', name: 'vm-legacy-1', subnet: 'snet-legacy', address: '10.30.12.11', zone: '1' },
  { rg: 'rg-legacy', name: 'vm-legacy-2', subnet: 'snet-legacy', address: '10.30.12.12', zone: '2' },
  { rg: 'rg-cache', name: 'vm-cache-1', subnet: 'snet-cache', address: '10.30.21.11', zone: '1', tags: { 'cloud502:server': 'other', 'cloud502:keepalive': '300' } },
  { rg: 'rg-cache', name: 'vm-cache-2', subnet: 'snet-cache', address: '10.30.21.12', zone: '2', tags: { 'cloud502:server': 'other', 'cloud502:keepalive': '300' } },
  { rg: 'rg-dns', name: 'vm-dns-1', subnet: 'snet-dns', address: '10.30.22.11', zone: '1', tags: { 'cloud502:keepalive': '30' } },
  { rg: 'rg-dns', name: 'vm-dns-2', subnet: 'snet-dns', address: '10.30.22.12', zone: '2', tags: { 'cloud502:keepalive': '30' } },
];

const vmId = (vm: Vm) => compute(vm.rg, 'virtualMachines', vm.name);
const nicId = (vm: Vm) => network(vm.rg, 'networkInterfaces', `nic-${vm.name.slice(3)}`);
const ipConfigOf = (vm: Vm) => `${nicId(vm)}/ipConfigurations/ipconfig1`;
const vmNamed = (name: string): Vm => VMS.find((v) => v.name === name) as Vm;

const instanceView = (power: string) => ({
  statuses: [
    { code: 'ProvisioningState/succeeded', level: 'Info' as const, displayStatus: 'Provisioning succeeded' },
    { code: `PowerState/${power}`, level: 'Info' as const, displayStatus: `VM ${power}` },
  ],
});

function virtualMachine(vm: Vm): RawVirtualMachine {
  return {
    id: vmId(vm),
    name: vm.name,
    type: 'Microsoft.Compute/virtualMachines',
    location: LOCATION,
    zones: [vm.zone],
    tags: { ...TAGS, ...(vm.tags ?? {}) },
    hardwareProfile: { vmSize: 'Standard_D2s_v5' },
    networkProfile: { networkInterfaces: [{ id: nicId(vm) }] },
    provisioningState: 'Succeeded',
  };
}

function nic(vm: Vm): RawNetworkInterface {
  return {
    id: nicId(vm),
    name: `nic-${vm.name.slice(3)}`,
    type: 'Microsoft.Network/networkInterfaces',
    location: LOCATION,
    virtualMachine: { id: vmId(vm) },
    ipConfigurations: [{ id: ipConfigOf(vm), name: 'ipconfig1', privateIPAddress: vm.address, privateIPAllocationMethod: 'Static', primary: true, subnet: { id: subnetId(vm.subnet) } }],
  };
}

interface ScaleSet {
  rg: string;
  name: string;
  subnet: string;
  base: string;
  instances: number;
  tags: Record<string, string>;
}

const SCALE_SETS: ScaleSet[] = [
  { rg: 'rg-api', name: 'vmss-orders', subnet: 'snet-api', base: '10.30.11.4', instances: 3, tags: { 'cloud502:server': 'node' } },
  // Go services without IdleTimeout: they never close idle connections.
  { rg: 'rg-ledger', name: 'vmss-ledger', subnet: 'snet-ledger', base: '10.30.20.1', instances: 2, tags: { 'cloud502:server': 'go' } },
];

const scaleSetId = (s: ScaleSet) => compute(s.rg, 'virtualMachineScaleSets', s.name);
const scaleSetIpConfig = (s: ScaleSet, i: number) => `${scaleSetId(s)}/virtualMachines/${i}/networkInterfaces/nic-${s.name}/ipConfigurations/ipconfig1`;
const scaleSetAddress = (s: ScaleSet, i: number) => `${s.base}${i + 1}`;

function scaleSet(s: ScaleSet): RawScaleSet {
  return {
    id: scaleSetId(s),
    name: s.name,
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    location: LOCATION,
    tags: { ...TAGS, ...s.tags },
    sku: { name: 'Standard_D2s_v5', tier: 'Standard', capacity: s.instances },
    orchestrationMode: 'Uniform',
    provisioningState: 'Succeeded',
  };
}

function scaleSetNics(s: ScaleSet): RawNetworkInterface[] {
  return Array.from({ length: s.instances }, (_, i) => ({
    id: `${scaleSetId(s)}/virtualMachines/${i}/networkInterfaces/nic-${s.name}`,
    name: `nic-${s.name}`,
    virtualMachine: { id: `${scaleSetId(s)}/virtualMachines/${i}` },
    ipConfigurations: [{ id: scaleSetIpConfig(s, i), name: 'ipconfig1', privateIPAddress: scaleSetAddress(s, i), primary: true, subnet: { id: subnetId(s.subnet) } }],
  }));
}

function scaleSetVms(s: ScaleSet): RawScaleSetVm[] {
  return Array.from({ length: s.instances }, (_, i) => ({
    id: `${scaleSetId(s)}/virtualMachines/${i}`,
    name: `${s.name}_${i}`,
    instanceId: String(i),
    location: LOCATION,
    zones: [String((i % 3) + 1)],
    latestModelApplied: true,
    instanceView: { statuses: instanceView('running').statuses },
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Application Gateways

interface Backend {
  pool: string;
  settings: string;
  /** NIC IP configurations, addresses or FQDNs. */
  members: Array<{ ipConfig: string } | { ipAddress: string } | { fqdn: string }>;
  protocol: 'Http' | 'Https';
  port: number;
  requestTimeout?: number;
  hostName?: string;
  draining?: number;
  probe?: { name: string; host?: string; pick?: boolean; path: string; interval: number; timeout: number; unhealthyThreshold: number };
  /** Path rule (`/orders/*`); undefined = the listener's default. */
  path?: string;
}

interface GatewaySpec {
  rg: string;
  name: string;
  sku: { name: string; tier: string; capacity: number };
  subnet: string;
  publicIp?: string;
  privateIp?: string;
  listener: { protocol: 'Http' | 'Https'; port: number; certificate?: string };
  backends: Backend[];
  tags?: Record<string, string>;
}

const vmMember = (name: string) => ({ ipConfig: ipConfigOf(vmNamed(name)) });
const ORDERS = SCALE_SETS[0]!;
const LEDGER = SCALE_SETS[1]!;

const GATEWAYS: GatewaySpec[] = [
  {
    rg: 'rg-shop',
    name: 'agw-shop',
    sku: { name: 'WAF_v2', tier: 'WAF_v2', capacity: 2 },
    subnet: 'snet-agw-shop',
    publicIp: 'pip-agw-shop',
    listener: { protocol: 'Https', port: 443, certificate: 'cert-shop' },
    tags: { team: 'storefront' },
    backends: [
      {
        pool: 'pool-shop',
        settings: 'settings-shop',
        members: [vmMember('vm-shop-1'), vmMember('vm-shop-2')],
        protocol: 'Https',
        port: 443,
        requestTimeout: 30,
        hostName: 'shop.contoso.com',
        draining: 60,
        probe: { name: 'probe-shop', pick: true, path: '/healthz', interval: 30, timeout: 10, unhealthyThreshold: 3 },
      },
    ],
  },
  {
    rg: 'rg-api',
    name: 'agw-api',
    sku: { name: 'Standard_v2', tier: 'Standard_v2', capacity: 2 },
    subnet: 'snet-agw-api',
    publicIp: 'pip-agw-api',
    listener: { protocol: 'Https', port: 443, certificate: 'cert-api' },
    tags: { team: 'platform' },
    backends: [
      { pool: 'pool-catalog', settings: 'settings-catalog', members: [vmMember('vm-catalog-1'), vmMember('vm-catalog-2')], protocol: 'Http', port: 8080, requestTimeout: 30, draining: 30, probe: { name: 'probe-catalog', host: 'catalog.contoso.internal', path: '/health', interval: 30, timeout: 10, unhealthyThreshold: 3 } },
      // Planted: a 10 s request timeout for an API whose slowest responses take 24 s; an aggressive probe.
      {
        pool: 'pool-orders',
        settings: 'settings-orders',
        path: '/orders/*',
        members: Array.from({ length: ORDERS.instances }, (_, i) => ({ ipConfig: scaleSetIpConfig(ORDERS, i) })),
        protocol: 'Http',
        port: 3000,
        requestTimeout: 10,
        draining: 30,
        probe: { name: 'probe-orders', host: 'orders.contoso.internal', path: '/health', interval: 5, timeout: 2, unhealthyThreshold: 1 },
      },
      // Planted: an HTTPS probe with no host name; the backends' certificate name check fails.
      { pool: 'pool-payments', settings: 'settings-payments', path: '/payments/*', members: [vmMember('vm-payments-1'), vmMember('vm-payments-2')], protocol: 'Https', port: 8443, requestTimeout: 30, probe: { name: 'probe-payments', path: '/health', interval: 30, timeout: 10, unhealthyThreshold: 3 } },
      // Planted: the search cluster was moved and its pool emptied; the path rule still routes to it.
      { pool: 'pool-search', settings: 'settings-search', path: '/search/*', members: [], protocol: 'Http', port: 9200, requestTimeout: 30, draining: 30 },
      // Planted: one of three VMs deallocated.
      { pool: 'pool-reports', settings: 'settings-reports', path: '/reports/*', members: [vmMember('vm-reports-1'), vmMember('vm-reports-2'), vmMember('vm-reports-3')], protocol: 'Http', port: 9000, requestTimeout: 120, draining: 120, probe: { name: 'probe-reports', host: 'reports.contoso.internal', path: '/health', interval: 30, timeout: 10, unhealthyThreshold: 3 } },
      // Planted: an FQDN in a private zone the VNet's custom DNS servers do not forward: DNS resolution fails (502).
      {
        pool: 'pool-inventory',
        settings: 'settings-inventory',
        path: '/inventory/*',
        members: [{ fqdn: 'inventory.corp.contoso.internal' }],
        protocol: 'Http',
        port: 8080,
        requestTimeout: 30,
        draining: 30,
        probe: { name: 'probe-inventory', host: 'inventory.corp.contoso.internal', path: '/health', interval: 30, timeout: 10, unhealthyThreshold: 3 },
      },
    ],
  },
  {
    rg: 'rg-legacy',
    name: 'agw-legacy',
    sku: { name: 'Standard_Medium', tier: 'Standard', capacity: 2 },
    subnet: 'snet-agw-legacy',
    privateIp: '10.30.2.10',
    listener: { protocol: 'Http', port: 80 },
    tags: { team: 'back-office', 'cloud502:server': 'apache' },
    backends: [{ pool: 'pool-legacy', settings: 'settings-legacy', members: [vmMember('vm-legacy-1'), vmMember('vm-legacy-2')], protocol: 'Http', port: 80 }],
  },
];

const gatewayId = (g: GatewaySpec) => network(g.rg, 'applicationGateways', g.name);

function applicationGateway(g: GatewaySpec): RawApplicationGateway {
  const gid = gatewayId(g);
  const child = (type: string, name: string) => `${gid}/${type}/${name}`;
  const defaultBackend = g.backends.find((b) => !b.path)!;
  const pathBackends = g.backends.filter((b) => b.path);
  return {
    id: gid,
    name: g.name,
    type: 'Microsoft.Network/applicationGateways',
    location: LOCATION,
    tags: { ...TAGS, ...(g.tags ?? {}) },
    ...(g.sku.tier.endsWith('_v2') ? { zones: ['1', '2', '3'] } : {}),
    sku: g.sku as RawApplicationGateway['sku'],
    operationalState: 'Running',
    provisioningState: 'Succeeded',
    gatewayIPConfigurations: [{ id: child('gatewayIPConfigurations', 'gwip'), name: 'gwip', subnet: ref(subnetId(g.subnet)) }],
    frontendIPConfigurations: [
      g.publicIp
        ? { id: child('frontendIPConfigurations', 'fe-public'), name: 'fe-public', publicIPAddress: ref(network(g.rg, 'publicIPAddresses', g.publicIp)) }
        : { id: child('frontendIPConfigurations', 'fe-private'), name: 'fe-private', privateIPAddress: g.privateIp ?? '', privateIPAllocationMethod: 'Static', subnet: ref(subnetId(g.subnet)) },
    ],
    frontendPorts: [{ id: child('frontendPorts', `port-${g.listener.port}`), name: `port-${g.listener.port}`, port: g.listener.port }],
    ...(g.listener.certificate ? { sslCertificates: [{ id: child('sslCertificates', g.listener.certificate), name: g.listener.certificate, keyVaultSecretId: `https://kv-contoso-prod.vault.azure.net/secrets/${g.listener.certificate}` }] } : {}),
    backendAddressPools: g.backends.map((b) => ({
      id: child('backendAddressPools', b.pool),
      name: b.pool,
      backendIPConfigurations: b.members.filter((m): m is { ipConfig: string } => 'ipConfig' in m).map((m) => ref(m.ipConfig)),
      backendAddresses: b.members.flatMap((m): Array<{ ipAddress?: string; fqdn?: string }> => ('ipAddress' in m ? [{ ipAddress: m.ipAddress }] : 'fqdn' in m ? [{ fqdn: m.fqdn }] : [])),
    })),
    backendHttpSettingsCollection: g.backends.map((b) => ({
      id: child('backendHttpSettingsCollection', b.settings),
      name: b.settings,
      port: b.port,
      protocol: b.protocol,
      cookieBasedAffinity: 'Disabled',
      ...(b.requestTimeout !== undefined ? { requestTimeout: b.requestTimeout } : {}),
      ...(b.hostName ? { hostName: b.hostName } : {}),
      pickHostNameFromBackendAddress: false,
      ...(b.probe ? { probe: ref(child('probes', b.probe.name)) } : {}),
      ...(b.draining !== undefined ? { connectionDraining: { enabled: true, drainTimeoutInSec: b.draining } } : { connectionDraining: { enabled: false, drainTimeoutInSec: 1 } }),
    })),
    probes: g.backends
      .filter((b) => b.probe)
      .map((b) => {
        const p = b.probe!;
        return {
          id: child('probes', p.name),
          name: p.name,
          protocol: b.protocol,
          ...(p.host ? { host: p.host } : {}),
          path: p.path,
          interval: p.interval,
          timeout: p.timeout,
          unhealthyThreshold: p.unhealthyThreshold,
          pickHostNameFromBackendHttpSettings: p.pick === true,
          minServers: 0,
          match: { statusCodes: ['200-399'] },
        };
      }),
    httpListeners: [
      {
        id: child('httpListeners', 'listener'),
        name: 'listener',
        frontendIPConfiguration: ref(child('frontendIPConfigurations', g.publicIp ? 'fe-public' : 'fe-private')),
        frontendPort: ref(child('frontendPorts', `port-${g.listener.port}`)),
        protocol: g.listener.protocol,
        ...(g.listener.certificate ? { sslCertificate: ref(child('sslCertificates', g.listener.certificate)) } : {}),
      },
    ],
    ...(pathBackends.length > 0
      ? {
          urlPathMaps: [
            {
              id: child('urlPathMaps', 'paths'),
              name: 'paths',
              defaultBackendAddressPool: ref(child('backendAddressPools', defaultBackend.pool)),
              defaultBackendHttpSettings: ref(child('backendHttpSettingsCollection', defaultBackend.settings)),
              pathRules: pathBackends.map((b) => ({
                id: child('urlPathMaps', `paths/pathRules/${b.pool.replace('pool-', '')}`),
                name: b.pool.replace('pool-', ''),
                paths: [b.path as string],
                backendAddressPool: ref(child('backendAddressPools', b.pool)),
                backendHttpSettings: ref(child('backendHttpSettingsCollection', b.settings)),
              })),
            },
          ],
        }
      : {}),
    requestRoutingRules: [
      pathBackends.length > 0
        ? { id: child('requestRoutingRules', 'rule'), name: 'rule', ruleType: 'PathBasedRouting', priority: 100, httpListener: ref(child('httpListeners', 'listener')), urlPathMap: ref(child('urlPathMaps', 'paths')) }
        : {
            id: child('requestRoutingRules', 'rule'),
            name: 'rule',
            ruleType: 'Basic',
            priority: 100,
            httpListener: ref(child('httpListeners', 'listener')),
            backendAddressPool: ref(child('backendAddressPools', defaultBackend.pool)),
            backendHttpSettings: ref(child('backendHttpSettingsCollection', defaultBackend.settings)),
          },
    ],
    ...(g.sku.tier.endsWith('_v2') ? { sslPolicy: { policyType: 'Predefined', policyName: 'AppGwSslPolicy20220101' } } : {}),
  };
}

const PROBE_OK = 'Success. Received 200 status code';
const CN_MISMATCH = 'The Common Name of the leaf certificate presented by the backend server does not match the Probe or Backend Setting hostname of the application gateway.';
const CONNECT_ERROR = 'Application Gateway could not connect to the backend. Check that the backend responds on the port used for the probe. Also check whether any NSG/UDR/Firewall is blocking access to the Ip and port of this backend.';
const DNS_FAILURE = 'Application Gateway could not create a probe for this backend. This usually happens when the FQDN of the backend has not been entered correctly.';
const UNKNOWN_HEALTH =
  'The backend health status could not be retrieved. This happens when an NSG/UDR/Firewall on the application gateway subnet is blocking traffic on ports 65503-65534 in case of v1 SKU, and ports 65200-65535 in case of the v2 SKU or if the FQDN configured in the backend pool could not be resolved to an IP address.';

/** Health of each member, by pool: [health, probe log]. */
function serverHealth(pool: string, member: number): [string, string] {
  if (pool === 'pool-payments') return ['Down', CN_MISMATCH];
  if (pool === 'pool-reports' && member === 2) return ['Down', CONNECT_ERROR];
  if (pool === 'pool-legacy') return ['Unknown', UNKNOWN_HEALTH];
  if (pool === 'pool-inventory') return ['Down', DNS_FAILURE];
  return ['Up', PROBE_OK];
}

function memberAddress(ipConfig: string): string {
  const vm = VMS.find((v) => ipConfigOf(v) === ipConfig);
  if (vm) return vm.address;
  for (const s of SCALE_SETS) for (let i = 0; i < s.instances; i++) if (scaleSetIpConfig(s, i) === ipConfig) return scaleSetAddress(s, i);
  return '';
}

function backendHealth(g: GatewaySpec): RawBackendHealth {
  const gid = gatewayId(g);
  return {
    backendAddressPools: g.backends.map((b) => ({
      backendAddressPool: { id: `${gid}/backendAddressPools/${b.pool}` },
      backendHttpSettingsCollection: [
        {
          backendHttpSettings: { id: `${gid}/backendHttpSettingsCollection/${b.settings}` },
          servers: b.members.map((m, i) => {
            const [health, log] = serverHealth(b.pool, i);
            // A name that does not resolve is listed by the name itself.
            const address = 'ipConfig' in m ? memberAddress(m.ipConfig) : 'fqdn' in m ? m.fqdn : m.ipAddress;
            return { address, ...('ipConfig' in m ? { ipConfiguration: { id: m.ipConfig } } : {}), health, healthProbeLog: log } as never;
          }),
        },
      ],
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Load balancers

interface LbSpec {
  rg: string;
  name: string;
  subnet: string;
  frontendIp: string;
  pool: { name: string; members: string[] };
  probe: { name: string; protocol: 'Tcp' | 'Http'; port: number; interval: number; threshold: number; path?: string };
  rules: Array<{ name: string; protocol: 'Tcp' | 'Udp'; port: number; idleMinutes: number; tcpReset: boolean }>;
  /** Inbound NAT rules: to a range of frontend ports on the backend pool (v2), or one port to one NIC (v1). */
  nat?: Array<{ name: string; frontendPort: number; frontendPortEnd?: number; backendPort: number; idleMinutes: number; tcpReset: boolean; ipConfig?: string }>;
  /** Per-rule health of each member. */
  health: (rule: string, member: number) => { state: string; reason?: string };
  tags?: Record<string, string>;
}

const LOAD_BALANCERS: LbSpec[] = [
  {
    rg: 'rg-ledger',
    name: 'lb-ledger',
    subnet: 'snet-ledger',
    frontendIp: '10.30.20.100',
    pool: { name: 'pool-ledger', members: Array.from({ length: LEDGER.instances }, (_, i) => scaleSetIpConfig(LEDGER, i)) },
    // Planted: a TCP probe every 5 s that marks a node down after one miss.
    probe: { name: 'probe-postgres', protocol: 'Tcp', port: 5432, interval: 5, threshold: 1 },
    // Planted: 30 min idle timeout with TCP reset off in front of Go services that never close idle connections.
    rules: [{ name: 'rule-postgres', protocol: 'Tcp', port: 5432, idleMinutes: 30, tcpReset: false }],
    // Planted: the per-instance admin ports have the same 30 min silent drop.
    nat: [{ name: 'nat-psql-admin', frontendPort: 50000, frontendPortEnd: 50009, backendPort: 5432, idleMinutes: 30, tcpReset: false }],
    health: () => ({ state: 'Up' }),
    tags: { team: 'payments' },
  },
  {
    rg: 'rg-cache',
    name: 'lb-cache',
    subnet: 'snet-cache',
    frontendIp: '10.30.21.100',
    pool: { name: 'pool-cache', members: ['vm-cache-1', 'vm-cache-2'].map((n) => ipConfigOf(vmNamed(n))) },
    probe: { name: 'probe-redis', protocol: 'Tcp', port: 6379, interval: 15, threshold: 2 },
    rules: [{ name: 'rule-redis', protocol: 'Tcp', port: 6379, idleMinutes: 10, tcpReset: true }],
    // Planted: nsg-cache denies the probes, so every backend is down.
    health: () => ({ state: 'Down', reason: 'Probe timed out' }),
    tags: { team: 'platform' },
  },
  {
    rg: 'rg-dns',
    name: 'lb-dns',
    subnet: 'snet-dns',
    frontendIp: '10.30.22.100',
    pool: { name: 'pool-dns', members: ['vm-dns-1', 'vm-dns-2'].map((n) => ipConfigOf(vmNamed(n))) },
    probe: { name: 'probe-dns', protocol: 'Tcp', port: 53, interval: 15, threshold: 2 },
    rules: [
      { name: 'rule-dns-udp', protocol: 'Udp', port: 53, idleMinutes: 4, tcpReset: false },
      { name: 'rule-dns-tcp', protocol: 'Tcp', port: 53, idleMinutes: 4, tcpReset: true },
    ],
    nat: [{ name: 'nat-dns-ssh', frontendPort: 2222, backendPort: 22, idleMinutes: 4, tcpReset: true, ipConfig: ipConfigOf(vmNamed('vm-dns-1')) }],
    health: () => ({ state: 'Up' }),
    tags: { team: 'platform' },
  },
];

const lbId = (l: LbSpec) => network(l.rg, 'loadBalancers', l.name);

function loadBalancer(l: LbSpec): RawLoadBalancer {
  const lid = lbId(l);
  const child = (type: string, name: string) => `${lid}/${type}/${name}`;
  return {
    id: lid,
    name: l.name,
    type: 'Microsoft.Network/loadBalancers',
    location: LOCATION,
    tags: { ...TAGS, ...(l.tags ?? {}) },
    sku: { name: 'Standard', tier: 'Regional' },
    provisioningState: 'Succeeded',
    frontendIPConfigurations: [{ id: child('frontendIPConfigurations', 'fe'), name: 'fe', zones: ['1', '2', '3'], privateIPAddress: l.frontendIp, privateIPAllocationMethod: 'Static', subnet: { id: subnetId(l.subnet) } }],
    backendAddressPools: [{ id: child('backendAddressPools', l.pool.name), name: l.pool.name, backendIPConfigurations: l.pool.members.map(ref) }],
    probes: [
      {
        id: child('probes', l.probe.name),
        name: l.probe.name,
        protocol: l.probe.protocol,
        port: l.probe.port,
        intervalInSeconds: l.probe.interval,
        probeThreshold: l.probe.threshold,
        numberOfProbes: l.probe.threshold,
        ...(l.probe.path ? { requestPath: l.probe.path } : {}),
        noHealthyBackendsBehavior: 'AllProbedDown',
      },
    ],
    loadBalancingRules: l.rules.map((r) => ({
      id: child('loadBalancingRules', r.name),
      name: r.name,
      frontendIPConfiguration: ref(child('frontendIPConfigurations', 'fe')),
      backendAddressPool: ref(child('backendAddressPools', l.pool.name)),
      probe: ref(child('probes', l.probe.name)),
      protocol: r.protocol,
      loadDistribution: 'Default',
      frontendPort: r.port,
      backendPort: r.port,
      idleTimeoutInMinutes: r.idleMinutes,
      enableFloatingIP: false,
      enableTcpReset: r.tcpReset,
      disableOutboundSnat: true,
    })),
    ...(l.nat
      ? {
          inboundNatRules: l.nat.map((n) => ({
            id: child('inboundNatRules', n.name),
            name: n.name,
            frontendIPConfiguration: ref(child('frontendIPConfigurations', 'fe')),
            protocol: 'Tcp',
            backendPort: n.backendPort,
            idleTimeoutInMinutes: n.idleMinutes,
            enableFloatingIP: false,
            enableTcpReset: n.tcpReset,
            ...(n.ipConfig
              ? { frontendPort: n.frontendPort, backendIPConfiguration: ref(n.ipConfig) }
              : { frontendPortRangeStart: n.frontendPort, frontendPortRangeEnd: n.frontendPortEnd ?? n.frontendPort, backendAddressPool: ref(child('backendAddressPools', l.pool.name)) }),
          })),
        }
      : {}),
  };
}

function ruleHealth(l: LbSpec): Record<string, RawRuleHealth> {
  const out: Record<string, RawRuleHealth> = {};
  for (const r of l.rules) {
    const states = l.pool.members.map((m, i) => ({ ipAddress: memberAddress(m), networkInterfaceIPConfigurationId: m, ...l.health(r.name, i) }));
    out[`${lbId(l)}/loadBalancingRules/${r.name}`] = {
      up: states.filter((s) => s.state === 'Up').length,
      down: states.filter((s) => s.state !== 'Up').length,
      loadBalancerBackendAddresses: states,
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Azure Monitor: one query per resource and plan, as collect issues them (providers/azure/metrics-catalog.ts)

const END = Date.parse(COLLECTED_AT);
const START = END - WINDOW_SECONDS * 1000;
const HOURS = WINDOW_SECONDS / INTERVAL_SECONDS;
const stamp = (i: number) => new Date(START + i * INTERVAL_SECONDS * 1000).toISOString();

type Field = 'average' | 'minimum' | 'maximum' | 'total';

/** A series of `HOURS` points around `base` (± `spread`), clamped at 0. */
function series(seed: string, field: Field | Field[], base: number, spread: number, shape: (i: number, v: number) => number = (_i, v) => v): Array<Record<string, string | number>> {
  const next = random(seed);
  const fields = Array.isArray(field) ? field : [field];
  return Array.from({ length: HOURS }, (_, i) => {
    const v = Math.max(0, Math.round(shape(i, base + (next() * 2 - 1) * spread) * 100) / 100);
    return { timeStamp: stamp(i), ...Object.fromEntries(fields.map((f) => [f, f === 'minimum' ? Math.round(v * 0.8 * 100) / 100 : v])) };
  });
}

interface Plan {
  metricNames: string[];
  aggregations: string[];
  filter?: string;
}

const APPGW_PLANS: Plan[] = [
  { metricNames: ['UnhealthyHostCount', 'HealthyHostCount'], aggregations: ['Maximum', 'Minimum'], filter: "BackendSettingsPool eq '*'" },
  { metricNames: ['BackendResponseStatus'], aggregations: ['Total'], filter: "BackendPool eq '*' and BackendHttpSetting eq '*' and HttpStatusGroup eq '5xx'" },
  { metricNames: ['BackendLastByteResponseTime'], aggregations: ['Maximum', 'Average'], filter: "BackendPool eq '*' and BackendHttpSetting eq '*'" },
  { metricNames: ['ResponseStatus'], aggregations: ['Total'], filter: "HttpStatusGroup eq '5xx'" },
  { metricNames: ['FailedRequests', 'ApplicationGatewayTotalTime'], aggregations: ['Total', 'Maximum'] },
];

const LB_PLANS: Plan[] = [
  { metricNames: ['DipAvailability'], aggregations: ['Average', 'Minimum'], filter: "BackendIPAddress eq '*' and BackendPort eq '*'" },
  { metricNames: ['VipAvailability'], aggregations: ['Average', 'Minimum'] },
];

interface Timeseries {
  metadatavalues: Array<{ name: { value: string; localizedValue: string }; value: string }>;
  data: Array<Record<string, string | number>>;
}

const dims = (values: Record<string, string>) => Object.entries(values).map(([k, v]) => ({ name: { value: k.toLowerCase(), localizedValue: k }, value: v }));

function response(metrics: Record<string, { unit: string; timeseries: Timeseries[] }>): RawMetricsResponse {
  return {
    timespan: `${new Date(START).toISOString()}/${COLLECTED_AT}`,
    interval: 'PT1H',
    namespace: 'Microsoft.Network',
    resourceregion: LOCATION,
    value: Object.entries(metrics).map(([name, m]) => ({ id: `metrics/${name}`, type: 'Microsoft.Insights/metrics', name: { value: name, localizedValue: name }, unit: m.unit, timeseries: m.timeseries })),
  } as never;
}

/** Latency and 5xx profile of each gateway backend: [typical ms, peak ms, backend 5xx per hour]. */
const PROFILE: Record<string, [number, number, number]> = {
  'pool-shop': [180, 420, 0],
  'pool-catalog': [90, 260, 0],
  // Planted: peaks at 24 s against a 10 s request timeout.
  'pool-orders': [2400, 24_000, 3],
  'pool-payments': [0, 0, 0],
  'pool-search': [0, 0, 0],
  'pool-reports': [1800, 9000, 0],
  'pool-legacy': [300, 900, 0],
  'pool-inventory': [0, 0, 0],
};

function gatewayMetrics(g: GatewaySpec): Array<[Plan, RawMetricsResponse]> {
  const healthy = (b: Backend) => b.members.filter((_m, i) => serverHealth(b.pool, i)[0] === 'Up').length;
  const pair = (b: Backend) => `${b.pool}~${b.settings}`;
  const gw5xx = (i: number) => g.backends.reduce((sum, b) => sum + (b.pool === 'pool-orders' ? 3 + (i % 4) : b.pool === 'pool-payments' || b.pool === 'pool-search' ? 40 + (i % 7) : b.pool === 'pool-inventory' ? 12 + (i % 5) : 0), 0);
  const host = response({
    UnhealthyHostCount: { unit: 'Count', timeseries: g.backends.map((b) => ({ metadatavalues: dims({ BackendSettingsPool: pair(b) }), data: series(`${g.name}/${b.pool}/unhealthy`, 'maximum', b.members.length - healthy(b), 0) })) },
    HealthyHostCount: { unit: 'Count', timeseries: g.backends.map((b) => ({ metadatavalues: dims({ BackendSettingsPool: pair(b) }), data: series(`${g.name}/${b.pool}/healthy`, 'minimum', healthy(b) / 0.8, 0) })) },
  });
  const backend5xx = response({
    BackendResponseStatus: {
      unit: 'Count',
      timeseries: g.backends
        .filter((b) => b.members.length > 0)
        .map((b) => ({ metadatavalues: dims({ BackendPool: b.pool, BackendHttpSetting: b.settings, HttpStatusGroup: '5xx' }), data: series(`${g.name}/${b.pool}/5xx`, 'total', PROFILE[b.pool]?.[2] ?? 0, PROFILE[b.pool]?.[2] ?? 0) })),
    },
  });
  const latency = response({
    BackendLastByteResponseTime: {
      unit: 'MilliSeconds',
      timeseries: g.backends
        .filter((b) => (PROFILE[b.pool]?.[0] ?? 0) > 0)
        .map((b) => {
          const [typical, peak] = PROFILE[b.pool]!;
          return {
            metadatavalues: dims({ BackendPool: b.pool, BackendHttpSetting: b.settings }),
            data: series(`${g.name}/${b.pool}/latency`, ['maximum', 'average'], typical, typical / 4, (i, v) => (i % 6 === 3 ? peak : v)),
          };
        }),
    },
  });
  const gateway5xx = response({ ResponseStatus: { unit: 'Count', timeseries: [{ metadatavalues: dims({ HttpStatusGroup: '5xx' }), data: series(`${g.name}/5xx`, 'total', 0, 0, (i) => gw5xx(i)) }] } });
  const totals = response({
    FailedRequests: { unit: 'Count', timeseries: [{ metadatavalues: [], data: series(`${g.name}/failed`, 'total', 0, 0, (i) => gw5xx(i)) }] },
    ApplicationGatewayTotalTime: { unit: 'MilliSeconds', timeseries: [{ metadatavalues: [], data: series(`${g.name}/total`, 'maximum', 400, 150) }] },
  });
  return APPGW_PLANS.map((plan, i) => [plan, [host, backend5xx, latency, gateway5xx, totals][i]!]);
}

function loadBalancerMetrics(l: LbSpec): Array<[Plan, RawMetricsResponse]> {
  const down = l.name === 'lb-cache';
  const dip = response({
    DipAvailability: {
      unit: 'Percent',
      timeseries: l.pool.members.map((m) => ({ metadatavalues: dims({ BackendIPAddress: memberAddress(m), BackendPort: String(l.rules.find((r) => r.protocol === 'Tcp')?.port ?? l.rules[0]!.port) }), data: series(`${l.name}/${m}/dip`, ['average', 'minimum'], down ? 0 : 100, 0) })),
    },
  });
  const vip = response({ VipAvailability: { unit: 'Percent', timeseries: [{ metadatavalues: [], data: series(`${l.name}/vip`, ['average', 'minimum'], 100, 0) }] } });
  return [
    [LB_PLANS[0]!, dip],
    [LB_PLANS[1]!, vip],
  ];
}

function monitor(): AzureSubscriptionSnapshot['monitor'] {
  const queries: AzureMetricQuery[] = [];
  const responses: Record<string, RawMetricsResponse> = {};
  const add = (resourceId: string, answered: Array<[Plan, RawMetricsResponse]>) => {
    for (const [plan, body] of answered) {
      const q: AzureMetricQuery = { id: `q${queries.length}`, resourceId, metricNames: plan.metricNames, aggregations: plan.aggregations, ...(plan.filter ? { filter: plan.filter } : {}), intervalSeconds: INTERVAL_SECONDS };
      queries.push(q);
      responses[q.id] = body;
    }
  };
  for (const g of GATEWAYS) add(gatewayId(g), gatewayMetrics(g));
  for (const l of LOAD_BALANCERS) add(lbId(l), loadBalancerMetrics(l));
  return { window: { start: new Date(START).toISOString(), end: COLLECTED_AT }, queries, responses };
}

// ---------------------------------------------------------------------------------------------------------------

export function buildAzureDemo(): AzureRawSnapshot {
  const statuses = VMS.map((vm) => ({ ...virtualMachine(vm), instanceView: instanceView(vm.power ?? 'running') }));
  const subscription: AzureSubscriptionSnapshot = {
    subscriptionId: SUBSCRIPTION,
    displayName: 'contoso-prod',
    network: {
      applicationGateways: GATEWAYS.map(applicationGateway),
      loadBalancers: LOAD_BALANCERS.map(loadBalancer),
      networkSecurityGroups: securityGroups(),
      networkInterfaces: [...VMS.map(nic), ...SCALE_SETS.flatMap(scaleSetNics)],
      virtualNetworks: [virtualNetwork()],
      routeTables: routeTables(),
      publicIpAddresses: GATEWAYS.filter((g) => g.publicIp).map((g) => ({
        id: network(g.rg, 'publicIPAddresses', g.publicIp as string),
        name: g.publicIp,
        type: 'Microsoft.Network/publicIPAddresses',
        location: LOCATION,
        sku: { name: 'Standard', tier: 'Regional' },
        publicIPAllocationMethod: 'Static',
        ipAddress: `20.67.${hash(g.name) % 250}.${(hash(`${g.name}/ip`) % 250) + 1}`,
        dnsSettings: { domainNameLabel: g.name, fqdn: `${g.name}.${LOCATION}.cloudapp.azure.com` },
      })),
    },
    compute: {
      virtualMachines: VMS.map(virtualMachine),
      virtualMachineStatuses: statuses,
      scaleSets: SCALE_SETS.map(scaleSet),
      scaleSetVms: Object.fromEntries(SCALE_SETS.map((s) => [scaleSetId(s), scaleSetVms(s)])),
    },
    health: {
      applicationGateways: Object.fromEntries(GATEWAYS.map((g) => [gatewayId(g), backendHealth(g)])),
      loadBalancerRules: Object.assign({}, ...LOAD_BALANCERS.map(ruleHealth)) as Record<string, RawRuleHealth>,
    },
    monitor: monitor(),
    errors: [],
  };
  return {
    format: 'cloud502-raw-snapshot',
    schemaVersion: 1,
    provider: 'azure',
    tool: { name: 'cloud502', version: '0.1.0' },
    collectedAt: COLLECTED_AT,
    demo: true,
    options: { cloud: 'AzureCloud', subscriptions: [SUBSCRIPTION], metricsWindowSeconds: WINDOW_SECONDS },
    subscriptions: [subscription],
    errors: [],
  };
}

/** The file the Azure demo reads. */
export const AZURE_DEMO_PATH = fileURLToPath(new URL('./azure-demo.json', import.meta.url));

/** JSON with two-space indentation, except arrays of plain values, kept on one line. */
export function formatJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${formatJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

export function renderAzureDemo(): string {
  return `${formatJson(buildAzureDemo())}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(AZURE_DEMO_PATH, renderAzureDemo());
  console.log(`wrote ${AZURE_DEMO_PATH}`);
}
