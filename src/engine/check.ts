import type { Inventory, InventoryIndex, LoadBalancerKind, Provider, ResourceRef } from '../model/index.js';
import { kindFacts } from '../model/index.js';
import type { FixIntent, FixIntentKind } from './fix.js';
import type { Evidence, Family, ResultResource, Severity } from './result.js';

export interface ThresholdSpec {
  default: number;
  /** What it means and where the default comes from (provider doc or "heuristic"). */
  description: string;
  unit: 'seconds' | 'count' | 'percent' | 'ratio' | 'days' | 'milliseconds';
  min?: number;
  max?: number;
}

export interface CheckRemediation {
  /** The fix in provider-neutral words; `{{placeholders}}` are filled from the failure's data. Names no provider command. */
  summary: string;
}

export type MessageData = Record<string, string | number | boolean | undefined>;

export interface FailOptions {
  /** Overrides the check's default severity for this resource (e.g. critical when every target is affected). */
  severity?: Severity;
  /** Distinguishes several findings of one check on one resource (e.g. the port). Part of the fingerprint. */
  discriminator?: string;
  evidence?: Evidence;
  /**
   * The one fix, rendered by the resource's provider for its kind; every intent's kind must be listed in the check's
   * `fixes`. Several intents when one change needs several rules (a path blocked by two policies), the deciding one first.
   */
  fix?: FixIntent | FixIntent[];
}

export interface OtherOptions {
  discriminator?: string;
  evidence?: Evidence;
  message?: string;
}

/** What `evaluate` reports through. A resource may be a model ref plus the load balancer it belongs to. */
export interface CheckContext<T extends string = string, M extends string = string> {
  readonly inventory: Inventory;
  readonly index: InventoryIndex;
  /** Resolved thresholds: defaults overridden by the config file. */
  readonly thresholds: Readonly<Record<T, number>>;
  /** The evaluation clock (the inventory's collection time), never the system clock. */
  readonly now: Date;
  pass(resource: ResourceTarget, options?: OtherOptions): void;
  fail(resource: ResourceTarget, messageId: M, data: MessageData, options?: FailOptions): void;
  /** Could not decide: name what is missing and how to provide it. */
  unknown(resource: ResourceTarget, reason: string, options?: OtherOptions): void;
  notApplicable(resource: ResourceTarget, reason: string, options?: OtherOptions): void;
}

/** A model ref, optionally placed under the load balancer it belongs to (for grouping in reports). */
export type ResourceTarget = ResourceRef | ResultResource | { ref: ResourceRef; loadBalancer?: { ref: ResourceRef } };

export interface CheckDefinition<T extends string = string, M extends string = string> {
  /** `family/kebab-slug`; equals the file path under checks/. Stable, never reused. */
  id: string;
  /** The desired state. */
  title: string;
  family: Family;
  severity: Severity;
  /** HTTP statuses the misconfiguration causes (502, 503, 504). */
  causes: number[];
  /**
   * The load-balancer kinds the check understands. The engine hands it only those load balancers (and the pools they
   * route to, or unrouted pools of the same providers) and reports `not_applicable` once for every other kind present.
   */
  kinds: LoadBalancerKind[];
  /** The fix intents the check emits; every claimed kind's provider must render each of them (registry test). */
  fixes: FixIntentKind[];
  rationale: string;
  remediation: CheckRemediation;
  /** Provider documentation (https). */
  docs: string[];
  thresholds: Record<T, ThresholdSpec>;
  /**
   * `false` when the check judges load balancers, listeners or subnets but never the pools they route to. Otherwise
   * (the default) a load balancer whose routing could not be read gets one `unknown` from the engine for the check,
   * naming the failed call, unless the check already said it could not judge it: pools hidden by a denied listing
   * must not vanish from the report.
   */
  judgesPools?: false;
  /** Failure messages with `{{placeholders}}`. */
  messages: Record<M, string>;
  evaluate(inventory: Inventory, ctx: CheckContext<T, M>): void;
}

export type AnyCheck = CheckDefinition<string, string>;

/** Declares a check. Identity function that fixes the generic types, as ESLint's rule objects do. */
export function defineCheck<T extends string, M extends string>(check: CheckDefinition<T, M>): CheckDefinition<T, M> {
  return check;
}

/** Fills `{{name}}` placeholders; unknown names are left visible so a missing value is noticed in review. */
export function interpolate(template: string, data: MessageData): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) => {
    const v = data[key];
    return v === undefined ? whole : String(v);
  });
}

/** The providers of the kinds a check claims. */
export function providersOf(check: Pick<CheckDefinition, 'kinds'>): Provider[] {
  return [...new Set(check.kinds.map((k) => kindFacts(k).provider))];
}
