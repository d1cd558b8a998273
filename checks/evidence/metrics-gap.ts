/**
 * Why an input a check needs is missing (metrics, tags), naming the call that failed and its failure code (an HTTP status,
 * throttling, a denied permission) rather than generic advice. Shared by the checks that read metrics.
 */
import type { CoverageGap, InputKind, Inventory, LoadBalancer, ResourceRef } from '../../src/model/index.js';
import { describeMissing, gapFor } from '../../src/model/index.js';

const NO_METRICS_WINDOW = 'run the audit with a non-zero metrics window';

/**
 * A failure of the call rather than of one resource (a query per metric type, a region-wide batch): it covers
 * the load balancer when recorded for its region, or for its account when that region is not an audited scope of its
 * own (a project audited as one scope). A gap about another resource of the inventory never does.
 */
export function accountWideGap(inv: Inventory, input: InputKind, ref: ResourceRef): CoverageGap | undefined {
  const { provider, account, region } = ref;
  const ownScope = inv.scopes.some((s) => s.provider === provider && s.account === account && s.region === region);
  const known = new Set([...inv.loadBalancers.map((l) => l.ref.id), ...inv.backendPools.map((p) => p.ref.id)]);
  return inv.coverage.find(
    (g) =>
      g.provider === provider &&
      (g.inputs?.includes(input) ?? false) &&
      (g.account === undefined || g.account === account) &&
      (g.region === undefined || g.region === region || !ownScope) &&
      (g.resourceId === undefined || g.resourceId === ref.id || !known.has(g.resourceId)),
  );
}

/** The gap that explains a missing input of a resource: its own or its region's first, then its account's. */
export function gapCovering(inv: Inventory, input: InputKind, ref: ResourceRef): CoverageGap | undefined {
  return gapFor(inv, input, ref) ?? accountWideGap(inv, input, ref);
}

/**
 * "TargetTLSNegotiationErrorCount of web: not collected (cloudwatch:GetMetricData: HTTP500 …); make
 * cloudwatch:GetMetricData succeed and collect again".
 */
export function metricsMissing(inv: Inventory, lb: LoadBalancer, what: string): string {
  if (gapFor(inv, 'metrics', lb.ref) || lb.notCollected?.some((n) => n.input === 'metrics')) return describeMissing(inv, 'metrics', lb, what, NO_METRICS_WINDOW);
  const gap = accountWideGap(inv, 'metrics', lb.ref);
  if (!gap) return describeMissing(inv, 'metrics', lb, what, NO_METRICS_WINDOW);
  const advice = gap.permission ? `grant ${gap.permission} and collect again` : `make ${gap.api} succeed and collect again`;
  return `${what}: not collected (${gap.api}: ${gap.code} ${gap.message}); ${advice}`;
}
