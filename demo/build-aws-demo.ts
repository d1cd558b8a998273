/**
 * Builds demo/aws-demo.json: the raw snapshot behind `cloud502 audit --demo`, a plausible company's load balancers
 * in eu-west-1 with one or more planted problems per check family (see demo/README.md).
 *
 * Deterministic: ids come from a hash of each resource's name and metric values from a seeded generator, so the
 * committed JSON always equals `buildAwsDemo()` (a test checks it). Regenerate with:
 *   node demo/build-aws-demo.ts        (Node >= 22.18; older 22.x: node --experimental-strip-types ...)
 * Everything here is data: nothing ever connects to these addresses.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AwsMetricQuery, AwsRawSnapshot, AwsRegionSnapshot } from '../providers/aws/raw.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const COLLECTED_AT = '2026-11-20T09:00:00.000Z';
const WINDOW_SECONDS = 86_400;
const PERIOD_SECONDS = 300;

type Region = AwsRegionSnapshot;
type RawLoadBalancer = Region['elbv2']['loadBalancers'][number];
type RawListener = Region['elbv2']['listeners'][string][number];
type RawRule = Region['elbv2']['rules'][string][number];
type RawTargetGroup = Region['elbv2']['targetGroups'][number];
type RawTargetHealth = Region['elbv2']['targetHealth'][string][number];
type RawSecurityGroup = Region['ec2']['securityGroups'][number];
type IpPermission = NonNullable<RawSecurityGroup['IpPermissions']>[number];
type RawNaclEntry = NonNullable<Region['ec2']['networkAcls'][number]['Entries']>[number];
type RawInstance = Region['ec2']['instances'][number];
type RawEni = Region['ec2']['networkInterfaces'][number];
type Tag = { Key: string; Value: string };

// ---------------------------------------------------------------------------------------------------------------
// Deterministic ids and numbers

/** FNV-1a over the seed, repeated until `length` hex characters: stable, random-looking ids. */
function hex(seed: string, length: number): string {
  let out = '';
  for (let round = 0; out.length < length; round++) {
    let h = 0x811c9dc5;
    for (const ch of `${seed}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

const awsId = (prefix: string, name: string): string => `${prefix}-0${hex(`${prefix}:${name}`, 16)}`;
const uuid = (name: string): string => {
  const h = hex(`uuid:${name}`, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** mulberry32, seeded from a name: one reproducible stream per metric series. */
function random(seed: string): () => number {
  let a = Number.parseInt(hex(`rnd:${seed}`, 8), 16);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const tags = (record: Record<string, string>): Tag[] => Object.entries(record).map(([Key, Value]) => ({ Key, Value }));
const COMMON_TAGS = { Environment: 'production', ManagedBy: 'terraform' };

// ---------------------------------------------------------------------------------------------------------------
// Network: one VPC, public / app / internal subnets in three zones

type Az = 'a' | 'b' | 'c';
type Tier = 'public' | 'app' | 'internal';

const VPC_ID = awsId('vpc', 'prod');
const VPC_CIDR = '10.20.0.0/16';
const TIER_BASE: Record<Tier, number> = { public: 0, app: 10, internal: 20 };
const AZ_INDEX: Record<Az, number> = { a: 0, b: 1, c: 2 };
const zoneName = (az: Az): string => `${REGION}${az}`;
const subnetId = (tier: Tier, az: Az): string => awsId('subnet', `${tier}-${az}`);
const subnetCidr = (tier: Tier, az: Az): string => `10.20.${TIER_BASE[tier] + AZ_INDEX[az]}.0/24`;

const nextHost = new Map<string, number>();
/** Next free private address in a subnet (hosts from .11; LB nodes from .200). */
function allocateIp(tier: Tier, az: Az, pool: 'host' | 'node' = 'host'): string {
  const key = `${tier}-${az}-${pool}`;
  const n = nextHost.get(key) ?? (pool === 'host' ? 11 : 200);
  nextHost.set(key, n + 1);
  return `10.20.${TIER_BASE[tier] + AZ_INDEX[az]}.${n}`;
}

const sgId = (name: string): string => awsId('sg', name);
const sgPair = (name: string, description?: string) => ({ GroupId: sgId(name), UserId: ACCOUNT, ...(description ? { Description: description } : {}) });
const tcp = (from: number, to: number, peers: Partial<IpPermission>): IpPermission => ({
  IpProtocol: 'tcp',
  FromPort: from,
  ToPort: to,
  IpRanges: [],
  Ipv6Ranges: [],
  PrefixListIds: [],
  UserIdGroupPairs: [],
  ...peers,
});
const allTraffic: IpPermission = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
const anywhere = { IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] };
const fromVpc = (description: string) => ({ IpRanges: [{ CidrIp: VPC_CIDR, Description: description }] });

function securityGroup(name: string, description: string, ingress: IpPermission[], egress: IpPermission[]): RawSecurityGroup {
  return {
    GroupId: sgId(name),
    GroupName: name,
    Description: description,
    VpcId: VPC_ID,
    OwnerId: ACCOUNT,
    SecurityGroupArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${sgId(name)}`,
    IpPermissions: ingress,
    IpPermissionsEgress: egress,
    Tags: tags({ Name: name, ...COMMON_TAGS }),
  };
}

function securityGroups(): RawSecurityGroup[] {
  const lbToApp = (lb: string, app: string, from: number, to: number) => tcp(from, to, { UserIdGroupPairs: [sgPair(app, `to ${app}`)] });
  const appFromLb = (app: string, lb: string, from: number, to: number) => tcp(from, to, { UserIdGroupPairs: [sgPair(lb, `from ${lb}`)] });
  return [
    securityGroup('default', 'default VPC security group', [{ IpProtocol: '-1', IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [sgPair('default')] }], [allTraffic]),
    // shop-web
    securityGroup('shop-web-alb', 'shop-web ALB', [tcp(80, 80, anywhere), tcp(443, 443, anywhere)], [lbToApp('shop-web-alb', 'shop-web-app', 8080, 8080)]),
    securityGroup('shop-web-app', 'shop-web instances', [appFromLb('shop-web-app', 'shop-web-alb', 8080, 8080)], [allTraffic]),
    // api
    securityGroup('api-alb', 'public API ALB', [tcp(443, 443, anywhere)], [lbToApp('api-alb', 'api-app', 8000, 8000)]),
    securityGroup('api-app', 'API workers (gunicorn)', [appFromLb('api-app', 'api-alb', 8000, 8000)], [allTraffic]),
    // admin: the app allows the ALB on the traffic port 8080 but not on the health-check port 8081 (planted)
    securityGroup('admin-alb', 'admin ALB', [tcp(443, 443, fromVpc('office VPN and bastions'))], [lbToApp('admin-alb', 'admin-app', 8080, 8081)]),
    securityGroup('admin-app', 'admin backend', [appFromLb('admin-app', 'admin-alb', 8080, 8080)], [allTraffic]),
    // grpc
    securityGroup('grpc-alb', 'internal gRPC ALB', [tcp(443, 443, fromVpc('service mesh clients'))], [lbToApp('grpc-alb', 'grpc-app', 50051, 50051)]),
    securityGroup('grpc-app', 'inventory gRPC service', [appFromLb('grpc-app', 'grpc-alb', 50051, 50051)], [allTraffic]),
    // payments NLB: egress covers the API port only, not the ledger port 9000 (planted)
    securityGroup(
      'payments-nlb',
      'payments NLB',
      [tcp(443, 443, { IpRanges: [{ CidrIp: '198.51.100.0/24', Description: 'card processor' }, { CidrIp: VPC_CIDR, Description: 'internal callers' }] }), tcp(9000, 9000, fromVpc('ledger clients'))],
      [lbToApp('payments-nlb', 'payments-app', 8080, 8080)],
    ),
    securityGroup('payments-app', 'payments API', [appFromLb('payments-app', 'payments-nlb', 8080, 8080)], [allTraffic]),
    securityGroup('ledger-app', 'ledger service', [appFromLb('ledger-app', 'payments-nlb', 9000, 9000)], [allTraffic]),
    // legacy Classic ELB
    securityGroup('legacy-web-elb', 'legacy-web Classic ELB', [tcp(80, 80, { IpRanges: [{ CidrIp: '0.0.0.0/0' }] })], [lbToApp('legacy-web-elb', 'legacy-web-app', 8080, 8080)]),
    securityGroup('legacy-web-app', 'legacy-web instances', [appFromLb('legacy-web-app', 'legacy-web-elb', 8080, 8080)], [allTraffic]),
    // checkout, catalog, auth: open exactly on the traffic (= health-check) port
    securityGroup('checkout-alb', 'checkout ALB', [tcp(443, 443, anywhere)], [lbToApp('checkout-alb', 'checkout-app', 8080, 8080)]),
    securityGroup('checkout-app', 'checkout nginx', [appFromLb('checkout-app', 'checkout-alb', 8080, 8080)], [allTraffic]),
    securityGroup('catalog-alb', 'catalog ALB', [tcp(80, 80, anywhere), tcp(443, 443, anywhere)], [lbToApp('catalog-alb', 'catalog-app', 8080, 8080)]),
    securityGroup('catalog-app', 'catalog nginx', [appFromLb('catalog-app', 'catalog-alb', 8080, 8080)], [allTraffic]),
    securityGroup('auth-alb', 'auth ALB', [tcp(443, 443, anywhere)], [lbToApp('auth-alb', 'auth-app', 3000, 3000)]),
    securityGroup('auth-app', 'auth service (node)', [appFromLb('auth-app', 'auth-alb', 3000, 3000)], [allTraffic]),
    // ingest NLB has no security group: its targets admit the VPC (the NLB node addresses live there)
    securityGroup('ingest-app', 'OTLP collectors', [tcp(4317, 4317, fromVpc('NLB nodes and VPC clients'))], [allTraffic]),
  ];
}

const DEFAULT_NACL = awsId('acl', 'default');
const APP_C_NACL = awsId('acl', 'app-c-hardened');

function naclEntry(ruleNumber: number, egress: boolean, action: 'allow' | 'deny', cidr: string, protocol: string, ports?: [number, number]): RawNaclEntry {
  return { RuleNumber: ruleNumber, Egress: egress, RuleAction: action, CidrBlock: cidr, Protocol: protocol, ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}) };
}

function networkAcls(): Region['ec2']['networkAcls'] {
  const defaultSubnets: Array<[Tier, Az]> = [
    ['public', 'a'], ['public', 'b'], ['public', 'c'], ['app', 'a'], ['app', 'b'], ['internal', 'a'], ['internal', 'b'], ['internal', 'c'],
  ];
  return [
    {
      NetworkAclId: DEFAULT_NACL,
      VpcId: VPC_ID,
      IsDefault: true,
      OwnerId: ACCOUNT,
      Associations: defaultSubnets.map(([tier, az]) => ({ NetworkAclAssociationId: awsId('aclassoc', `${tier}-${az}`), NetworkAclId: DEFAULT_NACL, SubnetId: subnetId(tier, az) })),
      Entries: [
        naclEntry(100, true, 'allow', '0.0.0.0/0', '-1'),
        naclEntry(32767, true, 'deny', '0.0.0.0/0', '-1'),
        naclEntry(100, false, 'allow', '0.0.0.0/0', '-1'),
        naclEntry(32767, false, 'deny', '0.0.0.0/0', '-1'),
      ],
      Tags: [],
    },
    {
      // Planted: a hardened NACL on app-c whose outbound ephemeral rule covers the app subnets only, not the load
      // balancer subnets 10.20.0.0/22, so replies from targets in app-c to the ALB nodes are dropped.
      NetworkAclId: APP_C_NACL,
      VpcId: VPC_ID,
      IsDefault: false,
      OwnerId: ACCOUNT,
      Associations: [{ NetworkAclAssociationId: awsId('aclassoc', 'app-c'), NetworkAclId: APP_C_NACL, SubnetId: subnetId('app', 'c') }],
      Entries: [
        naclEntry(100, false, 'allow', VPC_CIDR, '6', [8080, 8081]),
        naclEntry(110, false, 'allow', '0.0.0.0/0', '6', [1024, 65535]),
        naclEntry(32767, false, 'deny', '0.0.0.0/0', '-1'),
        naclEntry(100, true, 'allow', '0.0.0.0/0', '6', [443, 443]),
        naclEntry(110, true, 'allow', '10.20.30.0/24', '6', [5432, 5432]),
        naclEntry(120, true, 'allow', '10.20.10.0/23', '6', [1024, 65535]),
        naclEntry(32767, true, 'deny', '0.0.0.0/0', '-1'),
      ],
      Tags: tags({ Name: 'app-c-hardened', ...COMMON_TAGS }),
    },
  ];
}

function subnets(): Region['ec2']['subnets'] {
  const out: Region['ec2']['subnets'] = [];
  for (const tier of ['public', 'app', 'internal'] as const) {
    for (const az of ['a', 'b', 'c'] as const) {
      out.push({
        SubnetId: subnetId(tier, az),
        SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/${subnetId(tier, az)}`,
        VpcId: VPC_ID,
        CidrBlock: subnetCidr(tier, az),
        AvailabilityZone: zoneName(az),
        AvailabilityZoneId: `euw1-az${AZ_INDEX[az] + 1}`,
        AvailableIpAddressCount: 240,
        DefaultForAz: false,
        MapPublicIpOnLaunch: tier === 'public',
        State: 'available',
        OwnerId: ACCOUNT,
        Ipv6CidrBlockAssociationSet: [],
        Tags: tags({ Name: `prod-${tier}-${az}`, ...COMMON_TAGS }),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Load balancers, target groups, targets

const lbArn = (kind: 'app' | 'net', name: string, id?: string): string =>
  `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/${kind}/${name}/${id ?? hex(`lb:${name}`, 16)}`;
const tgArn = (name: string): string => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${name}/${hex(`tg:${name}`, 16)}`;
const listenerArn = (lb: string, port: number): string => `${lb.replace(':loadbalancer/', ':listener/')}/${hex(`listener:${lb}:${port}`, 16)}`;
const ruleArn = (listener: string, priority: number): string => `${listener.replace(':listener/', ':listener-rule/')}/${hex(`rule:${listener}:${priority}`, 16)}`;
const certArn = (name: string): string => `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${uuid(name)}`;

type Health = 'healthy' | { state: 'unhealthy' | 'unused'; reason: string; description: string };
interface TargetSpec {
  name: string;
  az: Az;
  health: Health;
  stopped?: boolean;
  /** Subnet tier when not the pool's. */
  tier?: Tier;
}

interface PoolMetrics {
  /** Typical TargetResponseTime p99 in seconds (with jitter); undefined = no successful responses. */
  p99?: [number, number];
  max?: [number, number];
  target5xx?: number;
  connectionErrors?: number;
  unhealthyRouting?: boolean;
}

interface TgSpec {
  name: string;
  protocol: 'HTTP' | 'HTTPS' | 'TCP';
  port: number;
  targetType: 'instance' | 'ip';
  protocolVersion?: 'HTTP1' | 'HTTP2' | 'GRPC';
  hc: { protocol: 'HTTP' | 'HTTPS' | 'TCP'; port?: string; path?: string; interval: number; timeout: number; healthy: number; unhealthy: number; matcher?: { HttpCode?: string; GrpcCode?: string } };
  attributes: Record<string, string>;
  tags: Record<string, string>;
  appSecurityGroup: string;
  tier: Tier;
  targets: TargetSpec[];
  metrics: PoolMetrics;
}

const UNHEALTHY_TIMEOUT: Health = { state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' };
const UNHEALTHY_FAILED: Health = { state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' };
const UNHEALTHY_301: Health = { state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [301]' };
const UNUSED_STOPPED: Health = { state: 'unused', reason: 'Target.InvalidState', description: 'Target is in the stopped state' };
const UNUSED_ZONE: Health = { state: 'unused', reason: 'Target.NotInUse', description: 'Target is in an Availability Zone that is not enabled for the load balancer' };
const UNUSED_NO_LB: Health = { state: 'unused', reason: 'Target.NotInUse', description: 'Target group is not configured to receive traffic from the load balancer' };

const httpHc = (path: string, interval = 15, timeout = 5, healthy = 3, unhealthy = 3): TgSpec['hc'] => ({
  protocol: 'HTTP', port: 'traffic-port', path, interval, timeout, healthy, unhealthy, matcher: { HttpCode: '200' },
});

const TARGET_GROUPS: TgSpec[] = [
  {
    // Planted: node backend (keep-alive 5 s) behind a 60 s ALB; aggressive health check (5 s × 2, timeout 4 s of a 5 s interval);
    // the eu-west-1c target is unhealthy (Target.Timeout) because app-c's NACL drops replies to the ALB subnets.
    name: 'shop-web', protocol: 'HTTP', port: 8080, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/healthz', 5, 4, 2, 2), attributes: { 'deregistration_delay.timeout_seconds': '30', 'stickiness.enabled': 'false', 'load_balancing.algorithm.type': 'round_robin' },
    tags: { 'cloud502:server': 'node', Service: 'shop-web' }, appSecurityGroup: 'shop-web-app', tier: 'app',
    targets: [{ name: 'shop-web-1', az: 'a', health: 'healthy' }, { name: 'shop-web-2', az: 'b', health: 'healthy' }, { name: 'shop-web-3', az: 'c', health: UNHEALTHY_TIMEOUT }],
    metrics: { p99: [0.35, 0.6], max: [1.2, 2.6], target5xx: 0.05 },
  },
  {
    // Planted: routed by /search/* but nothing registered (503).
    name: 'shop-search', protocol: 'HTTP', port: 8080, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/healthz'), attributes: { 'deregistration_delay.timeout_seconds': '30' }, tags: { Service: 'shop-search' }, appSecurityGroup: 'shop-web-app', tier: 'app',
    targets: [], metrics: {},
  },
  {
    // Planted: a release that redirects /account/health (301) against matcher 200.
    name: 'shop-account', protocol: 'HTTP', port: 8080, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/account/health'), attributes: { 'deregistration_delay.timeout_seconds': '30' }, tags: { Service: 'shop-account' }, appSecurityGroup: 'shop-web-app', tier: 'app',
    targets: [{ name: 'shop-account-1', az: 'a', health: 'healthy' }, { name: 'shop-account-2', az: 'b', health: UNHEALTHY_301 }, { name: 'shop-account-3', az: 'a', health: UNHEALTHY_301 }],
    metrics: { p99: [0.2, 0.32], max: [0.8, 1.4] },
  },
  {
    // Planted: left over from the previous shop-web stack; no listener uses it.
    name: 'shop-web-v1', protocol: 'HTTP', port: 8080, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/healthz'), attributes: {}, tags: { Service: 'shop-web', Version: 'v1' }, appSecurityGroup: 'shop-web-app', tier: 'app',
    targets: [{ name: 'shop-web-v1-1', az: 'a', health: UNUSED_NO_LB }, { name: 'shop-web-v1-2', az: 'b', health: UNUSED_NO_LB }],
    metrics: {},
  },
  {
    // Planted: gunicorn (keep-alive 2 s) behind a 60 s ALB.
    name: 'api', protocol: 'HTTP', port: 8000, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/health'), attributes: { 'deregistration_delay.timeout_seconds': '60' }, tags: { 'cloud502:server': 'gunicorn', Service: 'api' }, appSecurityGroup: 'api-app', tier: 'app',
    targets: [{ name: 'api-1', az: 'a', health: 'healthy' }, { name: 'api-2', az: 'b', health: 'healthy' }, { name: 'api-3', az: 'a', health: 'healthy' }],
    metrics: { p99: [0.25, 0.45], max: [1.5, 3.5], target5xx: 0.1 },
  },
  {
    // Planted: p99 around 48 s against the 60 s idle timeout; the ALB reports 504s.
    name: 'api-exports', protocol: 'HTTP', port: 8000, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/health', 30), attributes: { 'deregistration_delay.timeout_seconds': '120' }, tags: { Service: 'api-exports' }, appSecurityGroup: 'api-app', tier: 'app',
    targets: [{ name: 'api-exports-1', az: 'a', health: 'healthy' }, { name: 'api-exports-2', az: 'b', health: 'healthy' }],
    metrics: { p99: [44, 48.5], max: [55, 60] },
  },
  {
    // Planted: deregistration delay 5 s while p99 is ~20 s; one target's instance is stopped.
    name: 'api-orders', protocol: 'HTTP', port: 8000, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/health', 30), attributes: { 'deregistration_delay.timeout_seconds': '5' }, tags: { Service: 'api-orders' }, appSecurityGroup: 'api-app', tier: 'app',
    targets: [{ name: 'api-orders-1', az: 'a', health: 'healthy' }, { name: 'api-orders-2', az: 'b', health: 'healthy' }, { name: 'api-orders-3', az: 'b', health: UNUSED_STOPPED, stopped: true }],
    metrics: { p99: [17.5, 20.5], max: [24, 29] },
  },
  {
    // Planted: health checks on port 8081, which admin-app does not admit from the ALB: every target times out.
    name: 'admin', protocol: 'HTTP', port: 8080, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: { ...httpHc('/health', 30), port: '8081' }, attributes: {}, tags: { Service: 'admin' }, appSecurityGroup: 'admin-app', tier: 'app',
    targets: [{ name: 'admin-1', az: 'a', health: UNHEALTHY_TIMEOUT }, { name: 'admin-2', az: 'b', health: UNHEALTHY_TIMEOUT }],
    metrics: { p99: [0.06, 0.12], max: [0.3, 0.6], unhealthyRouting: true },
  },
  {
    // Planted: HTTPS + gRPC protocol version towards targets that speak plaintext: TLS negotiation errors, every
    // health check fails (Target.FailedHealthChecks), the ALB fails open.
    name: 'grpc-inventory', protocol: 'HTTPS', port: 50051, targetType: 'instance', protocolVersion: 'GRPC',
    hc: { protocol: 'HTTPS', port: 'traffic-port', path: '/AWS.ALB/healthcheck', interval: 30, timeout: 5, healthy: 3, unhealthy: 3, matcher: { GrpcCode: '12' } },
    attributes: {}, tags: { Service: 'inventory' }, appSecurityGroup: 'grpc-app', tier: 'app',
    targets: [{ name: 'grpc-inventory-1', az: 'a', health: UNHEALTHY_FAILED }, { name: 'grpc-inventory-2', az: 'b', health: UNHEALTHY_FAILED }],
    metrics: { unhealthyRouting: true },
  },
  {
    // Planted: slow recovery (interval 300 s × healthy 10); one target in eu-west-1c, a zone payments does not enable.
    name: 'payments-api', protocol: 'TCP', port: 8080, targetType: 'instance',
    hc: { protocol: 'TCP', port: 'traffic-port', interval: 300, timeout: 10, healthy: 10, unhealthy: 3 }, attributes: {}, tags: { Service: 'payments' }, appSecurityGroup: 'payments-app', tier: 'app',
    targets: [{ name: 'payments-1', az: 'a', health: 'healthy' }, { name: 'payments-2', az: 'b', health: 'healthy' }, { name: 'payments-3', az: 'c', health: UNUSED_ZONE, tier: 'internal' }],
    metrics: {},
  },
  {
    // Planted: declared idle connections of 900 s through a TCP listener that resets flows after 350 s; the NLB's
    // security group has no egress to port 9000, so health checks fail.
    name: 'payments-ledger', protocol: 'TCP', port: 9000, targetType: 'instance',
    hc: { protocol: 'TCP', port: 'traffic-port', interval: 30, timeout: 10, healthy: 3, unhealthy: 3 }, attributes: { 'deregistration_delay.timeout_seconds': '300' },
    tags: { 'cloud502:server': 'go', 'cloud502:keepalive': '900', Service: 'ledger' }, appSecurityGroup: 'ledger-app', tier: 'app',
    targets: [{ name: 'ledger-1', az: 'a', health: UNHEALTHY_FAILED }, { name: 'ledger-2', az: 'b', health: UNHEALTHY_FAILED }],
    metrics: { unhealthyRouting: true },
  },
  {
    // Unexplained 502s: nginx (keep-alive 75 s > 60 s), healthy, sane checks, yet the ALB reports 502s.
    name: 'checkout', protocol: 'HTTP', port: 8080, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/healthz'), attributes: { 'deregistration_delay.timeout_seconds': '60' }, tags: { 'cloud502:server': 'nginx', Service: 'checkout' }, appSecurityGroup: 'checkout-app', tier: 'app',
    targets: [{ name: 'checkout-1', az: 'a', health: 'healthy' }, { name: 'checkout-2', az: 'b', health: 'healthy' }],
    metrics: { p99: [0.28, 0.4], max: [0.9, 1.6] },
  },
  {
    // Clean: nginx, healthy, sane health check.
    name: 'catalog', protocol: 'HTTP', port: 8080, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/healthz'), attributes: { 'deregistration_delay.timeout_seconds': '30' }, tags: { 'cloud502:server': 'nginx', Service: 'catalog' }, appSecurityGroup: 'catalog-app', tier: 'app',
    targets: [{ name: 'catalog-1', az: 'a', health: 'healthy' }, { name: 'catalog-2', az: 'b', health: 'healthy' }],
    metrics: { p99: [0.09, 0.16], max: [0.4, 0.9] },
  },
  {
    // Clean: node with server.keepAliveTimeout raised to 75 s and declared.
    name: 'auth', protocol: 'HTTP', port: 3000, targetType: 'instance', protocolVersion: 'HTTP1',
    hc: httpHc('/healthz', 20), attributes: { 'deregistration_delay.timeout_seconds': '30' }, tags: { 'cloud502:server': 'node', 'cloud502:keepalive': '75', Service: 'auth' }, appSecurityGroup: 'auth-app', tier: 'app',
    targets: [{ name: 'auth-1', az: 'a', health: 'healthy' }, { name: 'auth-2', az: 'b', health: 'healthy' }],
    metrics: { p99: [0.14, 0.24], max: [0.5, 1.1] },
  },
  {
    // Clean: OTLP collectors (ECS tasks, IP targets) that close idle connections after 120 s, below the NLB's 350 s.
    name: 'ingest', protocol: 'TCP', port: 4317, targetType: 'ip',
    hc: { protocol: 'TCP', port: 'traffic-port', interval: 30, timeout: 10, healthy: 3, unhealthy: 3 }, attributes: { 'deregistration_delay.timeout_seconds': '60' },
    tags: { 'cloud502:server': 'go', 'cloud502:keepalive': '120', Service: 'telemetry' }, appSecurityGroup: 'ingest-app', tier: 'app',
    targets: [{ name: 'ingest-1', az: 'a', health: 'healthy' }, { name: 'ingest-2', az: 'b', health: 'healthy' }],
    metrics: {},
  },
];

interface LbMetrics {
  /** Requests (or new flows) per 5 minutes at the daily peak. */
  requests: number;
  /** [probability a period has any, max count] for LB-generated errors. */
  elb502?: [number, number];
  elb503?: [number, number];
  elb504?: [number, number];
  /** Every request fails with 502 (a fail-open pool whose targets cannot answer). */
  all502?: boolean;
  targetTls?: boolean;
  tcpResets?: [number, number];
  /** Background noise that is not a load-balancer problem (scanners failing TLS, clients resetting flows). */
  clientNoise?: boolean;
}

interface ListenerSpec {
  port: number;
  protocol: 'HTTP' | 'HTTPS' | 'TCP' | 'TLS';
  certificate?: string;
  defaultPool?: string;
  redirectToHttps?: boolean;
  rules?: Array<{ priority: number; path: string; pool: string }>;
  attributes?: Record<string, string>;
}

interface LbSpec {
  name: string;
  kind: 'app' | 'net';
  id?: string;
  scheme: 'internet-facing' | 'internal';
  tier: Tier;
  zones: Az[];
  securityGroups: string[];
  attributes: Record<string, string>;
  listeners: ListenerSpec[];
  tags: Record<string, string>;
  metrics: LbMetrics;
}

const ALB_ATTRIBUTES = (idle: number) => ({
  'access_logs.s3.enabled': 'true',
  'access_logs.s3.bucket': `example-prod-alb-logs-${ACCOUNT}`,
  'deletion_protection.enabled': 'true',
  'idle_timeout.timeout_seconds': String(idle),
  'routing.http2.enabled': 'true',
  'routing.http.drop_invalid_header_fields.enabled': 'true',
  'load_balancing.cross_zone.enabled': 'true',
});

const LOAD_BALANCERS: LbSpec[] = [
  {
    name: 'shop-web', kind: 'app', id: '50dc6c495c0c9188', scheme: 'internet-facing', tier: 'public', zones: ['a', 'b', 'c'], securityGroups: ['shop-web-alb'],
    attributes: ALB_ATTRIBUTES(60),
    listeners: [
      { port: 80, protocol: 'HTTP', redirectToHttps: true },
      {
        port: 443, protocol: 'HTTPS', certificate: 'shop', defaultPool: 'shop-web',
        rules: [{ priority: 10, path: '/search/*', pool: 'shop-search' }, { priority: 20, path: '/account/*', pool: 'shop-account' }],
      },
    ],
    tags: { Team: 'storefront' },
    metrics: { requests: 2600, elb502: [0.12, 3], elb503: [1, 14], clientNoise: true },
  },
  {
    name: 'api', kind: 'app', scheme: 'internet-facing', tier: 'public', zones: ['a', 'b'], securityGroups: ['api-alb'], attributes: ALB_ATTRIBUTES(60),
    listeners: [
      { port: 443, protocol: 'HTTPS', certificate: 'api', defaultPool: 'api', rules: [{ priority: 10, path: '/v1/exports/*', pool: 'api-exports' }, { priority: 20, path: '/v1/orders/*', pool: 'api-orders' }] },
    ],
    tags: { Team: 'platform-api' },
    metrics: { requests: 1800, elb504: [0.3, 5], clientNoise: true },
  },
  {
    name: 'admin', kind: 'app', scheme: 'internal', tier: 'internal', zones: ['a', 'b'], securityGroups: ['admin-alb'], attributes: ALB_ATTRIBUTES(60),
    listeners: [{ port: 443, protocol: 'HTTPS', certificate: 'admin', defaultPool: 'admin' }],
    tags: { Team: 'backoffice' },
    metrics: { requests: 120 },
  },
  {
    name: 'grpc', kind: 'app', scheme: 'internal', tier: 'internal', zones: ['a', 'b'], securityGroups: ['grpc-alb'], attributes: ALB_ATTRIBUTES(60),
    listeners: [{ port: 443, protocol: 'HTTPS', certificate: 'grpc', defaultPool: 'grpc-inventory' }],
    tags: { Team: 'inventory' },
    metrics: { requests: 300, all502: true, targetTls: true },
  },
  {
    name: 'payments', kind: 'net', scheme: 'internet-facing', tier: 'public', zones: ['a', 'b'], securityGroups: ['payments-nlb'],
    attributes: { 'deletion_protection.enabled': 'true', 'access_logs.s3.enabled': 'false', 'dns_record.client_routing_policy': 'any_availability_zone' },
    listeners: [
      { port: 443, protocol: 'TLS', certificate: 'payments', defaultPool: 'payments-api' },
      { port: 9000, protocol: 'TCP', defaultPool: 'payments-ledger', attributes: {} },
    ],
    tags: { Team: 'payments', DataClassification: 'pci' },
    metrics: { requests: 700, tcpResets: [0.35, 12], clientNoise: true },
  },
  {
    name: 'checkout', kind: 'app', scheme: 'internet-facing', tier: 'public', zones: ['a', 'b'], securityGroups: ['checkout-alb'], attributes: ALB_ATTRIBUTES(60),
    listeners: [{ port: 443, protocol: 'HTTPS', certificate: 'checkout', defaultPool: 'checkout' }],
    tags: { Team: 'storefront' },
    metrics: { requests: 900, elb502: [0.25, 4] },
  },
  {
    name: 'catalog', kind: 'app', scheme: 'internet-facing', tier: 'public', zones: ['a', 'b'], securityGroups: ['catalog-alb'], attributes: ALB_ATTRIBUTES(60),
    listeners: [
      { port: 80, protocol: 'HTTP', redirectToHttps: true },
      { port: 443, protocol: 'HTTPS', certificate: 'catalog', defaultPool: 'catalog' },
    ],
    tags: { Team: 'catalog' },
    metrics: { requests: 3000 },
  },
  {
    name: 'auth', kind: 'app', scheme: 'internet-facing', tier: 'public', zones: ['a', 'b'], securityGroups: ['auth-alb'], attributes: ALB_ATTRIBUTES(60),
    listeners: [{ port: 443, protocol: 'HTTPS', certificate: 'auth', defaultPool: 'auth' }],
    tags: { Team: 'identity' },
    metrics: { requests: 1500 },
  },
  {
    name: 'ingest', kind: 'net', scheme: 'internal', tier: 'internal', zones: ['a', 'b'], securityGroups: [],
    attributes: { 'deletion_protection.enabled': 'true', 'load_balancing.cross_zone.enabled': 'true', 'access_logs.s3.enabled': 'false' },
    listeners: [{ port: 4317, protocol: 'TCP', defaultPool: 'ingest', attributes: { 'tcp.idle_timeout.seconds': '350' } }],
    tags: { Team: 'observability' },
    metrics: { requests: 400 },
  },
];

// Certificates: the shop's imported certificate expires 21 days after collection (planted); the rest are fine.
const CERTIFICATES: Record<string, { domain: string; sans: string[]; type: 'AMAZON_ISSUED' | 'IMPORTED' | 'PRIVATE'; notBefore: string; notAfter: string; issuer: string }> = {
  shop: { domain: 'shop.example.com', sans: ['shop.example.com', 'www.shop.example.com'], type: 'IMPORTED', notBefore: '2025-12-11T00:00:00.000Z', notAfter: '2026-12-11T23:59:59.000Z', issuer: 'Sectigo RSA Domain Validation Secure Server CA' },
  api: { domain: 'api.example.com', sans: ['api.example.com'], type: 'AMAZON_ISSUED', notBefore: '2026-07-15T00:00:00.000Z', notAfter: '2027-08-14T23:59:59.000Z', issuer: 'Amazon' },
  admin: { domain: 'admin.internal.example.com', sans: ['admin.internal.example.com'], type: 'PRIVATE', notBefore: '2026-03-02T00:00:00.000Z', notAfter: '2027-03-02T00:00:00.000Z', issuer: 'Example Corp Internal CA' },
  grpc: { domain: 'inventory.internal.example.com', sans: ['inventory.internal.example.com'], type: 'PRIVATE', notBefore: '2026-04-10T00:00:00.000Z', notAfter: '2027-04-10T00:00:00.000Z', issuer: 'Example Corp Internal CA' },
  payments: { domain: 'pay.example.com', sans: ['pay.example.com'], type: 'AMAZON_ISSUED', notBefore: '2026-05-02T00:00:00.000Z', notAfter: '2027-06-01T23:59:59.000Z', issuer: 'Amazon' },
  checkout: { domain: 'checkout.example.com', sans: ['checkout.example.com'], type: 'AMAZON_ISSUED', notBefore: '2026-08-21T00:00:00.000Z', notAfter: '2027-09-21T23:59:59.000Z', issuer: 'Amazon' },
  catalog: { domain: 'catalog.example.com', sans: ['catalog.example.com', 'www.catalog.example.com'], type: 'AMAZON_ISSUED', notBefore: '2026-06-07T00:00:00.000Z', notAfter: '2027-07-07T23:59:59.000Z', issuer: 'Amazon' },
  auth: { domain: 'auth.example.com', sans: ['auth.example.com'], type: 'AMAZON_ISSUED', notBefore: '2026-09-03T00:00:00.000Z', notAfter: '2027-10-03T23:59:59.000Z', issuer: 'Amazon' },
};

// The classic load balancer: apache (keep-alive 5 s) behind a 60 s idle timeout; one instance out of service.
const LEGACY = {
  name: 'legacy-web',
  zones: ['a', 'b'] as Az[],
  instances: [
    { name: 'legacy-web-1', az: 'a' as Az, state: 'InService', reason: 'N/A', description: 'N/A' },
    { name: 'legacy-web-2', az: 'b' as Az, state: 'InService', reason: 'N/A', description: 'N/A' },
    { name: 'legacy-web-3', az: 'b' as Az, state: 'OutOfService', reason: 'Instance', description: 'Instance has failed at least the UnhealthyThreshold number of health checks consecutively.' },
  ],
};

// ---------------------------------------------------------------------------------------------------------------
// Assembly

function instance(name: string, az: Az, tier: Tier, group: string, stopped: boolean, ip: string): RawInstance {
  const id = awsId('i', name);
  return {
    InstanceId: id,
    ImageId: awsId('ami', 'al2023-2026-10'),
    InstanceType: 'm7g.large',
    KeyName: 'prod-ops',
    LaunchTime: '2026-10-28T06:12:44.000Z',
    Placement: { AvailabilityZone: zoneName(az), GroupName: '', Tenancy: 'default' },
    PrivateDnsName: `ip-${ip.replaceAll('.', '-')}.${REGION}.compute.internal`,
    PrivateIpAddress: ip,
    State: stopped ? { Code: 80, Name: 'stopped' } : { Code: 16, Name: 'running' },
    ...(stopped ? { StateTransitionReason: 'User initiated (2026-11-18 22:41:07 GMT)', StateReason: { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' } } : {}),
    SubnetId: subnetId(tier, az),
    VpcId: VPC_ID,
    Architecture: 'arm64',
    SecurityGroups: [{ GroupId: sgId(group), GroupName: group }],
    Tags: tags({ Name: name, ...COMMON_TAGS }),
  };
}

function lbEni(description: string, tier: Tier, az: Az, groups: string[], interfaceType: 'interface' | 'network_load_balancer'): RawEni {
  const ip = allocateIp(tier, az, 'node');
  return {
    NetworkInterfaceId: awsId('eni', `${description}-${az}`),
    Description: description,
    AvailabilityZone: zoneName(az),
    SubnetId: subnetId(tier, az),
    VpcId: VPC_ID,
    InterfaceType: interfaceType,
    OwnerId: ACCOUNT,
    RequesterId: 'amazon-elb',
    RequesterManaged: true,
    Status: 'in-use',
    SourceDestCheck: true,
    PrivateDnsName: `ip-${ip.replaceAll('.', '-')}.${REGION}.compute.internal`,
    PrivateIpAddress: ip,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip }],
    Groups: groups.map((g) => ({ GroupId: sgId(g), GroupName: g })),
    TagSet: [],
  };
}

const windowStart = Date.parse(COLLECTED_AT) - WINDOW_SECONDS * 1000;
const PERIODS = WINDOW_SECONDS / PERIOD_SECONDS;

/** Daily traffic shape: low at night (UTC+1), peak in the afternoon; 0.35..1. */
function diurnal(i: number): number {
  const hourUtc = ((windowStart + i * PERIOD_SECONDS * 1000) / 3_600_000) % 24;
  return 0.675 + 0.325 * Math.sin(((hourUtc - 9) / 24) * 2 * Math.PI);
}

/** One metric series: a value per period, `undefined` where CloudWatch has no datapoint (sparse counts). */
type Series = Array<number | undefined>;

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

function series(seed: string, value: (i: number, rnd: () => number) => number | undefined): Series {
  const rnd = random(seed);
  return Array.from({ length: PERIODS }, (_, i) => value(i, rnd));
}
/** Requests (or flows) per period following the daily curve. */
const traffic = (seed: string, peak: number): Series => series(seed, (i, rnd) => Math.round(peak * diurnal(i) * (0.92 + 0.16 * rnd())));
/** A sparse error count: in a fraction `p` of periods, 1..max. */
const sparse = (seed: string, [p, max]: [number, number]): Series => series(seed, (_, rnd) => (rnd() < p ? 1 + Math.floor(rnd() * max) : undefined));
/** A gauge between lo and hi (latency). */
const gauge = (seed: string, [lo, hi]: [number, number]): Series => series(seed, (_, rnd) => round(lo + (hi - lo) * rnd(), 3));
const constant = (v: number): Series => Array.from({ length: PERIODS }, () => v);
/** Element-wise sum; a period with no datapoint in every input has none. */
const sum = (...all: Series[]): Series =>
  Array.from({ length: PERIODS }, (_, i) => all.reduce<number | undefined>((acc, s) => (s[i] === undefined ? acc : (acc ?? 0) + (s[i] as number)), undefined));

interface MetricPlan {
  resourceArn: string;
  namespace: AwsMetricQuery['namespace'];
  metricName: string;
  stat: string;
  dimensions: AwsMetricQuery['dimensions'];
  /** Undefined = no datapoints in the window. */
  values?: Series;
}

const lbDimension = (arn: string) => ({ Name: 'LoadBalancer', Value: arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length) });
const tgDimension = (arn: string) => ({ Name: 'TargetGroup', Value: arn.slice(arn.lastIndexOf(':') + 1) });

function hostCounts(spec: TgSpec): { registered: number; healthy: number } {
  const registered = spec.targets.filter((t) => t.health === 'healthy' || t.health.state === 'unhealthy').length;
  return { registered, healthy: spec.targets.filter((t) => t.health === 'healthy').length };
}

function albPlans(lb: LbSpec, arn: string, pools: Array<{ spec: TgSpec; arn: string }>): MetricPlan[] {
  const m = lb.metrics;
  const seed = (metric: string) => `${lb.name}:${metric}`;
  const requests = traffic(seed('requests'), m.requests);
  const e502 = m.all502 ? requests : m.elb502 ? sparse(seed('502'), m.elb502) : undefined;
  const e503 = m.elb503 ? sparse(seed('503'), m.elb503) : undefined;
  const e504 = m.elb504 ? sparse(seed('504'), m.elb504) : undefined;
  const codes = [e502, e503, e504].filter((s): s is Series => s !== undefined);
  const plan = (resourceArn: string, dimensions: AwsMetricQuery['dimensions'], metricName: string, stat: string, values?: Series): MetricPlan => ({
    resourceArn, namespace: 'AWS/ApplicationELB', metricName, stat, dimensions, ...(values ? { values } : {}),
  });
  const lbDims = [lbDimension(arn)];
  const plans: MetricPlan[] = [
    plan(arn, lbDims, 'RequestCount', 'Sum', requests),
    plan(arn, lbDims, 'HTTPCode_ELB_5XX_Count', 'Sum', codes.length > 0 ? sum(...codes) : undefined),
    plan(arn, lbDims, 'HTTPCode_ELB_500_Count', 'Sum'),
    plan(arn, lbDims, 'HTTPCode_ELB_502_Count', 'Sum', e502),
    plan(arn, lbDims, 'HTTPCode_ELB_503_Count', 'Sum', e503),
    plan(arn, lbDims, 'HTTPCode_ELB_504_Count', 'Sum', e504),
    plan(arn, lbDims, 'RejectedConnectionCount', 'Sum'),
    plan(arn, lbDims, 'ClientTLSNegotiationErrorCount', 'Sum', m.clientNoise ? sparse(seed('client-tls'), [0.05, 2]) : undefined),
    // Every request opens a target connection whose TLS handshake fails.
    plan(arn, lbDims, 'TargetTLSNegotiationErrorCount', 'Sum', m.targetTls ? requests : undefined),
  ];
  for (const { spec, arn: poolArn } of pools) {
    const dims = [tgDimension(poolArn), lbDimension(arn)];
    const { registered, healthy } = hostCounts(spec);
    const pm = spec.metrics;
    const pseed = (metric: string) => `${spec.name}:${metric}`;
    plans.push(
      plan(poolArn, dims, 'HTTPCode_Target_5XX_Count', 'Sum', pm.target5xx ? sparse(pseed('5xx'), [pm.target5xx, 2]) : undefined),
      plan(poolArn, dims, 'TargetConnectionErrorCount', 'Sum'),
      plan(poolArn, dims, 'TargetResponseTime', 'p99', pm.p99 ? gauge(pseed('p99'), pm.p99) : undefined),
      plan(poolArn, dims, 'TargetResponseTime', 'Maximum', pm.max ? gauge(pseed('max'), pm.max) : undefined),
      plan(poolArn, dims, 'HealthyHostCount', 'Minimum', registered > 0 ? constant(healthy) : undefined),
      plan(poolArn, dims, 'UnHealthyHostCount', 'Maximum', registered > 0 ? constant(registered - healthy) : undefined),
      // Fail-open: every request of the pool is routed to unhealthy targets.
      plan(poolArn, dims, 'UnhealthyRoutingRequestCount', 'Sum', pm.unhealthyRouting ? requests : undefined),
    );
  }
  return plans;
}

function nlbPlans(lb: LbSpec, arn: string, pools: Array<{ spec: TgSpec; arn: string }>): MetricPlan[] {
  const m = lb.metrics;
  const seed = (metric: string) => `${lb.name}:${metric}`;
  const plan = (resourceArn: string, dimensions: AwsMetricQuery['dimensions'], metricName: string, stat: string, values?: Series): MetricPlan => ({
    resourceArn, namespace: 'AWS/NetworkELB', metricName, stat, dimensions, ...(values ? { values } : {}),
  });
  const lbDims = [lbDimension(arn)];
  const plans: MetricPlan[] = [
    plan(arn, lbDims, 'TCP_ELB_Reset_Count', 'Sum', m.tcpResets ? sparse(seed('elb-resets'), m.tcpResets) : undefined),
    plan(arn, lbDims, 'TCP_Target_Reset_Count', 'Sum', m.clientNoise ? sparse(seed('target-resets'), [0.04, 2]) : undefined),
    plan(arn, lbDims, 'TargetTLSNegotiationErrorCount', 'Sum'),
    plan(arn, lbDims, 'ClientTLSNegotiationErrorCount', 'Sum', m.clientNoise ? sparse(seed('client-tls'), [0.03, 2]) : undefined),
  ];
  for (const { spec, arn: poolArn } of pools) {
    const dims = [tgDimension(poolArn), lbDimension(arn)];
    const { registered, healthy } = hostCounts(spec);
    plans.push(
      plan(poolArn, dims, 'HealthyHostCount', 'Minimum', constant(healthy)),
      plan(poolArn, dims, 'UnHealthyHostCount', 'Maximum', constant(registered - healthy)),
      plan(poolArn, dims, 'UnhealthyRoutingFlowCount', 'Sum', spec.metrics.unhealthyRouting ? traffic(`${spec.name}:flows`, m.requests / 4) : undefined),
    );
  }
  return plans;
}

function classicPlans(arn: string, name: string): MetricPlan[] {
  const dims = [{ Name: 'LoadBalancerName', Value: name }];
  const plan = (metricName: string, stat: string, values?: Series): MetricPlan => ({ resourceArn: arn, namespace: 'AWS/ELB', metricName, stat, dimensions: dims, ...(values ? { values } : {}) });
  return [
    plan('RequestCount', 'Sum', traffic(`${name}:requests`, 400)),
    plan('HTTPCode_ELB_5XX', 'Sum', sparse(`${name}:elb-5xx`, [0.2, 4])),
    plan('HTTPCode_Backend_5XX', 'Sum', sparse(`${name}:backend-5xx`, [0.05, 2])),
    plan('BackendConnectionErrors', 'Sum', sparse(`${name}:backend-errors`, [0.15, 3])),
    plan('SpilloverCount', 'Sum'),
    plan('Latency', 'p99', gauge(`${name}:p99`, [0.8, 1.25])),
    plan('Latency', 'Maximum', gauge(`${name}:max`, [3, 5.5])),
    plan('HealthyHostCount', 'Minimum', constant(2)),
    plan('UnHealthyHostCount', 'Maximum', constant(1)),
  ];
}

function cloudwatch(plans: MetricPlan[]): Region['cloudwatch'] {
  const queries: AwsMetricQuery[] = [];
  const results: Region['cloudwatch']['results'] = [];
  for (const plan of plans) {
    const id = `m${queries.length}`;
    queries.push({ id, resourceArn: plan.resourceArn, namespace: plan.namespace, metricName: plan.metricName, stat: plan.stat, dimensions: plan.dimensions, periodSeconds: PERIOD_SECONDS });
    const timestamps: string[] = [];
    const values: number[] = [];
    (plan.values ?? []).forEach((v, i) => {
      if (v === undefined) return;
      timestamps.push(new Date(windowStart + i * PERIOD_SECONDS * 1000).toISOString());
      values.push(v);
    });
    // collect asks for TimestampAscending; CloudWatch omits periods without data for sparse metrics.
    results.push({ Id: id, Label: plan.metricName, Timestamps: timestamps, Values: values, StatusCode: 'Complete', Messages: [] });
  }
  return { window: { start: new Date(windowStart).toISOString(), end: COLLECTED_AT, periodSeconds: PERIOD_SECONDS }, queries, results };
}

function targetHealth(spec: TgSpec, ids: Map<string, string>): RawTargetHealth[] {
  return spec.targets.map((t) => {
    const id = ids.get(t.name) ?? '';
    const health = t.health === 'healthy' ? { State: 'healthy' as const } : { State: t.health.state, Reason: t.health.reason as 'Target.Timeout', Description: t.health.description };
    return {
      Target: { Id: id, Port: spec.port, ...(spec.targetType === 'ip' ? { AvailabilityZone: zoneName(t.az) } : {}) },
      HealthCheckPort: spec.hc.port && spec.hc.port !== 'traffic-port' ? spec.hc.port : String(spec.port),
      TargetHealth: health,
      AdministrativeOverride: { State: 'no_override', Reason: 'AdministrativeOverride.NoOverride', Description: 'No override is currently active on target' },
    };
  });
}

export function buildAwsDemo(): AwsRawSnapshot {
  nextHost.clear();
  const region: Region = {
    region: REGION,
    account: ACCOUNT,
    elbv2: { loadBalancers: [], loadBalancerAttributes: {}, listeners: {}, listenerAttributes: {}, listenerCertificates: {}, rules: {}, targetGroups: [], targetGroupAttributes: {}, targetHealth: {}, tags: [] },
    elb: { loadBalancers: [], attributes: {}, instanceHealth: {}, tags: [] },
    ec2: { securityGroups: securityGroups(), networkAcls: networkAcls(), subnets: subnets(), vpcs: [], instances: [], networkInterfaces: [] },
    cloudwatch: { queries: [], results: [] },
    acm: { certificates: {} },
    errors: [],
  };
  region.ec2.vpcs.push({
    VpcId: VPC_ID,
    OwnerId: ACCOUNT,
    CidrBlock: VPC_CIDR,
    CidrBlockAssociationSet: [{ AssociationId: awsId('vpc-cidr-assoc', 'prod'), CidrBlock: VPC_CIDR, CidrBlockState: { State: 'associated' } }],
    DhcpOptionsId: awsId('dopt', 'prod'),
    InstanceTenancy: 'default',
    IsDefault: false,
    State: 'available',
    Tags: tags({ Name: 'prod', ...COMMON_TAGS }),
  });

  const lbArns = new Map(LOAD_BALANCERS.map((lb) => [lb.name, lbArn(lb.kind, lb.name, lb.id)]));
  // Which load balancers route to each target group.
  const users = new Map<string, string[]>();
  for (const lb of LOAD_BALANCERS) {
    for (const l of lb.listeners) {
      for (const pool of [l.defaultPool, ...(l.rules ?? []).map((r) => r.pool)]) {
        if (!pool) continue;
        const list = users.get(pool) ?? [];
        const arn = lbArns.get(lb.name) ?? '';
        if (!list.includes(arn)) list.push(arn);
        users.set(pool, list);
      }
    }
  }

  // Target groups and their targets.
  const targetIds = new Map<string, string>();
  for (const spec of TARGET_GROUPS) {
    const arn = tgArn(spec.name);
    for (const t of spec.targets) {
      const tier = t.tier ?? spec.tier;
      const ip = allocateIp(tier, t.az);
      if (spec.targetType === 'ip') {
        targetIds.set(t.name, ip);
        region.ec2.networkInterfaces.push({
          NetworkInterfaceId: awsId('eni', t.name),
          Description: `arn:aws:ecs:${REGION}:${ACCOUNT}:attachment/${uuid(t.name)}`,
          AvailabilityZone: zoneName(t.az),
          SubnetId: subnetId(tier, t.az),
          VpcId: VPC_ID,
          InterfaceType: 'interface',
          OwnerId: ACCOUNT,
          RequesterId: '578734482556',
          RequesterManaged: true,
          Status: 'in-use',
          PrivateIpAddress: ip,
          PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip }],
          Groups: [{ GroupId: sgId(spec.appSecurityGroup), GroupName: spec.appSecurityGroup }],
          TagSet: [],
        });
      } else {
        const inst = instance(t.name, t.az, tier, spec.appSecurityGroup, t.stopped === true, ip);
        targetIds.set(t.name, inst.InstanceId ?? '');
        region.ec2.instances.push(inst);
      }
    }
    const tg: RawTargetGroup = {
      TargetGroupArn: arn,
      TargetGroupName: spec.name,
      Protocol: spec.protocol,
      Port: spec.port,
      VpcId: VPC_ID,
      HealthCheckProtocol: spec.hc.protocol,
      HealthCheckPort: spec.hc.port ?? 'traffic-port',
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: spec.hc.interval,
      HealthCheckTimeoutSeconds: spec.hc.timeout,
      HealthyThresholdCount: spec.hc.healthy,
      UnhealthyThresholdCount: spec.hc.unhealthy,
      ...(spec.hc.path ? { HealthCheckPath: spec.hc.path } : {}),
      ...(spec.hc.matcher ? { Matcher: spec.hc.matcher } : {}),
      LoadBalancerArns: users.get(spec.name) ?? [],
      TargetType: spec.targetType,
      ...(spec.protocolVersion ? { ProtocolVersion: spec.protocolVersion } : {}),
      IpAddressType: 'ipv4',
    };
    region.elbv2.targetGroups.push(tg);
    // DescribeTargetGroupAttributes returns every key; only the ones that matter here are listed, the rest omitted
    // keys exercise the documented defaults.
    region.elbv2.targetGroupAttributes[arn] = Object.entries({ 'stickiness.enabled': 'false', ...spec.attributes }).map(([Key, Value]) => ({ Key, Value }));
    region.elbv2.targetHealth[arn] = targetHealth(spec, targetIds);
  }

  // Load balancers, listeners, rules, their ENIs.
  const plans: MetricPlan[] = [];
  for (const lb of LOAD_BALANCERS) {
    const arn = lbArns.get(lb.name) ?? '';
    const resource = arn.slice(arn.indexOf(':loadbalancer/') + ':loadbalancer/'.length);
    const raw: RawLoadBalancer = {
      LoadBalancerArn: arn,
      DNSName: `${lb.scheme === 'internal' ? 'internal-' : ''}${lb.name}-${Number.parseInt(hex(`dns:${lb.name}`, 8), 16) % 2_000_000_000}.${REGION}.elb.amazonaws.com`,
      CanonicalHostedZoneId: lb.kind === 'app' ? 'Z32O12XQLNTSW2' : 'Z2IFOLAFXWLO4F',
      CreatedTime: '2025-02-17T10:31:08.512Z',
      LoadBalancerName: lb.name,
      Scheme: lb.scheme,
      VpcId: VPC_ID,
      State: { Code: 'active' },
      Type: lb.kind === 'app' ? 'application' : 'network',
      AvailabilityZones: lb.zones.map((az) => ({ ZoneName: zoneName(az), SubnetId: subnetId(lb.tier, az), LoadBalancerAddresses: [] })),
      ...(lb.securityGroups.length > 0 ? { SecurityGroups: lb.securityGroups.map(sgId) } : {}),
      IpAddressType: 'ipv4',
    };
    region.elbv2.loadBalancers.push(raw);
    region.elbv2.loadBalancerAttributes[arn] = Object.entries(lb.attributes).map(([Key, Value]) => ({ Key, Value }));
    region.elbv2.tags.push({ ResourceArn: arn, Tags: tags({ ...lb.tags, ...COMMON_TAGS }) });
    for (const az of lb.zones) {
      region.ec2.networkInterfaces.push(lbEni(`ELB ${resource}`, lb.tier, az, lb.securityGroups, lb.kind === 'app' ? 'interface' : 'network_load_balancer'));
    }

    const listeners: RawListener[] = [];
    for (const l of lb.listeners) {
      const lArn = listenerArn(arn, l.port);
      const forward = (pool: string) => ({ Type: 'forward' as const, Order: 1, TargetGroupArn: tgArn(pool), ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgArn(pool), Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } });
      const defaultActions = l.redirectToHttps
        ? [{ Type: 'redirect' as const, Order: 1, RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' as const } }]
        : l.defaultPool
          ? [forward(l.defaultPool)]
          : [];
      listeners.push({
        ListenerArn: lArn,
        LoadBalancerArn: arn,
        Port: l.port,
        Protocol: l.protocol,
        ...(l.certificate ? { Certificates: [{ CertificateArn: certArn(l.certificate) }] } : {}),
        ...(l.protocol === 'HTTPS' || l.protocol === 'TLS' ? { SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' } : {}),
        DefaultActions: defaultActions,
      });
      if (lb.kind === 'app') {
        const rules: RawRule[] = (l.rules ?? []).map((r) => ({
          RuleArn: ruleArn(lArn, r.priority),
          Priority: String(r.priority),
          Conditions: [{ Field: 'path-pattern', Values: [r.path], PathPatternConfig: { Values: [r.path] } }],
          Actions: [forward(r.pool)],
          IsDefault: false,
        }));
        rules.push({ RuleArn: ruleArn(lArn, 0), Priority: 'default', Conditions: [], Actions: defaultActions, IsDefault: true });
        region.elbv2.rules[lArn] = rules;
      }
      if (l.certificate) {
        const c = CERTIFICATES[l.certificate];
        const cArn = certArn(l.certificate);
        if (lb.name === 'api') {
          // The one deliberate coverage gap: the audit role may not list this listener's extra certificates.
          region.errors.push({
            api: 'elasticloadbalancing:DescribeListenerCertificates',
            region: REGION,
            code: 'AccessDenied',
            message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/cloud502-audit/cloud502 is not authorized to perform: elasticloadbalancing:DescribeListenerCertificates on resource: ${lArn} because no identity-based policy allows the elasticloadbalancing:DescribeListenerCertificates action`,
            resourceId: lArn,
            httpStatus: 403,
          });
        } else {
          region.elbv2.listenerCertificates[lArn] = [{ CertificateArn: cArn, IsDefault: true }];
        }
        if (c) {
          region.acm.certificates[cArn] = {
            CertificateArn: cArn,
            DomainName: c.domain,
            SubjectAlternativeNames: c.sans,
            Subject: `CN=${c.domain}`,
            Issuer: c.issuer,
            Serial: hex(`serial:${l.certificate}`, 32).replace(/(..)(?!$)/g, '$1:'),
            Status: 'ISSUED',
            Type: c.type,
            KeyAlgorithm: 'EC_prime256v1',
            SignatureAlgorithm: 'SHA256WITHECDSA',
            NotBefore: c.notBefore,
            NotAfter: c.notAfter,
            ...(c.type === 'IMPORTED' ? { ImportedAt: '2025-12-12T08:20:11.000Z' } : { IssuedAt: c.notBefore, CreatedAt: c.notBefore }),
            InUseBy: [arn],
            RenewalEligibility: c.type === 'IMPORTED' ? 'INELIGIBLE' : 'ELIGIBLE',
          };
        }
      }
      if (l.attributes) region.elbv2.listenerAttributes[lArn] = Object.entries(l.attributes).map(([Key, Value]) => ({ Key, Value }));
    }
    region.elbv2.listeners[arn] = listeners;

    const pools = TARGET_GROUPS.filter((t) => (users.get(t.name) ?? []).includes(arn)).map((spec) => ({ spec, arn: tgArn(spec.name) }));
    plans.push(...(lb.kind === 'app' ? albPlans(lb, arn, pools) : nlbPlans(lb, arn, pools)));
  }
  for (const spec of TARGET_GROUPS) region.elbv2.tags.push({ ResourceArn: tgArn(spec.name), Tags: tags({ ...spec.tags, ...COMMON_TAGS }) });

  // The Classic load balancer.
  const legacyIds = LEGACY.instances.map((i) => {
    const inst = instance(i.name, i.az, 'app', 'legacy-web-app', false, allocateIp('app', i.az));
    region.ec2.instances.push(inst);
    return inst.InstanceId ?? '';
  });
  region.elb.loadBalancers.push({
    LoadBalancerName: LEGACY.name,
    DNSName: `${LEGACY.name}-${Number.parseInt(hex(`dns:${LEGACY.name}`, 8), 16) % 2_000_000_000}.${REGION}.elb.amazonaws.com`,
    CanonicalHostedZoneName: `${LEGACY.name}-${Number.parseInt(hex(`dns:${LEGACY.name}`, 8), 16) % 2_000_000_000}.${REGION}.elb.amazonaws.com`,
    CanonicalHostedZoneNameID: 'Z32O12XQLNTSW2',
    ListenerDescriptions: [{ Listener: { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 8080 }, PolicyNames: [] }],
    Policies: { AppCookieStickinessPolicies: [], LBCookieStickinessPolicies: [], OtherPolicies: [] },
    BackendServerDescriptions: [],
    AvailabilityZones: LEGACY.zones.map(zoneName),
    Subnets: LEGACY.zones.map((az) => subnetId('public', az)),
    VPCId: VPC_ID,
    Instances: legacyIds.map((InstanceId) => ({ InstanceId })),
    HealthCheck: { Target: 'HTTP:8080/ping', Interval: 30, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 10 },
    SourceSecurityGroup: { OwnerAlias: ACCOUNT, GroupName: 'legacy-web-elb' },
    SecurityGroups: [sgId('legacy-web-elb')],
    CreatedTime: '2017-06-02T09:14:51.230Z',
    Scheme: 'internet-facing',
  });
  region.elb.attributes[LEGACY.name] = {
    CrossZoneLoadBalancing: { Enabled: true },
    AccessLog: { Enabled: false },
    ConnectionDraining: { Enabled: true, Timeout: 300 },
    ConnectionSettings: { IdleTimeout: 60 },
    AdditionalAttributes: [{ Key: 'elb.http.desyncmitigationmode', Value: 'defensive' }],
  };
  region.elb.instanceHealth[LEGACY.name] = LEGACY.instances.map((i, n) => ({ InstanceId: legacyIds[n], State: i.state, ReasonCode: i.reason, Description: i.description }));
  region.elb.tags.push({ LoadBalancerName: LEGACY.name, Tags: tags({ 'cloud502:server': 'apache', Team: 'storefront', ...COMMON_TAGS }) });
  for (const az of LEGACY.zones) region.ec2.networkInterfaces.push(lbEni(`ELB ${LEGACY.name}`, 'public', az, ['legacy-web-elb'], 'interface'));
  const legacyArn = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/${LEGACY.name}`;
  plans.push(...classicPlans(legacyArn, LEGACY.name));

  region.cloudwatch = cloudwatch(plans);
  return {
    format: 'cloud502-raw-snapshot',
    schemaVersion: 1,
    provider: 'aws',
    tool: { name: 'cloud502', version: '0.1.0' },
    collectedAt: COLLECTED_AT,
    demo: true,
    options: { regions: [REGION], metricsWindowSeconds: WINDOW_SECONDS },
    regions: [region],
  };
}

/** The file the CLI's `--demo` reads. */
export const AWS_DEMO_PATH = fileURLToPath(new URL('./aws-demo.json', import.meta.url));

/** JSON with two-space indentation, except arrays of plain values (metric timestamps/values), kept on one line. */
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

export function renderAwsDemo(): string {
  return `${formatJson(buildAwsDemo())}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(AWS_DEMO_PATH, renderAwsDemo());
  console.log(`wrote ${AWS_DEMO_PATH}`);
}
