/**
 * Classic Load Balancers (elasticloadbalancing 2012-06-01): SDK calls only, no mapping.
 */
import type { InstanceState, LoadBalancerAttributes, LoadBalancerDescription, TagDescription } from '@aws-sdk/client-elastic-load-balancing';
import { call, chunk, mapInOrder, paginate, type CollectContext } from './context.js';

const PAGE_SIZE = 400;
/** DescribeTags accepts at most 20 load balancer names. */
const TAGS_BATCH = 20;

/** Classic ELB (API version 1) has rate buckets of its own, apart from ELBv2's actions of the same IAM name. */
function classic(action: string): { bucket: string } {
  return { bucket: `elasticloadbalancing-classic:${action}` };
}

export interface ElbCollected {
  loadBalancers: LoadBalancerDescription[];
  attributes: Record<string, LoadBalancerAttributes>;
  instanceHealth: Record<string, InstanceState[]>;
  tags: TagDescription[];
}

/** DescribeLoadBalancers (Classic), all pages; a failed listing is recorded and yields an empty list. */
export async function listElb(ctx: CollectContext): Promise<LoadBalancerDescription[]> {
  const { elb: sdk } = ctx.sdk;
  const client = ctx.clients.elb;
  const listing = ctx.progress.phase('elb', 1);
  const pages = await paginate(
    ctx,
    'elasticloadbalancing:DescribeLoadBalancers',
    (Marker, send) => client.send(new sdk.DescribeLoadBalancersCommand({ PageSize: PAGE_SIZE, Marker }), send),
    (page) => page.NextMarker,
    { fatalWhenUnreachable: true, requires: 'LoadBalancerDescriptions', ...classic('DescribeLoadBalancers') },
  );
  listing();
  return (pages ?? []).flatMap((p) => p.LoadBalancerDescriptions ?? []);
}

/** Attributes, instance health and tags of the listed Classic Load Balancers. */
export async function describeElb(ctx: CollectContext, loadBalancers: LoadBalancerDescription[]): Promise<ElbCollected> {
  const { elb: sdk } = ctx.sdk;
  const client = ctx.clients.elb;
  const out: ElbCollected = { loadBalancers, attributes: {}, instanceHealth: {}, tags: [] };
  const names = out.loadBalancers.map((lb) => lb.LoadBalancerName).filter((n): n is string => Boolean(n));
  const tagBatches = chunk(names, TAGS_BATCH);
  const tick = ctx.progress.phase('elb', names.length + tagBatches.length);

  const [perLb, tags] = await Promise.all([
    mapInOrder(names, async (name) => {
      const [attributes, health] = await Promise.all([
        call(ctx, 'elasticloadbalancing:DescribeLoadBalancerAttributes', (send) => client.send(new sdk.DescribeLoadBalancerAttributesCommand({ LoadBalancerName: name }), send), { resourceId: name, requires: 'LoadBalancerAttributes', ...classic('DescribeLoadBalancerAttributes') }),
        call(ctx, 'elasticloadbalancing:DescribeInstanceHealth', (send) => client.send(new sdk.DescribeInstanceHealthCommand({ LoadBalancerName: name }), send), { resourceId: name, requires: 'InstanceStates', ...classic('DescribeInstanceHealth') }),
      ]);
      tick();
      return { attributes: attributes?.LoadBalancerAttributes, health: health?.InstanceStates };
    }),
    mapInOrder(tagBatches, async (batch) => {
      const res = await call(ctx, 'elasticloadbalancing:DescribeTags', (send) => client.send(new sdk.DescribeTagsCommand({ LoadBalancerNames: batch }), send), { resourceIds: batch, requires: 'TagDescriptions', ...classic('DescribeTags') });
      tick();
      return res?.TagDescriptions ?? [];
    }),
  ]);
  names.forEach((name, i) => {
    const r = perLb[i]!;
    if (r.attributes) out.attributes[name] = r.attributes;
    if (r.health) out.instanceHealth[name] = r.health;
  });
  out.tags = tags.flat();
  return out;
}
