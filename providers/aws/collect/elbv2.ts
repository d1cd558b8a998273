/**
 * Application and Network Load Balancers (elasticloadbalancing 2015-12-01): SDK calls only, no mapping.
 */
import type {
  Certificate,
  Listener,
  ListenerAttribute,
  LoadBalancer,
  LoadBalancerAttribute,
  Rule,
  TagDescription,
  TargetGroup,
  TargetGroupAttribute,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { call, chunk, mapInOrder, paginate, type CollectContext } from './context.js';

/** ELBv2 allows PageSize up to 400; the SDK paginators ignore `pageSize`, so it goes into the input. */
const PAGE_SIZE = 400;
/** DescribeTags accepts at most 20 resource ARNs. */
const TAGS_BATCH = 20;

export interface Elbv2Collected {
  loadBalancers: LoadBalancer[];
  loadBalancerAttributes: Record<string, LoadBalancerAttribute[]>;
  listeners: Record<string, Listener[]>;
  listenerAttributes: Record<string, ListenerAttribute[]>;
  listenerCertificates: Record<string, Certificate[]>;
  rules: Record<string, Rule[]>;
  targetGroups: TargetGroup[];
  targetGroupAttributes: Record<string, TargetGroupAttribute[]>;
  targetHealth: Record<string, TargetHealthDescription[]>;
  tags: TagDescription[];
}

/** Fills `record` in the order of `keys`, skipping keys whose value was not collected. */
function assignInOrder<V>(record: Record<string, V>, keys: readonly string[], values: ReadonlyArray<V | undefined>): void {
  keys.forEach((key, i) => {
    const value = values[i];
    if (value !== undefined) record[key] = value;
  });
}

/** The two listings everything else hangs off. */
export interface Elbv2Listing {
  loadBalancers: LoadBalancer[];
  targetGroups: TargetGroup[];
}

/** DescribeLoadBalancers and DescribeTargetGroups, all pages. A failed listing is recorded and yields an empty list. */
export async function listElbv2(ctx: CollectContext): Promise<Elbv2Listing> {
  const { elbv2: sdk } = ctx.sdk;
  const client = ctx.clients.elbv2;
  const listing = ctx.progress.phase('elbv2', 2);
  const [lbPages, tgPages] = await Promise.all([
    paginate(
      ctx,
      'elasticloadbalancing:DescribeLoadBalancers',
      (Marker, send) => client.send(new sdk.DescribeLoadBalancersCommand({ PageSize: PAGE_SIZE, Marker }), send),
      (page) => page.NextMarker,
      // A web server behind --endpoint-url answers 200 with a page the SDK reads as "no load balancers".
      { fatalWhenUnreachable: true, requires: 'LoadBalancers' },
    ).finally(listing),
    paginate(
      ctx,
      'elasticloadbalancing:DescribeTargetGroups',
      (Marker, send) => client.send(new sdk.DescribeTargetGroupsCommand({ PageSize: PAGE_SIZE, Marker }), send),
      (page) => page.NextMarker,
      { requires: 'TargetGroups' },
    ).finally(listing),
  ]);
  return {
    loadBalancers: (lbPages ?? []).flatMap((p) => p.LoadBalancers ?? []),
    targetGroups: (tgPages ?? []).flatMap((p) => p.TargetGroups ?? []),
  };
}

/** Everything per load balancer, listener and target group, and the tags, for the listed resources. */
export async function describeElbv2(ctx: CollectContext, listed: Elbv2Listing): Promise<Elbv2Collected> {
  const { elbv2: sdk } = ctx.sdk;
  const client = ctx.clients.elbv2;
  const out: Elbv2Collected = {
    loadBalancers: listed.loadBalancers,
    loadBalancerAttributes: {},
    listeners: {},
    listenerAttributes: {},
    listenerCertificates: {},
    rules: {},
    targetGroups: listed.targetGroups,
    targetGroupAttributes: {},
    targetHealth: {},
    tags: [],
  };

  const lbs = out.loadBalancers.filter((lb): lb is LoadBalancer & { LoadBalancerArn: string } => Boolean(lb.LoadBalancerArn));
  const tgs = out.targetGroups.filter((tg): tg is TargetGroup & { TargetGroupArn: string } => Boolean(tg.TargetGroupArn));
  const lbArns = lbs.map((lb) => lb.LoadBalancerArn);
  const tgArns = tgs.map((tg) => tg.TargetGroupArn);
  const allArns = [...lbArns, ...tgArns];
  const tagBatches = chunk(allArns, TAGS_BATCH);
  const tick = ctx.progress.phase('elbv2', lbs.length + tgs.length + tagBatches.length);

  const perLoadBalancer = mapInOrder(lbs, async (lb) => {
    const arn = lb.LoadBalancerArn;
    const [attributes, listenerPages] = await Promise.all([
      call(ctx, 'elasticloadbalancing:DescribeLoadBalancerAttributes', (send) => client.send(new sdk.DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }), send), { resourceId: arn, requires: 'Attributes' }),
      paginate(
        ctx,
        'elasticloadbalancing:DescribeListeners',
        (Marker, send) => client.send(new sdk.DescribeListenersCommand({ LoadBalancerArn: arn, PageSize: PAGE_SIZE, Marker }), send),
        (page) => page.NextMarker,
        { resourceId: arn, requires: 'Listeners' },
      ),
    ]);
    const listeners = listenerPages?.flatMap((p) => p.Listeners ?? []);
    const details = await mapInOrder(listeners ?? [], (listener) => collectListenerDetails(ctx, lb, listener));
    tick();
    return { attributes: attributes?.Attributes, listeners, details };
  });

  const perTargetGroup = mapInOrder(tgs, async (tg) => {
    const arn = tg.TargetGroupArn;
    const [attributes, health] = await Promise.all([
      call(ctx, 'elasticloadbalancing:DescribeTargetGroupAttributes', (send) => client.send(new sdk.DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }), send), { resourceId: arn, requires: 'Attributes' }),
      call(ctx, 'elasticloadbalancing:DescribeTargetHealth', (send) => client.send(new sdk.DescribeTargetHealthCommand({ TargetGroupArn: arn }), send), { resourceId: arn, requires: 'TargetHealthDescriptions' }),
    ]);
    tick();
    return { attributes: attributes?.Attributes, health: health?.TargetHealthDescriptions };
  });

  const tagResults = mapInOrder(tagBatches, async (arns) => {
    const res = await call(ctx, 'elasticloadbalancing:DescribeTags', (send) => client.send(new sdk.DescribeTagsCommand({ ResourceArns: arns }), send), { resourceIds: arns, requires: 'TagDescriptions' });
    tick();
    return res?.TagDescriptions ?? [];
  });

  const [lbResults, tgResults, tags] = await Promise.all([perLoadBalancer, perTargetGroup, tagResults]);

  assignInOrder(out.loadBalancerAttributes, lbArns, lbResults.map((r) => r.attributes ?? undefined));
  assignInOrder(out.listeners, lbArns, lbResults.map((r) => r.listeners));
  for (const { details } of lbResults) {
    for (const d of details) {
      if (d.attributes) out.listenerAttributes[d.arn] = d.attributes;
      if (d.certificates) out.listenerCertificates[d.arn] = d.certificates;
      if (d.rules) out.rules[d.arn] = d.rules;
    }
  }
  assignInOrder(out.targetGroupAttributes, tgArns, tgResults.map((r) => r.attributes ?? undefined));
  assignInOrder(out.targetHealth, tgArns, tgResults.map((r) => r.health ?? undefined));
  out.tags = tags.flat();
  return out;
}

interface ListenerDetails {
  arn: string;
  attributes?: ListenerAttribute[];
  certificates?: Certificate[];
  rules?: Rule[];
}

/** Rules (ALB), certificates (HTTPS/TLS) and the TCP idle timeout (NLB TCP) of one listener. */
async function collectListenerDetails(ctx: CollectContext, lb: LoadBalancer, listener: Listener): Promise<ListenerDetails> {
  const { elbv2: sdk } = ctx.sdk;
  const client = ctx.clients.elbv2;
  const arn = listener.ListenerArn;
  if (!arn) return { arn: '' };
  const protocol = listener.Protocol;
  const [rules, certificates, attributes] = await Promise.all([
    lb.Type === 'application'
      ? paginate(
          ctx,
          'elasticloadbalancing:DescribeRules',
          (Marker, send) => client.send(new sdk.DescribeRulesCommand({ ListenerArn: arn, PageSize: PAGE_SIZE, Marker }), send),
          (page) => page.NextMarker,
          { resourceId: arn, requires: 'Rules' },
        )
      : undefined,
    protocol === 'HTTPS' || protocol === 'TLS'
      ? paginate(
          ctx,
          'elasticloadbalancing:DescribeListenerCertificates',
          (Marker, send) => client.send(new sdk.DescribeListenerCertificatesCommand({ ListenerArn: arn, PageSize: PAGE_SIZE, Marker }), send),
          (page) => page.NextMarker,
          { resourceId: arn, requires: 'Certificates' },
        )
      : undefined,
    // tcp.idle_timeout.seconds exists on NLB TCP listeners only (TLS listeners are fixed at 350 s).
    lb.Type === 'network' && protocol === 'TCP'
      ? call(ctx, 'elasticloadbalancing:DescribeListenerAttributes', (send) => client.send(new sdk.DescribeListenerAttributesCommand({ ListenerArn: arn }), send), { resourceId: arn, requires: 'Attributes' })
      : undefined,
  ]);
  const details: ListenerDetails = { arn };
  if (rules) details.rules = rules.flatMap((p) => p.Rules ?? []);
  if (certificates) details.certificates = certificates.flatMap((p) => p.Certificates ?? []);
  if (attributes?.Attributes) details.attributes = attributes.Attributes;
  return details;
}
