/**
 * Per-region lookups built once from the raw snapshot, so the mappers stay simple and O(n).
 */
import type { ResourceRef, Sourced } from '../../../src/model/index.js';
import type { AwsRegionSnapshot } from '../raw.js';
import { cidrContains } from '../../../src/model/cidr.js';
import type { InputKind, NotCollected } from '../../../src/model/index.js';
import { ACCESS_DENIED_CODES } from './apis.js';

export type RawLoadBalancer = AwsRegionSnapshot['elbv2']['loadBalancers'][number];
export type RawListener = AwsRegionSnapshot['elbv2']['listeners'][string][number];
export type RawRule = AwsRegionSnapshot['elbv2']['rules'][string][number];
export type RawAction = NonNullable<RawListener['DefaultActions']>[number];
export type RawTargetGroup = AwsRegionSnapshot['elbv2']['targetGroups'][number];
export type RawTargetHealth = AwsRegionSnapshot['elbv2']['targetHealth'][string][number];
export type RawAttribute = { Key?: string; Value?: string };
export type RawClassicLoadBalancer = AwsRegionSnapshot['elb']['loadBalancers'][number];
export type RawClassicAttributes = AwsRegionSnapshot['elb']['attributes'][string];
export type RawInstanceState = AwsRegionSnapshot['elb']['instanceHealth'][string][number];
export type RawSecurityGroup = AwsRegionSnapshot['ec2']['securityGroups'][number];
export type RawNetworkAcl = AwsRegionSnapshot['ec2']['networkAcls'][number];
export type RawSubnet = AwsRegionSnapshot['ec2']['subnets'][number];
export type RawInstance = AwsRegionSnapshot['ec2']['instances'][number];
export type RawNetworkInterface = AwsRegionSnapshot['ec2']['networkInterfaces'][number];
export type RawTag = { Key?: string; Value?: string };

export interface RegionContext {
  region: string;
  account?: string;
  raw: AwsRegionSnapshot;
  instance(id: string): RawInstance | undefined;
  /** The instance or ENI that owns a private IPv4 address. */
  eniByIp(ip: string): RawNetworkInterface | undefined;
  instanceByIp(ip: string): RawInstance | undefined;
  subnet(id: string): RawSubnet | undefined;
  /** The subnet whose IPv4 CIDR contains the address. */
  subnetContaining(ip: string): RawSubnet | undefined;
  /** The NACL that applies to a subnet: its explicit association, else its VPC's default NACL. */
  naclOf(subnetId: string): string | undefined;
  securityGroup(id: string): RawSecurityGroup | undefined;
  vpcCidrs(vpcId: string): string[];
  /** ENIs of a load balancer, found by the description ELB gives them (`ELB app/NAME/ID`, `ELB net/NAME/ID`, `ELB NAME`). */
  lbEnis(description: string): RawNetworkInterface[];
  elbv2Tags(arn: string): Record<string, string>;
  classicTags(name: string): Record<string, string>;
  /** True when collection recorded an error for this API about this resource (or about the whole call). */
  failed(api: string, resourceId?: string): boolean;
  /** The inputs a failed call left out for a resource, as the model records them (empty when it succeeded). */
  notCollected(api: string, input: InputKind, resourceId?: string): NotCollected[];
  ref(kind: ResourceRef['kind'], type: string, id: string, name: string): ResourceRef;
}

export function tagsToRecord(tags: RawTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

export function buildContext(raw: AwsRegionSnapshot): RegionContext {
  const instances = new Map(raw.ec2.instances.filter((i) => i.InstanceId).map((i) => [i.InstanceId as string, i]));
  const instancesByIp = new Map<string, RawInstance>();
  for (const i of raw.ec2.instances) if (i.PrivateIpAddress) instancesByIp.set(i.PrivateIpAddress, i);
  const enisByIp = new Map<string, RawNetworkInterface>();
  const enisByDescription = new Map<string, RawNetworkInterface[]>();
  for (const eni of raw.ec2.networkInterfaces) {
    const ips = new Set([eni.PrivateIpAddress, ...(eni.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress)]);
    for (const ip of ips) if (ip) enisByIp.set(ip, eni);
    if (eni.Description) {
      const list = enisByDescription.get(eni.Description) ?? [];
      list.push(eni);
      enisByDescription.set(eni.Description, list);
    }
  }
  const subnets = new Map(raw.ec2.subnets.filter((s) => s.SubnetId).map((s) => [s.SubnetId as string, s]));
  const explicitNacl = new Map<string, string>();
  const defaultNacl = new Map<string, string>();
  for (const acl of raw.ec2.networkAcls) {
    if (!acl.NetworkAclId) continue;
    if (acl.IsDefault && acl.VpcId) defaultNacl.set(acl.VpcId, acl.NetworkAclId);
    for (const a of acl.Associations ?? []) if (a.SubnetId) explicitNacl.set(a.SubnetId, acl.NetworkAclId);
  }
  const groups = new Map(raw.ec2.securityGroups.filter((g) => g.GroupId).map((g) => [g.GroupId as string, g]));
  const vpcCidrs = new Map<string, string[]>();
  for (const vpc of raw.ec2.vpcs) {
    if (!vpc.VpcId) continue;
    const cidrs = (vpc.CidrBlockAssociationSet ?? [])
      .filter((a) => a.CidrBlockState?.State === undefined || a.CidrBlockState.State === 'associated')
      .map((a) => a.CidrBlock)
      .filter((c): c is string => !!c);
    vpcCidrs.set(vpc.VpcId, cidrs.length > 0 ? cidrs : vpc.CidrBlock ? [vpc.CidrBlock] : []);
  }
  const v2Tags = new Map(raw.elbv2.tags.filter((t) => t.ResourceArn).map((t) => [t.ResourceArn as string, tagsToRecord(t.Tags)]));
  const clbTags = new Map(raw.elb.tags.filter((t) => t.LoadBalancerName).map((t) => [t.LoadBalancerName as string, tagsToRecord(t.Tags)]));
  const region = raw.region;
  const account = raw.account;

  return {
    region,
    account,
    raw,
    instance: (id) => instances.get(id),
    eniByIp: (ip) => enisByIp.get(ip),
    instanceByIp: (ip) => instancesByIp.get(ip),
    subnet: (id) => subnets.get(id),
    subnetContaining: (ip) => raw.ec2.subnets.find((s) => s.CidrBlock !== undefined && cidrContains(s.CidrBlock, ip)),
    naclOf(subnetId) {
      const explicit = explicitNacl.get(subnetId);
      if (explicit) return explicit;
      const vpcId = subnets.get(subnetId)?.VpcId;
      return vpcId ? defaultNacl.get(vpcId) : undefined;
    },
    securityGroup: (id) => groups.get(id),
    vpcCidrs: (vpcId) => vpcCidrs.get(vpcId) ?? [],
    lbEnis: (description) => enisByDescription.get(description) ?? [],
    elbv2Tags: (arn) => v2Tags.get(arn) ?? {},
    classicTags: (name) => clbTags.get(name) ?? {},
    failed: (api, resourceId) =>
      raw.errors.some((e) => e.api === api && (e.resourceId === undefined || resourceId === undefined || e.resourceId === resourceId)),
    notCollected: (api, input, resourceId) => {
      const e = raw.errors.find((x) => x.api === api && (x.resourceId === undefined || resourceId === undefined || x.resourceId === resourceId));
      return e ? [{ input, api, code: e.code, ...(ACCESS_DENIED_CODES.has(e.code) ? { permission: api } : {}) }] : [];
    },
    ref: (kind, type, id, name) => ({ provider: 'aws', kind, type, id, name, region, ...(account ? { account } : {}) }),
  };
}

/**
 * Reads one key of an attribute list (ELBv2 `Describe*Attributes`).
 * - the list was not collected (missing, or the call failed) → undefined;
 * - the key is present → the parsed value, source `api`;
 * - the call succeeded but omitted the key → the documented default (source `provider-default`), if there is one.
 */
export function readAttribute<T>(
  attributes: RawAttribute[] | undefined,
  key: string,
  parse: (value: string) => T | undefined,
  documentedDefault?: { value: T; doc: string },
): Sourced<T> | undefined {
  if (!attributes) return undefined;
  const hit = attributes.find((a) => a.Key === key);
  if (hit?.Value !== undefined) {
    const value = parse(hit.Value);
    return value === undefined ? undefined : { value, source: 'api', detail: `attribute ${key}` };
  }
  if (!documentedDefault) return undefined;
  return { value: documentedDefault.value, source: 'provider-default', detail: `attribute ${key} not returned; ${documentedDefault.doc}` };
}

export const parseSeconds = (v: string): number | undefined => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : undefined);
export const parseBoolean = (v: string): boolean | undefined => (v === 'true' ? true : v === 'false' ? false : undefined);

export function attributesToRecord(attributes: RawAttribute[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of attributes ?? []) if (a.Key !== undefined && a.Value !== undefined) out[a.Key] = a.Value;
  return out;
}

export { classicLoadBalancerArn } from '../arns.js';

export function uniq<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
