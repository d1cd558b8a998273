import type { Inventory, InventoryIndex, LoadBalancer, LoadBalancerKind, Provider, ResourceRef, Scope } from '../model/index.js';
import { describeMissing, indexInventory, kindFacts, routingInputMissing, type InputKind } from '../model/index.js';
import type { AnyCheck, CheckContext, MessageData, OtherOptions, ResourceTarget, ThresholdSpec } from './check.js';
import { interpolate, providersOf } from './check.js';
import type { AllowFlowIntent, FixIntent, FixRenderer, RenderedFix, RuleSlot } from './fix.js';
import { allowFlowKey } from './fix.js';
import { reconcileRuleSlots, type PendingRuleFix } from './rule-slots.js';
import { healthCheckKey, reconcileHealthCheckFixes, type PendingHealthCheckFix } from './fix-reconcile.js';
import type { AuditConfig } from './config.js';
import { fingerprint } from './fingerprint.js';
import type { CheckResult, Evidence, Remediation, ResultResource, Severity, Status } from './result.js';

export class ThresholdConfigError extends Error {
  override name = 'ThresholdConfigError';
}

/** Resolves a check's thresholds: defaults, overridden by the config file, validated against their bounds. */
export function resolveThresholds(check: AnyCheck, config: AuditConfig): Record<string, number> {
  const overrides = config.checks?.[check.id]?.thresholds ?? {};
  const out: Record<string, number> = {};
  for (const [name, spec] of Object.entries<ThresholdSpec>(check.thresholds)) out[name] = spec.default;
  for (const [name, value] of Object.entries(overrides)) {
    const spec = check.thresholds[name];
    if (!spec) {
      const known = Object.keys(check.thresholds);
      throw new ThresholdConfigError(
        `config: check ${check.id} has no threshold "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}`,
      );
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new ThresholdConfigError(`config: threshold ${check.id}.${name} must be a number`);
    }
    if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
      throw new ThresholdConfigError(
        `config: threshold ${check.id}.${name} = ${value} is outside ${spec.min ?? '-∞'}..${spec.max ?? '∞'}`,
      );
    }
    out[name] = value;
  }
  return out;
}

/** The evidence of a result that has none, shared (and frozen, so that no step fills it in for everyone). */
const NO_EVIDENCE: Evidence = Object.freeze({});

/** Fix renderers by provider, supplied by the provider adapters of the inventory. */
export type FixRenderers = Partial<Record<Provider, FixRenderer>>;

export interface RunOptions {
  fixRenderers?: FixRenderers;
  /** Collects the failing results that change a health check, for `runChecks` to make them agree. */
  pendingHealthCheckFixes?: PendingHealthCheckFix[];
  /** Collects the failing results that add a rule to an ordered policy, for `runChecks` to number them apart. */
  pendingRuleFixes?: PendingRuleFix[];
}

/**
 * Result resources by the model objects they are made of: an estate of 5,000 target groups has about 100,000 results
 * on some 15,000 resources, so results share their resource object instead of holding one copy each. Results are
 * never mutated in place (every step returns new objects), which is what makes sharing safe.
 */
const resourceCache = new WeakMap<ResourceRef, Map<ResourceRef | undefined, ResultResource>>();

function toResultResource(target: ResourceTarget): ResultResource {
  if (!('ref' in target)) return { ...target } as ResultResource;
  const lbRef = target.loadBalancer?.ref;
  let byLb = resourceCache.get(target.ref);
  if (!byLb) {
    byLb = new Map();
    resourceCache.set(target.ref, byLb);
  }
  let resource = byLb.get(lbRef);
  if (!resource) {
    resource = buildResultResource(target);
    byLb.set(lbRef, resource);
  }
  return resource;
}

function buildResultResource(target: ResourceTarget): ResultResource {
  if ('ref' in target) {
    const lb = target.loadBalancer?.ref;
    return {
      ...stripRef(target.ref),
      ...(lb ? { loadBalancerId: lb.id, loadBalancerName: lb.name } : {}),
    };
  }
  return { ...target } as ResultResource;
}

function stripRef(ref: ResourceRef): ResultResource {
  const r: ResultResource = { provider: ref.provider, kind: ref.kind, type: ref.type, id: ref.id, name: ref.name };
  if (ref.region !== undefined) r.region = ref.region;
  if (ref.account !== undefined) r.account = ref.account;
  if (ref.kind === 'load-balancer') {
    r.loadBalancerId = ref.id;
    r.loadBalancerName = ref.name;
  }
  return r;
}

const asIntents = (fix: FixIntent | FixIntent[] | undefined): FixIntent[] => (fix === undefined ? [] : Array.isArray(fix) ? fix : [fix]);

/**
 * Remediation of a result: the neutral summary, and for failures the commands the resource's provider renders for its
 * kind from the check's fix intent. Pass and unknown results get the summary alone.
 */
function remediationFor(
  check: AnyCheck,
  data: MessageData,
  status: Status,
  fix: FixIntent | FixIntent[] | undefined,
  render: (fix: FixIntent) => RenderedFix | undefined,
  summaries: Map<string, Remediation>,
): Remediation {
  const summary = interpolate(check.remediation.summary, data);
  const intents = asIntents(fix);
  if (status !== 'fail' || intents.length === 0) {
    // One object per distinct summary: most passes of a check share theirs.
    let shared = summaries.get(summary);
    if (!shared) {
      shared = Object.freeze({ summary });
      summaries.set(summary, shared);
    }
    return shared;
  }
  const r: Remediation = { summary };
  for (const i of intents) {
    if (!check.fixes.includes(i.kind)) throw new Error(`check ${check.id} emitted fix ${i.kind} but declares fixes ${check.fixes.join(', ') || '(none)'}`);
  }
  const rendered = intents.map(render).filter((x): x is RenderedFix => x !== undefined);
  const joined = (key: keyof RenderedFix, sep: string): string | undefined => {
    const parts = [...new Set(rendered.map((x) => x[key]).filter((v): v is string => v !== undefined && v !== ''))];
    return parts.length ? parts.join(sep) : undefined;
  };
  const cli = joined('cli', '\n');
  const terraform = joined('terraform', '; ');
  const consoleStep = joined('console', ' ');
  return { ...r, ...(cli ? { cli } : {}), ...(terraform ? { terraform } : {}), ...(consoleStep ? { console: consoleStep } : {}) };
}

/** The result resource that stands for a whole audited scope (an account or project × region). */
export function scopeResultResource(scope: Scope): ResultResource {
  return {
    provider: scope.provider,
    kind: 'scope',
    type: 'scope',
    id: `${scope.provider}:${scope.account ?? 'unknown'}:${scope.region}`,
    name: `${scope.account ?? 'unknown account'} ${scope.region}`,
    region: scope.region,
    ...(scope.account ? { account: scope.account } : {}),
  };
}

function scopeResource(inv: Inventory, provider: Provider): ResultResource {
  const scope = inv.scopes.find((s) => s.provider === provider) ?? inv.scopes[0];
  return scope ? scopeResultResource(scope) : { provider, kind: 'scope', type: 'scope', id: provider, name: provider };
}

/**
 * Evaluates one check in isolation. A throw becomes one `error` result, never a crash and never a pass.
 */
export function evaluateCheck(check: AnyCheck, inv: Inventory, config: AuditConfig, index = indexInventory(inv), options_: RunOptions = {}): CheckResult[] {
  const results: CheckResult[] = [];
  const providers = providersOf(check);
  const settings = config.checks?.[check.id];
  const defaultSeverity: Severity = settings?.severity ?? check.severity;
  const thresholds = resolveThresholds(check, config);
  const summaries = new Map<string, Remediation>();

  const push = (
    target: ResourceTarget,
    status: Status,
    messageId: string,
    message: string,
    data: MessageData,
    severity: Severity,
    options: { discriminator?: string; evidence?: Evidence; fix?: FixIntent | FixIntent[] },
  ): void => {
    const resource = toResultResource(target);
    if (!providers.includes(resource.provider)) {
      throw new Error(`check ${check.id} reported a ${resource.provider} resource but declares kinds ${check.kinds.join(', ')}`);
    }
    const renderer = options_.fixRenderers?.[resource.provider];
    // The places of this finding's new rules in ordered policies, once every fix into those policies is known.
    const slots = new Map<string, RuleSlot>();
    const render = (fix: FixIntent): RenderedFix | undefined => {
      // The intent names the resources to render for; the finding's own pool / load balancer fill the gaps.
      if (!renderer) return undefined;
      const slot = fix.kind === 'allow-flow' ? slots.get(allowFlowKey(fix)) : undefined;
      return renderer.render(fix, { ...fixContext(index, target, fix), ...(slot ? { slot } : {}) });
    };
    const fullData: MessageData = { resourceId: resource.id, resourceName: resource.name, region: resource.region, ...data };
    const result: CheckResult = {
      checkId: check.id,
      family: check.family,
      status,
      severity,
      resource,
      message,
      messageId,
      causes: check.causes,
      evidence: options.evidence ?? NO_EVIDENCE,
      remediation: remediationFor(check, fullData, status, options.fix, render, summaries),
      docs: check.docs,
      fingerprint: fingerprint(check.id, resource.id, options.discriminator),
      ...(options.discriminator ? { discriminator: options.discriminator } : {}),
    };
    results.push(result);
    const intents = asIntents(options.fix);
    if (status === 'fail' && renderer?.planRuleSlots && options_.pendingRuleFixes) {
      const byPolicy = new Map<string, AllowFlowIntent[]>();
      for (const i of intents) if (i.kind === 'allow-flow') byPolicy.set(i.policyId, [...(byPolicy.get(i.policyId) ?? []), i]);
      for (const [policyId, flows] of byPolicy) {
        const policy = index.policy(policyId);
        if (!policy) continue;
        options_.pendingRuleFixes.push({
          policy,
          renderer,
          intents: flows,
          rerender: (planned) => {
            for (const [key, slot] of planned) slots.set(key, slot);
            result.remediation = remediationFor(check, fullData, status, options.fix, render, summaries);
          },
        });
      }
    }
    const healthCheckFix = intents.find((i) => i.kind === 'set-health-check');
    if (status === 'fail' && healthCheckFix && options_.pendingHealthCheckFixes) {
      const { lb, pool } = fixContext(index, target, healthCheckFix);
      const bounds = lb ? kindFacts(lb.kind).healthCheckBounds : undefined;
      const currentIntervalSeconds = pool?.healthCheck?.intervalSeconds?.value;
      options_.pendingHealthCheckFixes.push({
        key: healthCheckKey(healthCheckFix.poolId, pool),
        intents,
        ...(bounds ? { bounds } : {}),
        ...(currentIntervalSeconds !== undefined ? { currentIntervalSeconds } : {}),
        rerender: (merged) => {
          result.remediation = remediationFor(check, fullData, status, merged, render, summaries);
        },
      });
    }
  };

  const other = (status: Status, messageId: string) => (target: ResourceTarget, reason: string, options: OtherOptions = {}) => {
    const resource = toResultResource(target);
    push(target, status, messageId, options.message ?? `${resource.name}: ${reason}`, {}, defaultSeverity, options);
  };

  const ctx: CheckContext = {
    inventory: inv,
    index,
    thresholds,
    now: new Date(inv.collectedAt),
    pass(target, options = {}) {
      const resource = toResultResource(target);
      push(target, 'pass', 'pass', options.message ?? `${resource.name}: ${check.title}.`, {}, defaultSeverity, options);
    },
    fail(target, messageId, data, options = {}) {
      const template = check.messages[messageId];
      if (template === undefined) throw new Error(`check ${check.id} has no message "${messageId}"`);
      // A per-resource severity from the check wins over the default, unless the user pinned the severity in config.
      const severity = settings?.severity ?? options.severity ?? check.severity;
      const fullData: MessageData = { ...data };
      push(target, 'fail', messageId, interpolate(template, fullData), fullData, severity, options);
    },
    unknown: other('unknown', 'unknown'),
    notApplicable: other('not_applicable', 'not-applicable'),
  };

  try {
    check.evaluate(inv, ctx);
  } catch (err) {
    const provider = providers.find((p) => inv.scopes.some((s) => s.provider === p)) ?? providers[0] ?? inv.scopes[0]?.provider ?? 'aws';
    const resource = scopeResource(inv, provider);
    const message = err instanceof Error ? err.message : String(err);
    // Results reported before the throw are discarded: a half-evaluated check must not look like coverage.
    return [
      {
        checkId: check.id,
        family: check.family,
        status: 'error',
        severity: defaultSeverity,
        resource,
        message: `Check ${check.id} failed to evaluate: ${message}`,
        messageId: 'error',
        causes: check.causes,
        evidence: { details: { error: message } },
        remediation: { summary: 'This is a bug in cloud502; please report it with the snapshot (cloud502 collect).' },
        docs: check.docs,
        fingerprint: fingerprint(check.id, resource.id, 'error'),
      },
    ];
  }
  return results;
}

/** The resources a fix intent names, looked up for its renderer. */
function fixContext(index: InventoryIndex, target: ResourceTarget, fix: FixIntent): Parameters<FixRenderer['render']>[1] {
  const lbId = 'lbId' in fix && fix.lbId ? fix.lbId : 'ref' in target ? target.loadBalancer?.ref.id : undefined;
  const poolId = 'poolId' in fix ? fix.poolId : undefined;
  const policyId = 'policyId' in fix ? fix.policyId : undefined;
  const lb = lbId ? index.loadBalancer(lbId) : undefined;
  const pool = poolId ? index.pool(poolId) : undefined;
  const policy = policyId ? index.policy(policyId) : undefined;
  return { index, ...(lb ? { lb } : {}), ...(pool ? { pool } : {}), ...(policy ? { policy } : {}) };
}

/**
 * The part of the inventory a check understands: load balancers of its kinds, the pools they route to, and pools no
 * load balancer routes to when the check claims a kind of their provider. Policies, subnets, metrics and coverage are
 * shared context and stay whole.
 */
export function scopeInventory(inv: Inventory, kinds: readonly LoadBalancerKind[]): Inventory {
  const claimed = new Set(kinds);
  const loadBalancers = inv.loadBalancers.filter((lb) => claimed.has(lb.kind));
  if (loadBalancers.length === inv.loadBalancers.length) return inv;
  const inScope = new Set(loadBalancers.map((lb) => lb.ref.id));
  const providers = new Set(kinds.map((k) => kindFacts(k).provider));
  const routing = new Map<string, Set<string>>();
  const route = (poolId: string, lbId: string): void => void routing.set(poolId, (routing.get(poolId) ?? new Set()).add(lbId));
  const known = new Set(inv.loadBalancers.map((lb) => lb.ref.id));
  for (const lb of inv.loadBalancers) for (const l of lb.listeners) for (const id of [...l.defaultPoolIds, ...l.routes.flatMap((r) => r.poolIds)]) route(id, lb.ref.id);
  for (const p of inv.backendPools) for (const id of p.loadBalancerIds) if (known.has(id)) route(p.ref.id, id);
  // A pool belongs to the check when a load balancer of a claimed kind routes to it, or when none in the inventory
  // does and the check claims a kind of the pool's provider (unreferenced pools).
  const backendPools = inv.backendPools.filter((p) => {
    const lbs = routing.get(p.ref.id);
    return lbs ? [...lbs].some((id) => inScope.has(id)) : providers.has(p.ref.provider);
  });
  return { ...inv, loadBalancers, backendPools };
}

/** One `not_applicable` result per kind (and scope) present in the inventory that the check does not claim. */
function unclaimedKinds(check: AnyCheck, inv: Inventory): CheckResult[] {
  const claimed = new Set(check.kinds);
  const present = new Map<string, LoadBalancer[]>();
  for (const lb of inv.loadBalancers) {
    if (claimed.has(lb.kind)) continue;
    const key = `${lb.kind}\u0000${lb.ref.account ?? ''}\u0000${lb.ref.region ?? ''}`;
    present.set(key, [...(present.get(key) ?? []), lb]);
  }
  return [...present.values()].map((lbs) => {
    const { kind, ref } = lbs[0] as LoadBalancer;
    const facts = kindFacts(kind);
    const resource: ResultResource = {
      provider: facts.provider,
      kind: 'scope',
      type: kind,
      id: [facts.provider, 'kind', kind, ref.account, ref.region].filter((p) => p !== undefined).join(':'),
      name: facts.label,
      ...(ref.region !== undefined ? { region: ref.region } : {}),
      ...(ref.account !== undefined ? { account: ref.account } : {}),
    };
    return {
      checkId: check.id,
      family: check.family,
      status: 'not_applicable',
      severity: check.severity,
      resource,
      message: `${check.title}: does not apply to ${facts.label}s (${lbs.length} in this audit).`,
      messageId: 'not-applicable',
      causes: check.causes,
      evidence: { details: { kind, loadBalancers: lbs.length } },
      remediation: { summary: interpolate(check.remediation.summary, {}) },
      docs: check.docs,
      fingerprint: fingerprint(check.id, resource.id, 'kind'),
    };
  });
}

const ROUTING_WORDS: Partial<Record<InputKind, string>> = { listeners: 'its listeners', routes: 'its listener rules', pools: 'its backend pools' };

/**
 * One `unknown` per load balancer whose routing could not be read, for a check that judges pools and said nothing
 * unknown about that load balancer: the pools it could not see would otherwise vanish from the report.
 */
function routingUnknowns(check: AnyCheck, inv: Inventory, results: readonly CheckResult[], config: AuditConfig): CheckResult[] {
  if (check.judgesPools === false) return [];
  const out: CheckResult[] = [];
  for (const lb of inv.loadBalancers) {
    const input = routingInputMissing(inv, lb);
    if (!input) continue;
    const said = results.some((r) => r.status === 'unknown' && (r.resource.loadBalancerId === lb.ref.id || r.resource.id === lb.ref.id));
    if (said) continue;
    const resource = toResultResource({ ref: lb.ref });
    out.push({
      checkId: check.id,
      family: check.family,
      status: 'unknown',
      severity: config.checks?.[check.id]?.severity ?? check.severity,
      resource,
      message: `${lb.ref.name}: ${describeMissing(inv, input, lb, ROUTING_WORDS[input] ?? input)}; the pools it routes to through them were not judged by this check.`,
      messageId: 'unknown',
      causes: check.causes,
      evidence: { details: { missingInput: input } },
      remediation: { summary: interpolate(check.remediation.summary, { resourceId: resource.id, resourceName: resource.name, region: resource.region }) },
      docs: check.docs,
      fingerprint: fingerprint(check.id, lb.ref.id, 'routing-not-read'),
      discriminator: 'routing-not-read',
    });
  }
  return out;
}

/** Runs checks over an inventory. Disabled checks (config `enabled: false`) are skipped. */
export function runChecks(inv: Inventory, checks: AnyCheck[], config: AuditConfig = {}, runOptions: RunOptions = {}): CheckResult[] {
  const out: CheckResult[] = [];
  const options: RunOptions = { ...runOptions, pendingHealthCheckFixes: runOptions.pendingHealthCheckFixes ?? [], pendingRuleFixes: runOptions.pendingRuleFixes ?? [] };
  const indexes = new Map<string, { scoped: Inventory; index: InventoryIndex }>();
  for (const check of checks) {
    if (config.checks?.[check.id]?.enabled === false) continue;
    if (!providersOf(check).some((p) => inv.scopes.some((s) => s.provider === p))) continue;
    const key = [...check.kinds].sort().join(',');
    let view = indexes.get(key);
    if (!view) {
      const scoped = scopeInventory(inv, check.kinds);
      view = { scoped, index: indexInventory(scoped) };
      indexes.set(key, view);
    }
    const results = evaluateCheck(check, view.scoped, config, view.index, options);
    out.push(...results, ...routingUnknowns(check, view.scoped, results, config));
    out.push(...unclaimedKinds(check, inv));
  }
  // Every new rule in an ordered policy gets a number no other fix takes.
  reconcileRuleSlots(options.pendingRuleFixes ?? []);
  // Every finding on one health check shows the same change, one that satisfies each of them.
  reconcileHealthCheckFixes(options.pendingHealthCheckFixes ?? []);
  return out;
}
