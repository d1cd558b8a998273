/**
 * The network around the load balancers (EC2 2016-11-15): VPCs, subnets, security groups and NACLs of the
 * VPCs that hold load balancers or target groups, the target instances, and the network interfaces of IP
 * targets and of the load balancers themselves. SDK calls only, no mapping.
 */
import type { Filter, Instance, NetworkAcl, NetworkInterface, SecurityGroup, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { AwsReadOnlyAction } from '../iam.js';
import { chunk, mapInOrder, paginate, type CollectContext, type SendOptions } from './context.js';

/** EC2 accepts at most 200 values per filter. */
const FILTER_VALUES = 200;

export interface Ec2Request {
  vpcIds: string[];
  /** Instance ids registered as targets (ELBv2 instance targets, classic ELB instances). */
  instanceIds: string[];
  /** Private IPs of IP targets, by the VPC of their target group. */
  ipTargetsByVpc: Map<string, string[]>;
  /** Descriptions AWS gives the load balancers' own ENIs: `ELB app/NAME/ID`, `ELB net/NAME/ID`, `ELB NAME`. */
  loadBalancerEniDescriptions: string[];
}

export interface Ec2Collected {
  vpcs: Vpc[];
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
  networkAcls: NetworkAcl[];
  instances: Instance[];
  networkInterfaces: NetworkInterface[];
}

interface Ec2Page {
  NextToken?: string | undefined;
}

/**
 * One filtered listing, split into batches of filter values, each batch paged with NextToken.
 * Undefined batches (failed calls) are left out; the errors are recorded.
 */
async function listFiltered<P extends Ec2Page, T>(
  ctx: CollectContext,
  api: AwsReadOnlyAction,
  values: readonly string[],
  filtersFor: (batch: string[]) => Filter[],
  send: (filters: Filter[], token: string | undefined, options: SendOptions) => Promise<P>,
  items: (page: P) => T[],
  tick: () => void,
  /** The list field every genuine answer has, e.g. `SecurityGroups` (see CallOptions.requires). */
  requires: string,
): Promise<T[]> {
  const batches = chunk([...new Set(values)], FILTER_VALUES);
  const results = await mapInOrder(batches, async (batch) => {
    const filters = filtersFor(batch);
    const pages = await paginate(ctx, api, (token, options) => send(filters, token, options), (page) => page.NextToken, { resourceIds: batch, requires });
    tick();
    return (pages ?? []).flatMap(items);
  });
  return results.flat();
}

const batchesOf = (values: readonly string[]) => Math.ceil(new Set(values).size / FILTER_VALUES);

/** What the load balancer listings alone determine: the VPCs and the load balancers' own interfaces. */
export type Ec2NetworkRequest = Pick<Ec2Request, 'vpcIds' | 'loadBalancerEniDescriptions'>;
/** What target health determines: the target instances and IP targets. */
export type Ec2TargetRequest = Pick<Ec2Request, 'instanceIds' | 'ipTargetsByVpc'>;

export type Ec2Network = Pick<Ec2Collected, 'vpcs' | 'subnets' | 'securityGroups' | 'networkAcls'> & { loadBalancerInterfaces: NetworkInterface[] };
export type Ec2Targets = { instances: Instance[]; targetInterfaces: NetworkInterface[] };

/**
 * VPCs, subnets, security groups and NACLs of the VPCs in use, and the load balancers' interfaces: these need only
 * the load balancer and target group listings, so they run beside the per-target-group calls.
 */
export async function collectEc2Network(ctx: CollectContext, request: Ec2NetworkRequest): Promise<Ec2Network> {
  const { ec2: sdk } = ctx.sdk;
  const client = ctx.clients.ec2;
  const tick = ctx.progress.phase('ec2', 4 * batchesOf(request.vpcIds) + batchesOf(request.loadBalancerEniDescriptions));
  const byVpc = (batch: string[]): Filter[] => [{ Name: 'vpc-id', Values: batch }];
  const [vpcs, subnets, securityGroups, networkAcls, loadBalancerInterfaces] = await Promise.all([
    listFiltered(
      ctx, 'ec2:DescribeVpcs', request.vpcIds, byVpc,
      (Filters, NextToken, send) => client.send(new sdk.DescribeVpcsCommand({ Filters, NextToken, MaxResults: 1000 }), send),
      (p) => p.Vpcs ?? [], tick, 'Vpcs',
    ),
    listFiltered(
      ctx, 'ec2:DescribeSubnets', request.vpcIds, byVpc,
      (Filters, NextToken, send) => client.send(new sdk.DescribeSubnetsCommand({ Filters, NextToken, MaxResults: 1000 }), send),
      (p) => p.Subnets ?? [], tick, 'Subnets',
    ),
    listFiltered(
      ctx, 'ec2:DescribeSecurityGroups', request.vpcIds, byVpc,
      (Filters, NextToken, send) => client.send(new sdk.DescribeSecurityGroupsCommand({ Filters, NextToken, MaxResults: 1000 }), send),
      (p) => p.SecurityGroups ?? [], tick, 'SecurityGroups',
    ),
    listFiltered(
      ctx, 'ec2:DescribeNetworkAcls', request.vpcIds, byVpc,
      // DescribeNetworkAcls allows at most 100 per page.
      (Filters, NextToken, send) => client.send(new sdk.DescribeNetworkAclsCommand({ Filters, NextToken, MaxResults: 100 }), send),
      (p) => p.NetworkAcls ?? [], tick, 'NetworkAcls',
    ),
    listFiltered(
      ctx, 'ec2:DescribeNetworkInterfaces', request.loadBalancerEniDescriptions,
      (batch) => [{ Name: 'description', Values: batch }],
      (Filters, NextToken, send) => client.send(new sdk.DescribeNetworkInterfacesCommand({ Filters, NextToken, MaxResults: 1000 }), send),
      (p) => p.NetworkInterfaces ?? [], tick, 'NetworkInterfaces',
    ),
  ]);
  return { vpcs, subnets, securityGroups, networkAcls, loadBalancerInterfaces };
}

/** The target instances and the interfaces of IP targets. */
export async function collectEc2Targets(ctx: CollectContext, request: Ec2TargetRequest): Promise<Ec2Targets> {
  const { ec2: sdk } = ctx.sdk;
  const client = ctx.clients.ec2;
  let total = batchesOf(request.instanceIds);
  for (const ips of request.ipTargetsByVpc.values()) total += batchesOf(ips);
  const tick = ctx.progress.phase('ec2', total);
  const [instances, targetInterfaces] = await Promise.all([
    listFiltered(
      ctx, 'ec2:DescribeInstances', request.instanceIds,
      // A filter, not InstanceIds: one unknown id (a terminated target) would fail a whole InstanceIds batch,
      // and MaxResults cannot be combined with InstanceIds.
      (batch) => [{ Name: 'instance-id', Values: batch }],
      (Filters, NextToken, send) => client.send(new sdk.DescribeInstancesCommand({ Filters, NextToken, MaxResults: 1000 }), send),
      (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []), tick, 'Reservations',
    ),
    mapInOrder([...request.ipTargetsByVpc.entries()], ([vpcId, ips]) =>
      listFiltered(
        ctx, 'ec2:DescribeNetworkInterfaces', ips,
        (batch) => [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'addresses.private-ip-address', Values: batch }],
        (Filters, NextToken, send) => client.send(new sdk.DescribeNetworkInterfacesCommand({ Filters, NextToken, MaxResults: 1000 }), send),
        (p) => p.NetworkInterfaces ?? [], tick, 'NetworkInterfaces',
      ),
    ).then((perVpc) => perVpc.flat()),
  ]);
  return { instances, targetInterfaces };
}

/** Both parts as the raw snapshot holds them. An IP target can be a node of another load balancer: each interface once. */
export function mergeEc2(network: Ec2Network, targets: Ec2Targets): Ec2Collected {
  const seen = new Set<string>();
  const networkInterfaces = [...targets.targetInterfaces, ...network.loadBalancerInterfaces].filter((eni) => {
    const id = eni.NetworkInterfaceId;
    if (!id) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return {
    vpcs: network.vpcs,
    subnets: network.subnets,
    securityGroups: network.securityGroups,
    networkAcls: network.networkAcls,
    instances: targets.instances,
    networkInterfaces,
  };
}
