import type { NetworkPolicy, NetworkPolicyKind, PolicyRule, PortRange, Subnet } from '../model/index.js';

/**
 * One side of a flow. Every field is optional: the engine answers `unknown` when a rule needs a field that is
 * not given, never allow or deny by default.
 *
 * Address fields, most precise first (the first one present is used):
 * - `address`: the endpoint's own IP;
 * - `cidr`: every address in the block sends or receives (clients of an NLB that preserves client IPs):
 *   the flow is allowed only if it is allowed for all of them;
 * - `addressIn`: the endpoint has one address inside the block, which one is not known (an LB node whose
 *   private IP was not collected, known only by its subnet): a verdict that depends on the address is unknown.
 */
export interface Endpoint {
  /** For traces and messages, e.g. `alb-web node eu-west-1a` or `i-0abc`. */
  label?: string;
  address?: string;
  cidr?: string;
  addressIn?: string;
  /**
   * Policies attached to the endpoint's interface: AWS security groups (which are also its group membership,
   * for rules that reference a group), Azure NIC NSGs, Google firewall policies that apply to it. A subnet-level
   * policy listed here (e.g. the subnet's NACL) is recognised and evaluated once, at subnet level.
   * `undefined` = not known: every flow through the endpoint is then `unknown`.
   */
  policyIds?: string[];
  /** The subnet the endpoint's interface is in; its policies (NACL, subnet NSG) apply. */
  subnetId?: string;
  /** Managed prefix lists the endpoint's address belongs to, when that is all that is known of it. */
  prefixListIds?: string[];
  /** Azure service tag the traffic is known to come from: `AzureLoadBalancer`, `GatewayManager`, `VirtualNetwork`, `Internet`. */
  serviceTag?: string;
  /** Google network tags of the instance; `undefined` = not known. */
  networkTags?: string[];
  /** Google service account of the instance; `undefined` = not known. */
  serviceAccount?: string;
}

/** A connection attempt: `source` opens a connection to `destination:port`. */
export interface Flow {
  source: Endpoint;
  destination: Endpoint;
  protocol: 'tcp' | 'udp';
  port: number;
  /**
   * Ports the source sends from, to which replies return. Default 1024–65535, the range AWS documents for
   * load balancer traffic through network ACLs (https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html#nacl-ephemeral-ports).
   */
  sourcePorts?: PortRange;
}

/** The three-valued answer: `'unknown'` names what is missing in the verdict's `reason` and `missing`. */
export type Reachability = boolean | 'unknown';

export type StepDecision = 'allow' | 'deny' | 'partial' | 'unknown';

/** The rule (or documented default) that decided a part of a step. */
export interface DecidingRule {
  policyId: string;
  /** The rule from the inventory; absent for a default the provider applies implicitly. */
  rule?: PolicyRule;
  /** Human label, e.g. `acl-1 rule 100 allow tcp 1024-65535 from 10.0.0.0/16` or `sg-app: no rule matches (implicit deny)`. */
  label: string;
  /** True for provider defaults not stored as rules (SG implicit deny, NACL `*`, NSG 65000+ defaults, GCP implied rules). */
  implicit: boolean;
}

/** One part of a step's query space with its outcome, for steps that are not decided by one rule. */
export interface StepPart {
  ports: PortRange;
  /** The other side's addresses this part is about; absent when the whole address set is meant. */
  addresses?: string;
  decision: 'allow' | 'deny' | 'unknown';
  by: DecidingRule;
  /** Earlier rules whose match could not be decided and that would have decided differently. */
  undecided?: DecidingRule[];
}

/** One policy layer evaluated for one packet direction. */
export interface FlowStep {
  /** `forward`: source → destination:port; `return`: the reply to the source's ephemeral ports (stateless policies only). */
  path: 'forward' | 'return';
  /** Which endpoint the policy protects. */
  at: 'source' | 'destination';
  /** Whether the policy is attached to the endpoint's interface (SG, NIC NSG, Google rules) or to its subnet (NACL, subnet NSG). */
  scope: 'interface' | 'subnet';
  direction: 'ingress' | 'egress';
  /** `unknown` when the policy was not in the inventory. */
  policyKind: NetworkPolicyKind | 'unknown';
  /** The policy, or for merged layers (all security groups of an interface, all Google firewall rules) the first. */
  policyId: string;
  /** Every policy in the layer (a merged layer has several). */
  policyIds: string[];
  decision: StepDecision;
  /** The deciding rule when one rule (or default) decided the whole step. */
  rule?: PolicyRule;
  decidedBy?: DecidingRule;
  /** The destination ports of the packets this step judged (the service port forward, the ephemeral range on return). */
  ports: PortRange;
  /** Per-part outcomes when the step is partial or unknown. */
  parts?: StepPart[];
  /** Policy ids referenced but not found in the inventory. */
  missing?: string[];
  note: string;
}

export interface FlowVerdict {
  allowed: Reachability;
  /** Every evaluated layer, forward path first, then the return path. */
  steps: FlowStep[];
  /** One sentence: what decided. */
  reason: string;
  /** Policy and subnet ids the verdict needed but the inventory lacks. */
  missing: string[];
}

/** The lookups the engine needs. Build it with `networkContext` / `networkContextFromIndex`. */
export interface NetworkContext {
  policy(id: string): NetworkPolicy | undefined;
  subnet(id: string): Subnet | undefined;
  /** Entries of a managed prefix list; undefined when not collected. */
  prefixList(id: string): string[] | undefined;
  /** Address prefixes of a service tag; undefined when not known. */
  serviceTagPrefixes(tag: string): string[] | undefined;
}
