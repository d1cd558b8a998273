/**
 * The network around the load balancers (EC2 2016-11-15): VPCs, subnets, security groups and NACLs of the
 * VPCs that hold load balancers or target groups, the target instances, and the network interfaces of IP
 * targets and of the load balancers themselves. SDK calls only, no mapping.
 */
import type { Filter, Instance, NetworkAcl, NetworkInterface, SecurityGroup, Subnet, Vpc } from '@aws-sdk/client-ec2';
import type { AwsReadOnlyAction } from '../iam.js';
import { chunk, mapInOrder, paginate, sendOptions, type CollectContext } from './context.js';

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
  send: (filters: Filter[], token: string | undefined) => Promise<P>,
  items: (page: P) => T[],
  tick: () => void,
): Promise<T[]> {
  const batches = chunk([...new Set(values)], FILTER_VALUES);
  const results = await mapInOrder(batches, async (batch) => {
    const filters = filtersFor(batch);
    const pages = await paginate(ctx, api, (token) => send(filters, token), (page) => page.NextToken, { resourceIds: batch });
    tick();
    return (pages ?? []).flatMap(items);
  });
  return results.flat();
}

export function ec2BatchCount(request: Ec2Request): number {
  const n = (count: number) => Math.ceil(count / FILTER_VALUES);
  let total = 4 * n(new Set(request.vpcIds).size) + n(new Set(request.instanceIds).size) + n(new Set(request.loadBalancerEniDescriptions).size);
  for (const ips of request.ipTargetsByVpc.values()) total += n(new Set(ips).size);
  return total;
}

export async function collectEc2(ctx: CollectContext, request: Ec2Request): Promise<Ec2Collected> {
  const { ec2: sdk } = ctx.sdk;
  const client = ctx.clients.ec2;
  const opts = sendOptions(ctx);
  const tick = ctx.progress.phase('ec2', ec2BatchCount(request));
  const byVpc = (batch: string[]): Filter[] => [{ Name: 'vpc-id', Values: batch }];

  const [vpcs, subnets, securityGroups, networkAcls, instances, ipEnis, lbEnis] = await Promise.all([
    listFiltered(
      ctx, 'ec2:DescribeVpcs', request.vpcIds, byVpc,
      (Filters, NextToken) => client.send(new sdk.DescribeVpcsCommand({ Filters, NextToken, MaxResults: 1000 }), opts),
      (p) => p.Vpcs ?? [], tick,
    ),
    listFiltered(
      ctx, 'ec2:DescribeSubnets', request.vpcIds, byVpc,
      (Filters, NextToken) => client.send(new sdk.DescribeSubnetsCommand({ Filters, NextToken, MaxResults: 1000 }), opts),
      (p) => p.Subnets ?? [], tick,
    ),
    listFiltered(
      ctx, 'ec2:DescribeSecurityGroups', request.vpcIds, byVpc,
      (Filters, NextToken) => client.send(new sdk.DescribeSecurityGroupsCommand({ Filters, NextToken, MaxResults: 1000 }), opts),
      (p) => p.SecurityGroups ?? [], tick,
    ),
    listFiltered(
      ctx, 'ec2:DescribeNetworkAcls', request.vpcIds, byVpc,
      // DescribeNetworkAcls allows at most 100 per page.
      (Filters, NextToken) => client.send(new sdk.DescribeNetworkAclsCommand({ Filters, NextToken, MaxResults: 100 }), opts),
      (p) => p.NetworkAcls ?? [], tick,
    ),
    listFiltered(
      ctx, 'ec2:DescribeInstances', request.instanceIds,
      // A filter, not InstanceIds: one unknown id (a terminated target) would fail a whole InstanceIds batch,
      // and MaxResults cannot be combined with InstanceIds.
      (batch) => [{ Name: 'instance-id', Values: batch }],
      (Filters, NextToken) => client.send(new sdk.DescribeInstancesCommand({ Filters, NextToken, MaxResults: 1000 }), opts),
      (p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? []), tick,
    ),
    mapInOrder([...request.ipTargetsByVpc.entries()], ([vpcId, ips]) =>
      listFiltered(
        ctx, 'ec2:DescribeNetworkInterfaces', ips,
        (batch) => [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'addresses.private-ip-address', Values: batch }],
        (Filters, NextToken) => client.send(new sdk.DescribeNetworkInterfacesCommand({ Filters, NextToken, MaxResults: 1000 }), opts),
        (p) => p.NetworkInterfaces ?? [], tick,
      ),
    ),
    listFiltered(
      ctx, 'ec2:DescribeNetworkInterfaces', request.loadBalancerEniDescriptions,
      (batch) => [{ Name: 'description', Values: batch }],
      (Filters, NextToken) => client.send(new sdk.DescribeNetworkInterfacesCommand({ Filters, NextToken, MaxResults: 1000 }), opts),
      (p) => p.NetworkInterfaces ?? [], tick,
    ),
  ]);

  // An IP target can be a load balancer node of another load balancer: keep each interface once.
  const seen = new Set<string>();
  const networkInterfaces = [...ipEnis.flat(), ...lbEnis].filter((eni) => {
    const id = eni.NetworkInterfaceId;
    if (!id) return true;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return { vpcs, subnets, securityGroups, networkAcls, instances, networkInterfaces };
}
