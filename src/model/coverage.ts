/**
 * Finding the coverage gap behind a missing input, in provider-neutral terms: normalizers tag each gap with the
 * inputs it affects (`CoverageGap.inputs`), so checks ask "why is the target health of this pool missing?" without
 * knowing the provider's API names.
 */
import type { CoverageGap, InputKind, Inventory, NotCollected, ResourceRef } from './inventory.js';

/** The gap that explains why `input` is missing for a resource: one about the resource itself first, then a scope-wide one. */
export function gapFor(inv: Inventory, input: InputKind, ref: Pick<ResourceRef, 'id' | 'provider' | 'region'>): CoverageGap | undefined {
  const matches = (g: CoverageGap): boolean => g.provider === ref.provider && (g.inputs?.includes(input) ?? false);
  return (
    inv.coverage.find((g) => matches(g) && g.resourceId === ref.id) ??
    inv.coverage.find((g) => matches(g) && !g.resourceId && (!g.region || !ref.region || g.region === ref.region))
  );
}

/** A resource's own record of an input it could not collect. */
export function notCollected(resource: { notCollected?: NotCollected[] }, input: InputKind): NotCollected | undefined {
  return resource.notCollected?.find((n) => n.input === input);
}

/** The failed call behind a missing input: the resource's own record first, then the coverage gap that covers it. */
export function failedCallFor(
  inv: Inventory,
  input: InputKind,
  resource: { ref: Pick<ResourceRef, 'id' | 'provider' | 'region'>; notCollected?: NotCollected[] },
): { api: string; code?: string; permission?: string; message?: string } | undefined {
  const own = notCollected(resource, input);
  const gap = gapFor(inv, input, resource.ref);
  const api = own?.api ?? gap?.api;
  if (!api) return undefined;
  const code = own?.code ?? gap?.code;
  const permission = own?.permission ?? gap?.permission;
  return { api, ...(code !== undefined ? { code } : {}), ...(permission !== undefined ? { permission } : {}), ...(gap?.message ? { message: gap.message } : {}) };
}

/**
 * "target health was not collected (elasticloadbalancing:DescribeTargetHealth: AccessDenied …); grant … and collect
 * again". `what` names the input in words.
 */
export function describeMissing(
  inv: Inventory,
  input: InputKind,
  resource: { ref: ResourceRef; notCollected?: NotCollected[] },
  what: string,
  /** What to do when no failed call explains it (e.g. metrics that were not requested). */
  otherwise = 'collect again with read access to it',
): string {
  const { api, code, permission, message } = failedCallFor(inv, input, resource) ?? {};
  const detail = api ? ` (${api}${code ? `: ${code}` : ''}${message ? ` ${message}` : ''})` : '';
  const advice = permission ? `grant ${permission} and collect again` : api ? `make ${api} succeed and collect again` : otherwise;
  return `${what}: not collected${detail}; ${advice}`;
}

/** What a load balancer's pools are found through: a failed read of any of them hides pools from every check. */
export const ROUTING_INPUTS: readonly InputKind[] = ['listeners', 'routes', 'pools'];

/**
 * The routing input whose collection failed for this load balancer (its own record first, then a scope-wide gap);
 * undefined when its routing was read.
 */
export function routingInputMissing(inv: Inventory, lb: { ref: ResourceRef; notCollected?: NotCollected[] }): InputKind | undefined {
  return lb.notCollected?.find((n) => ROUTING_INPUTS.includes(n.input))?.input ?? ROUTING_INPUTS.find((input) => gapFor(inv, input, lb.ref) !== undefined);
}
