/**
 * Helpers shared by the network checks: which load balancer × pool paths to judge, how a finding is placed, and
 * how evaluated flows become messages and evidence (deciding rule, verdict trace, exact fix commands).
 */
import type { CheckContext, Evidence, MetricEvidence, ResourceTarget } from '../../src/engine/index.js';
import { metricEvidence } from '../../src/engine/evidence.js';
import type { FixIntent } from '../../src/engine/fix.js';
import type { BackendPool, Inventory, InventoryIndex, LoadBalancer, MetricName, Target } from '../../src/model/index.js';
import type { FlowStep, FlowVerdict, NetworkContext } from '../../src/network/index.js';
import { allowIntentFor, formatPorts, networkContextFromIndex } from '../../src/network/index.js';
import type { FlowResult, PathPurpose, PoolPaths, TargetPath } from '../../src/network/lb-paths.js';
import { because, evaluatePoolPaths } from '../../src/network/lb-paths.js';
import { serviceTagPrefixesFromAttributes, withServiceTagPrefixes } from '../../src/network/service-tags.js';

/** One load balancer routing to one pool: the unit every network check reports on. */
export interface LbPool {
  lb: LoadBalancer;
  pool: BackendPool;
  /** The pool, placed under the load balancer. */
  resource: ResourceTarget;
  /** The load balancer id, so a pool shared by two load balancers gets two stable findings. */
  discriminator: string;
  /** `alb-web (HTTPS:443)`. */
  lbLabel: string;
}

/** The load balancers the engine handed the check × the pools their listeners route to, in inventory order. */
export function lbPools(inv: Inventory, index: InventoryIndex): LbPool[] {
  const out: LbPool[] = [];
  for (const lb of inv.loadBalancers) {
    for (const pool of index.poolsOf(lb)) {
      const listeners = lb.listeners
        .filter((l) => l.defaultPoolIds.includes(pool.ref.id) || l.routes.some((r) => r.poolIds.includes(pool.ref.id)))
        .map((l) => `${l.protocol}:${l.port}`);
      out.push({
        lb,
        pool,
        resource: { ref: pool.ref, loadBalancer: lb },
        discriminator: lb.ref.id,
        lbLabel: listeners.length ? `${lb.ref.name} (${listeners.join(', ')})` : lb.ref.name,
      });
    }
  }
  return out;
}

/** Evaluates both purposes once per path; checks that need both share the work. */
export function pathsOf(inv: Inventory, index: InventoryIndex, c: LbPool, purpose: PathPurpose, netCtx: NetworkContext): PoolPaths {
  // Service tags whose prefixes depend on the load balancer's own network (Azure `VirtualNetwork`) are resolved from
  // what its normalizer derived; elsewhere the shared context answers.
  const lbCtx = withServiceTagPrefixes(netCtx, serviceTagPrefixesFromAttributes(c.lb.attributes));
  return evaluatePoolPaths(inv, index, c.lb, c.pool, purpose, { netCtx: lbCtx });
}

export function netContext(ctx: Pick<CheckContext, 'index'>): NetworkContext {
  return networkContextFromIndex(ctx.index);
}

/** `i-01, i-02, i-03 and 2 more`. */
export function listTargets(targets: Target[], max = 3): string {
  const ids = targets.map((t) => t.id);
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/** A flow step that denied all or part of what it judged. */
export function blocks(step: FlowStep): boolean {
  return step.decision === 'deny' || step.decision === 'partial';
}

/** A matching step of a target's flows, with the flow it belongs to. */
export interface StepHit {
  path: TargetPath;
  flow: FlowResult;
  step: FlowStep;
}

/** For each target, the first flow step that `pick` selects (at most one hit per target). */
export function firstHits(paths: TargetPath[], pick: (step: FlowStep, flow: FlowResult) => boolean): StepHit[] {
  const hits: StepHit[] = [];
  for (const path of paths) {
    let found: StepHit | undefined;
    for (const flow of path.flows) {
      const step = flow.verdict.steps.find((s) => pick(s, flow));
      if (step) {
        found = { path, flow, step };
        break;
      }
    }
    if (found) hits.push(found);
  }
  return hits;
}

/** The first blocking step of each blocked target's first blocked flow. */
export function blockedHits(paths: TargetPath[]): StepHit[] {
  return paths
    .filter((p) => p.allowed === false)
    .map((path) => {
      const flow = path.flows.find((f) => f.verdict.allowed === false);
      const step = flow?.verdict.steps.find(blocks);
      return flow && step ? { path, flow, step } : undefined;
    })
    .filter((h): h is StepHit => h !== undefined);
}

/** The rule (or default) that decided a blocking step, in words. */
export function decidingLabel(step: FlowStep): string {
  if (step.decidedBy) return step.decidedBy.label;
  const denied = (step.parts ?? []).filter((p) => p.decision === 'deny');
  return denied.length ? [...new Set(denied.map((p) => `${formatPorts(p.ports)}${p.addresses ? ` from/to ${p.addresses}` : ''} denied by ${p.by.label}`))].join('; ') : step.note;
}

/** A verdict's steps in a compact form for evidence. */
export function traceOf(verdict: FlowVerdict): Array<Record<string, unknown>> {
  return verdict.steps.map((s) => ({
    path: s.path,
    at: s.at,
    direction: s.direction,
    policy: s.policyIds.length > 1 ? s.policyIds.join('+') : s.policyId,
    kind: s.policyKind,
    ports: formatPorts(s.ports),
    decision: s.decision,
    ...(s.decidedBy ? { rule: s.decidedBy.label } : {}),
    note: s.note,
  }));
}

const MAX_DETAILED = 10;

/** Evidence rows for hits: the target, the source, the deciding rule and the whole trace (fixes are listed once, by `fixesOf`). */
export function hitDetails(hits: StepHit[]): Array<Record<string, unknown>> {
  return hits.slice(0, MAX_DETAILED).map((h) => {
    return {
      target: h.path.target.key,
      address: h.path.target.address,
      port: h.flow.flow.port,
      protocol: h.flow.flow.protocol,
      source: h.flow.flow.source.label,
      verdict: h.flow.verdict.allowed,
      blockedAt: `${h.step.path} ${h.step.at} ${h.step.direction} ${h.step.policyId}`,
      decidingRule: decidingLabel(h.step),
      trace: traceOf(h.flow.verdict),
    };
  });
}

/**
 * The fixes that open every blocking step of the given targets' flows (not only the first per target), the deciding
 * rule of the first hit first. `pick` narrows the steps (default: every blocking step).
 */
export function fixesOf(hits: StepHit[], netCtx: NetworkContext, purpose: 'health-check' | 'traffic', pick: (s: FlowStep) => boolean = blocks): FixIntent[] {
  const out: FixIntent[] = [];
  const seen = new Set<string>();
  for (const h of hits) {
    for (const flow of h.path.flows) {
      for (const step of flow.verdict.steps) {
        if (!pick(step) || !blocks(step)) continue;
        // One entry per policy, direction, ports and peer: the same gap seen from several targets needs one fix.
        const other = step.at === 'destination' ? flow.flow.source : flow.flow.destination;
        const key = `${step.policyId}|${step.direction}|${step.ports.from}-${step.ports.to}|${flow.flow.port}|${other.subnetId ?? other.cidr ?? other.address ?? ''}|${step.at}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const fix = allowIntentFor(step, flow.flow, netCtx, purpose);
        if (fix) out.push(fix);
      }
    }
  }
  return mergeByRule(out);
}

/**
 * One intent per policy, direction, protocol and ports, with every peer it needs: a provider then numbers the entries
 * of one ordered policy together (two network ACL entries never get the same rule number).
 */
function mergeByRule(intents: FixIntent[]): FixIntent[] {
  const byRule = new Map<string, FixIntent>();
  for (const i of intents) {
    if (i.kind !== 'allow-flow') continue;
    const key = `${i.policyId}|${i.direction}|${i.protocol}|${i.ports.from}-${i.ports.to}|${i.purpose}`;
    const seen = byRule.get(key);
    if (seen?.kind !== 'allow-flow') {
      byRule.set(key, i);
      continue;
    }
    const peers = [...seen.peers];
    for (const p of i.peers) if (!peers.some((q) => JSON.stringify(q) === JSON.stringify(p))) peers.push(p);
    byRule.set(key, { ...seen, peers });
  }
  return [...byRule.values()];
}

/** Why some targets could not be judged, naming what is missing; undefined when every target was judged. */
export function unknownReason(paths: TargetPath[], select: (p: TargetPath) => boolean = (p) => p.allowed === 'unknown', policiesCause = ''): string | undefined {
  const unknown = paths.filter(select);
  if (unknown.length === 0) return undefined;
  const reasons = new Set<string>();
  const missing = new Set<string>();
  for (const p of unknown) {
    if (p.unknownReason) reasons.add(p.unknownReason);
    for (const f of p.flows) {
      if (f.verdict.allowed !== 'unknown') continue;
      for (const id of f.verdict.missing) missing.add(id);
      if (f.verdict.missing.length === 0) reasons.add(f.verdict.reason);
    }
  }
  const parts = [...reasons].slice(0, 2);
  if (missing.size) parts.push(`not in the inventory: ${[...missing].join(', ')} (their network policies and subnets were not collected${policiesCause})`);
  return `cannot decide for ${unknown.length} of ${paths.length} targets (${listTargets(unknown.map((p) => p.target))}): ${parts.join('; ')}`;
}

/** Pool-level metrics that corroborate a path finding, when collected. */
export function poolMetrics(index: InventoryIndex, pool: BackendPool, names: MetricName[]): MetricEvidence[] {
  return names.map((n) => index.metric(pool.ref.id, n)).filter((s) => s !== undefined).map((s) => metricEvidence(s));
}

/** Message data and evidence for "these targets cannot be reached on the port" findings. */
export function blockedFinding(
  c: LbPool,
  targets: TargetPath[],
  hits: StepHit[],
  purpose: 'health-check' | 'traffic',
  netCtx: NetworkContext,
  extra: { notes?: string[]; metrics?: MetricEvidence[] } = {},
): { data: Record<string, string | number>; evidence: Evidence; fixes: FixIntent[] } {
  const first = hits[0];
  if (!first) throw new Error('blockedFinding needs at least one hit');
  const flow = first.flow.flow;
  const fixes = fixesOf(hits, netCtx, purpose);
  const ports = [...new Set(hits.map((h) => h.flow.flow.port))];
  const unknown = unknownReason(targets);
  return {
    data: {
      lb: c.lbLabel,
      pool: c.pool.ref.name,
      count: hits.length,
      total: targets.length,
      targets: listTargets(hits.map((h) => h.path.target)),
      protocol: flow.protocol,
      port: ports.join(', '),
      reason: first.flow.verdict.reason,
      rule: decidingLabel(first.step),
    },
    evidence: {
      path: `networkPolicies[${first.step.policyId}].rules (${first.step.direction})`,
      observed: `${hits.length} of ${targets.length} targets blocked on ${flow.protocol}/${ports.join(', ')}: ${decidingLabel(first.step)}`,
      expected: `${flow.protocol}/${ports.join(', ')} allowed from ${c.lb.ref.name} by every network policy on the path, and the replies where a policy is stateless`,
      source: 'api',
      details: {
        blocked: hitDetails(hits),
        ...(unknown ? { undecided: unknown } : {}),
        ...(extra.notes?.length ? { notes: extra.notes } : {}),
      },
      ...(extra.metrics?.length ? { metrics: extra.metrics } : {}),
    },
    fixes,
  };
}

/** The part of a pool's paths a blocked-port check reports on. */
export type EvaluatedPaths = Extract<PoolPaths, { kind: 'evaluated' }>;

/**
 * Walks every load balancer → pool path for one purpose and reports what the two port checks share:
 * not applicable, unknown (the path or a target could not be judged) or pass. `onBlocked` reports the failure
 * when at least one target is blocked.
 */
export function judgeBlockedPaths(
  inv: Inventory,
  ctx: Pick<CheckContext, 'index' | 'pass' | 'unknown' | 'notApplicable'>,
  purpose: PathPurpose,
  onBlocked: (c: LbPool, paths: EvaluatedPaths, hits: StepHit[], netCtx: NetworkContext) => void,
): void {
  const netCtx = netContext(ctx);
  for (const c of lbPools(inv, ctx.index)) {
    const opts = { discriminator: c.discriminator };
    const r = pathsOf(inv, ctx.index, c, purpose, netCtx);
    if (r.kind === 'not-applicable') {
      ctx.notApplicable(c.resource, r.reason, opts);
      continue;
    }
    if (r.kind === 'unknown') {
      ctx.unknown(c.resource, r.reason, opts);
      continue;
    }
    const hits = blockedHits(r.targets);
    if (hits.length > 0) {
      onBlocked(c, r, hits, netCtx);
      continue;
    }
    const why = unknownReason(r.targets, undefined, because(inv, 'network-policies', c.lb.ref));
    if (why) ctx.unknown(c.resource, why, opts);
    else ctx.pass(c.resource, opts);
  }
}
