/**
 * The generic first-match evaluator. It judges a whole query space at once, not one packet: the other side's
 * address set × a destination port range. Each rule carves the part of the space it matches; what no rule
 * matches falls to the list's last (default) rule. This is exact for ranges, so "ports 1025–65535 allowed,
 * 1024 denied" or "clients in 10.0.0.0/8 allowed, the rest of 0.0.0.0/0 denied" come out as such.
 *
 * A rule whose match cannot be decided (a prefix list that was not collected, an unknown network tag) does not
 * stop the evaluation: the part it might match carries that rule as an alternative, and the part is decided
 * only if every alternative agrees with the rule that finally matches.
 */
import type { AddressRange } from '../model/cidr.js';
import { formatRange, rangeIntersection, rangeSubtract } from '../model/cidr.js';
import type { PortRange } from '../model/index.js';
import { ALL_PORTS, formatPorts } from './describe.js';
import type { AddressSet } from './match.js';
import { appliesToLocal, peerMatch, protocolMatches } from './match.js';
import type { EvalRule } from './semantics.js';
import type { DecidingRule, Endpoint, NetworkContext, StepDecision, StepPart } from './types.js';

interface Box {
  /** Undefined: the other side's address is not known. */
  addr: AddressRange | undefined;
  ports: PortRange;
}

interface Pending {
  box: Box;
  undecided: Array<{ by: EvalRule; reason: string }>;
}

export interface Piece extends Pending {
  by: EvalRule;
}

export interface RuleQuery {
  protocol: 'tcp' | 'udp';
  ports: PortRange;
  /** The side the rules' peers are matched against: the source for ingress, the destination for egress. */
  other: Endpoint;
  otherSet: AddressSet | undefined;
  /** The side the policy protects (for target selectors). */
  local: Endpoint;
}

function intersectPorts(a: PortRange, b: PortRange): PortRange | undefined {
  const from = Math.max(a.from, b.from);
  const to = Math.min(a.to, b.to);
  return from <= to ? { from, to } : undefined;
}

function subtractPorts(a: PortRange, b: PortRange): PortRange[] {
  const out: PortRange[] = [];
  if (a.from < b.from) out.push({ from: a.from, to: Math.min(a.to, b.from - 1) });
  if (b.to < a.to) out.push({ from: Math.max(a.from, b.to + 1), to: a.to });
  return out.filter((r) => r.from <= r.to);
}

/** Evaluates an ordered list whose last rule matches everything; returns the decided pieces of the query space. */
export function evaluateRuleList(list: EvalRule[], q: RuleQuery, ctx: NetworkContext): Piece[] {
  let pending: Pending[] = q.otherSet
    ? q.otherSet.ranges.map((addr) => ({ box: { addr, ports: q.ports }, undecided: [] }))
    : [{ box: { addr: undefined, ports: q.ports }, undecided: [] }];
  const decided: Piece[] = [];
  for (const r of list) {
    if (pending.length === 0) break;
    if (!protocolMatches(r.rule.protocol, q.protocol)) continue;
    const local = appliesToLocal(r.rule.appliesTo, q.local, ctx);
    if (local === false) continue;
    const peer = peerMatch(r.rule.peer, q.other, ctx);
    if (peer.kind === 'none') continue;
    const unknownReason = local !== true ? local.unknown : peer.kind === 'unknown' ? peer.reason : undefined;
    const rulePorts = r.rule.ports ?? ALL_PORTS;
    const next: Pending[] = [];
    for (const p of pending) {
      const inPorts = intersectPorts(p.box.ports, rulePorts);
      if (!inPorts) {
        next.push(p);
        continue;
      }
      for (const out of subtractPorts(p.box.ports, rulePorts)) next.push({ ...p, box: { addr: p.box.addr, ports: out } });
      const inBox: Box = { addr: p.box.addr, ports: inPorts };
      if (unknownReason !== undefined || (peer.kind === 'ranges' && inBox.addr === undefined)) {
        const reason = unknownReason ?? `the address of ${q.other.label ?? 'the other side'} is not known`;
        next.push({ box: inBox, undecided: [...p.undecided, { by: r, reason }] });
        continue;
      }
      if (peer.kind === 'all' || inBox.addr === undefined) {
        decided.push({ box: inBox, undecided: p.undecided, by: r });
        continue;
      }
      if (peer.kind !== 'ranges') continue; // unreachable: 'none' and 'unknown' were handled above
      let rest: AddressRange[] = [inBox.addr];
      for (const range of peer.ranges) {
        const after: AddressRange[] = [];
        for (const a of rest) {
          const hit = rangeIntersection(a, range);
          if (!hit) {
            after.push(a);
            continue;
          }
          decided.push({ box: { addr: hit, ports: inPorts }, undecided: p.undecided, by: r });
          after.push(...rangeSubtract(a, range));
        }
        rest = after;
      }
      for (const a of rest) next.push({ box: { addr: a, ports: inPorts }, undecided: p.undecided });
    }
    pending = next;
  }
  if (pending.length > 0) {
    // The rule lists built by semantics.ts always end with a match-all default, so this only guards misuse.
    throw new Error('rule list has no final default rule');
  }
  return decided;
}

function deciding(r: EvalRule): DecidingRule {
  return { policyId: r.policyId, ...(r.implicit ? {} : { rule: r.rule }), label: r.label, implicit: r.implicit };
}

function outcomeOf(p: Piece): 'allow' | 'deny' | 'unknown' {
  const action = p.by.rule.action;
  return p.undecided.every((u) => u.by.rule.action === action) ? action : 'unknown';
}

export interface RuleListSummary {
  decision: StepDecision;
  /** Set when one rule decided the whole space. */
  decidedBy?: DecidingRule;
  parts: StepPart[];
  /** Why parts are unknown. */
  reasons: string[];
}

function coveredBy(ranges: AddressRange[], cover: AddressRange[]): boolean {
  let rest = ranges;
  for (const c of cover) rest = rest.flatMap((r) => rangeSubtract(r, c));
  return rest.length === 0;
}

/** Turns pieces into a step decision. See `AddressSet.quantifier` for how a `some` address set is judged. */
export function summarize(pieces: Piece[], otherSet: AddressSet | undefined): RuleListSummary {
  const outcomes = pieces.map(outcomeOf);
  const parts: StepPart[] = pieces.map((p, i) => {
    const decision = outcomes[i] ?? 'unknown';
    const undecided = p.undecided.filter((u) => u.by.rule.action !== p.by.rule.action).map((u) => deciding(u.by));
    return {
      ports: p.box.ports,
      ...(p.box.addr && otherSet && !(otherSet.ranges.length === 1 && otherSet.ranges[0]?.first === p.box.addr.first && otherSet.ranges[0]?.last === p.box.addr.last)
        ? { addresses: formatRange(p.box.addr) }
        : {}),
      decision,
      by: deciding(p.by),
      ...(undecided.length ? { undecided } : {}),
    };
  });
  parts.sort((a, b) => a.ports.from - b.ports.from || (a.addresses ?? '').localeCompare(b.addresses ?? ''));
  const reasons = [...new Set(pieces.flatMap((p, i) => (outcomes[i] === 'unknown' ? p.undecided.map((u) => u.reason) : [])))];
  const anyDeny = outcomes.includes('deny');
  const anyUnknown = outcomes.includes('unknown');
  const allDeny = outcomes.every((o) => o === 'deny');
  const single = pieces.length > 0 && pieces.every((p, i) => p.by === pieces[0]?.by && outcomes[i] === outcomes[0]);
  const first = pieces[0];
  const decidedBy = single && first && outcomes[0] !== 'unknown' ? deciding(first.by) : undefined;
  let decision: StepDecision;
  if (otherSet?.quantifier === 'some' && anyDeny && !allDeny) {
    // One unknown address in the set: the step denies for sure only if every candidate address has a denied part.
    const deniedAddrs = pieces.filter((_, i) => outcomes[i] === 'deny').map((p) => p.box.addr).filter((a): a is AddressRange => a !== undefined);
    decision = coveredBy(otherSet.ranges, deniedAddrs) ? 'partial' : 'unknown';
    if (decision === 'unknown') reasons.push(`the outcome depends on which address in ${otherSet.text} is used`);
  } else if (allDeny) {
    decision = 'deny';
  } else if (anyDeny) {
    decision = 'partial';
  } else if (anyUnknown) {
    decision = 'unknown';
  } else {
    decision = 'allow';
  }
  return { decision, ...(decidedBy ? { decidedBy } : {}), parts, reasons };
}

/** `1024 denied by X; 1025-65535 allowed by Y`. */
export function describeParts(parts: StepPart[]): string {
  return parts
    .map((p) => {
      const where = `${formatPorts(p.ports)}${p.addresses ? ` (${p.addresses})` : ''}`;
      const verb = p.decision === 'allow' ? 'allowed' : p.decision === 'deny' ? 'denied' : 'undecided';
      return `${where} ${verb} by ${p.by.label}${p.undecided?.length ? ` unless ${p.undecided.map((u) => u.label).join(' / ')} matches` : ''}`;
    })
    .join('; ');
}
