/**
 * One number per new rule in an ordered policy. Findings are rendered one by one, and each fix would take "the
 * largest free priority below the deny" for itself: two findings on one NSG (the health-check port and the
 * infrastructure ports) then print the same priority, and the second command fails once the first was pasted. After
 * every check has run, the allow-flow fixes aimed at the same ordered policy are placed together by the provider
 * (`FixRenderer.planRuleSlots`) and re-rendered with their places.
 */
import type { NetworkPolicy } from '../model/index.js';
import { allowFlowKey, type AllowFlowIntent, type FixRenderer, type RuleSlot } from './fix.js';

/** A failing result with an allow-flow fix into a policy, waiting for the other fixes into that policy. */
export interface PendingRuleFix {
  policy: NetworkPolicy;
  renderer: FixRenderer;
  intents: AllowFlowIntent[];
  /** Renders the result's remediation again, each allow-flow intent into `policy` at its slot. */
  rerender(slots: ReadonlyMap<string, RuleSlot>): void;
}

/** Places every pending allow-flow fix per policy, in evaluation order, and re-renders the fixes with their places. */
export function reconcileRuleSlots(pending: readonly PendingRuleFix[]): void {
  const byPolicy = new Map<string, PendingRuleFix[]>();
  for (const p of pending) byPolicy.set(p.policy.ref.id, [...(byPolicy.get(p.policy.ref.id) ?? []), p]);
  for (const group of byPolicy.values()) {
    const first = group[0]!;
    const unique = new Map<string, AllowFlowIntent>();
    for (const p of group) for (const i of p.intents) if (!unique.has(allowFlowKey(i))) unique.set(allowFlowKey(i), i);
    const planned = first.renderer.planRuleSlots?.(first.policy, [...unique.values()]);
    // Nothing placed (a policy whose rules need no unique number): the fixes stand as rendered.
    if (!planned || planned.size === 0) continue;
    const slots = new Map<string, RuleSlot>();
    for (const [intent, slot] of planned) slots.set(allowFlowKey(intent), slot);
    for (const p of group) p.rerender(slots);
  }
}
