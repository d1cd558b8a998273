import type { Inventory, Provider, ResourceRef } from '../model/index.js';
import { indexInventory } from '../model/index.js';
import type { AnyCheck, CheckContext, MessageData, OtherOptions, ResourceTarget, ThresholdSpec } from './check.js';
import { interpolate } from './check.js';
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

function toResultResource(target: ResourceTarget): ResultResource {
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

/**
 * Remediation of a result. Only failures carry the exact commands: their templates are filled from the failure's
 * data, which pass/unknown results do not have, so those get the summary alone.
 */
function remediationFor(check: AnyCheck, provider: Provider, data: MessageData, status: Status): Remediation {
  const r: Remediation = { summary: interpolate(check.remediation.summary, data) };
  if (status !== 'fail') return r;
  const p = check.remediation[provider];
  if (p?.cli) r.cli = interpolate(p.cli, data);
  if (p?.terraform) r.terraform = interpolate(p.terraform, data);
  if (p?.console) r.console = interpolate(p.console, data);
  return r;
}

function scopeResource(inv: Inventory, provider: Provider): ResultResource {
  const scope = inv.scopes.find((s) => s.provider === provider) ?? inv.scopes[0];
  const r: ResultResource = {
    provider: scope?.provider ?? provider,
    kind: 'scope',
    type: 'scope',
    id: scope ? `${scope.provider}:${scope.account ?? 'unknown'}:${scope.region}` : provider,
    name: scope ? `${scope.account ?? 'unknown account'} ${scope.region}` : provider,
  };
  if (scope?.region) r.region = scope.region;
  if (scope?.account) r.account = scope.account;
  return r;
}

/**
 * Evaluates one check in isolation. A throw becomes one `error` result, never a crash and never a pass.
 */
export function evaluateCheck(check: AnyCheck, inv: Inventory, config: AuditConfig, index = indexInventory(inv)): CheckResult[] {
  const results: CheckResult[] = [];
  const settings = config.checks?.[check.id];
  const defaultSeverity: Severity = settings?.severity ?? check.severity;
  const thresholds = resolveThresholds(check, config);

  const push = (
    target: ResourceTarget,
    status: Status,
    messageId: string,
    message: string,
    data: MessageData,
    severity: Severity,
    options: { discriminator?: string; evidence?: Evidence },
  ): void => {
    const resource = toResultResource(target);
    if (!check.providers.includes(resource.provider)) {
      throw new Error(`check ${check.id} reported a ${resource.provider} resource but declares providers ${check.providers.join(', ')}`);
    }
    const fullData: MessageData = { resourceId: resource.id, resourceName: resource.name, region: resource.region, ...data };
    results.push({
      checkId: check.id,
      family: check.family,
      status,
      severity,
      resource,
      message,
      messageId,
      causes: check.causes,
      evidence: options.evidence ?? {},
      remediation: remediationFor(check, resource.provider, fullData, status),
      docs: check.docs,
      fingerprint: fingerprint(check.id, resource.id, options.discriminator),
      ...(options.discriminator ? { discriminator: options.discriminator } : {}),
    });
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
    const provider = check.providers.find((p) => inv.scopes.some((s) => s.provider === p)) ?? check.providers[0] ?? 'aws';
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

/** Runs checks over an inventory. Disabled checks (config `enabled: false`) are skipped. */
export function runChecks(inv: Inventory, checks: AnyCheck[], config: AuditConfig = {}): CheckResult[] {
  const index = indexInventory(inv);
  const out: CheckResult[] = [];
  for (const check of checks) {
    if (config.checks?.[check.id]?.enabled === false) continue;
    if (!check.providers.some((p) => inv.scopes.some((s) => s.provider === p))) continue;
    out.push(...evaluateCheck(check, inv, config, index));
  }
  return out;
}
