/**
 * Priorities for new NSG rules. A rule allowing what a deny rule blocks must be evaluated before it: a lower
 * priority number, unique within the NSG's inbound or outbound rules. Every allow fix aimed at one NSG is placed
 * together (see src/engine/rule-slots.ts), so two findings never print the same priority. When nothing is free below
 * the deny (a deny at 100, or 100..deny all taken), the deny rule and the rules right after it move up by as many
 * places as there are new rules, order kept, and the new rules take the places they leave.
 */
import type { AllowFlowIntent, RuleMove, RuleSlot } from '../../src/engine/fix.js';
import type { NetworkPolicy } from '../../src/model/index.js';

/** NSG priorities users may give their own rules (lower wins). */
const NSG_PRIORITIES = { first: 100, last: 4096 } as const;

/** The rule name at each priority of one direction (a model rule per peer × port range shares its stored rule's). */
function occupied(policy: NetworkPolicy | undefined, direction: 'ingress' | 'egress'): Map<number, string | undefined> {
  const out = new Map<number, string | undefined>();
  for (const r of policy?.rules ?? []) if (r.direction === direction && r.priority !== undefined && !out.has(r.priority)) out.set(r.priority, r.id);
  return out;
}

function freeBelow(taken: ReadonlySet<number>, before: number | undefined): number | undefined {
  const highest = before === undefined ? NSG_PRIORITIES.last : Math.min(before - 1, NSG_PRIORITIES.last);
  for (let p = highest; p >= NSG_PRIORITIES.first; p--) if (!taken.has(p)) return p;
  return undefined;
}

/**
 * The priority for a new allow rule: the largest free one below the rule that denied (so it is evaluated first), or
 * the last custom priority when only Azure's default rules denied. Undefined when nothing is free below the deny.
 */
export function freeNsgPriority(policy: NetworkPolicy | undefined, direction: 'ingress' | 'egress', before: number | undefined): number | undefined {
  return freeBelow(new Set(occupied(policy, direction).keys()), before);
}

/**
 * The moves that free `count` places starting at `before`: the rule there and each rule right after it that would be
 * caught move up, order kept. Undefined when a rule to move has no name, a planned new rule is in the way, or the
 * last priority is passed.
 */
function makeRoom(rules: ReadonlyMap<number, string | undefined>, planned: ReadonlySet<number>, before: number, count: number): RuleMove[] | undefined {
  const moves: RuleMove[] = [];
  let lastTaken = before + count - 1;
  // Every place up to the last one taken must be free: a rule there moves to the next place after, which may in turn
  // catch the rule that was there.
  for (let p = before; p <= lastTaken; p++) {
    if (planned.has(p)) return undefined;
    if (!rules.has(p)) continue;
    const ruleId = rules.get(p);
    if (ruleId === undefined) return undefined;
    lastTaken += 1;
    moves.push({ ruleId, from: p, to: lastTaken });
  }
  if (lastTaken > NSG_PRIORITIES.last) return undefined;
  return moves;
}

/**
 * Places every allow fix aimed at one NSG: intents before an explicit deny first (lowest deny first), each at the
 * largest free priority below its deny; those that find none share one set of moves per deny and take the places it
 * frees. An intent that cannot be placed gets an empty slot (the renderer says what to do instead of a command).
 */
export function planNsgSlots(policy: NetworkPolicy | undefined, intents: readonly AllowFlowIntent[]): Map<AllowFlowIntent, RuleSlot> {
  const out = new Map<AllowFlowIntent, RuleSlot>();
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = occupied(policy, direction);
    const taken = new Set(rules.keys());
    const planned = new Set<number>();
    const needRoom = new Map<number, AllowFlowIntent[]>();
    const own = intents.filter((i) => i.direction === direction).sort((a, b) => (a.beforePriority ?? Infinity) - (b.beforePriority ?? Infinity));
    for (const intent of own) {
      const free = freeBelow(taken, intent.beforePriority);
      if (free !== undefined) {
        taken.add(free);
        planned.add(free);
        out.set(intent, { priorities: [free], moves: [] });
      } else if (intent.beforePriority !== undefined) {
        needRoom.set(intent.beforePriority, [...(needRoom.get(intent.beforePriority) ?? []), intent]);
      } else {
        out.set(intent, { priorities: [], moves: [] });
      }
    }
    let movedAlready = false;
    for (const [before, group] of needRoom) {
      // One set of moves per NSG direction: a second would have to start from where the first left the rules.
      const moves: RuleMove[] | undefined = movedAlready ? undefined : makeRoom(rules, planned, before, group.length);
      movedAlready ||= moves !== undefined && moves.length > 0;
      group.forEach((intent, i) => out.set(intent, moves ? { priorities: [before + i], moves } : { priorities: [], moves: [] }));
    }
  }
  return out;
}
