/**
 * Fix intents: what a check wants changed, in provider-neutral terms. A check states the intent; the provider of the
 * resource turns it into the command and infrastructure-as-code attribute that are right for that load balancer's
 * kind (providers/<cloud>/fixes.ts). So a check's text never names a provider command, a Classic ELB never gets an
 * `elbv2` command, and every interpolated value is shell-quoted in one place.
 */
import type {
  BackendPool,
  InventoryIndex,
  LoadBalancer,
  LoadBalancerKind,
  NetworkPolicy,
  Peer,
  PortRange,
  Provider,
  ServerKind,
} from '../model/index.js';

/** Health-check settings a fix may change. */
export interface HealthCheckChanges {
  intervalSeconds?: number;
  timeoutSeconds?: number;
  healthyThreshold?: number;
  unhealthyThreshold?: number;
  path?: string;
  port?: number;
  /** `traffic-port` semantics: probe the port traffic goes to. */
  useTrafficPort?: boolean;
  protocol?: string;
  /** Success codes as the provider writes them, e.g. `200-399`. */
  matcher?: string;
  /** gRPC success codes, e.g. `0-99`. */
  grpcMatcher?: string;
  host?: string;
}

export type FixIntent =
  /**
   * Allow a flow in a network policy: the rule that decided the verdict. `purpose` says why (shown in comments),
   * `peers` are the sources (ingress) or destinations (egress) to allow.
   */
  | {
      kind: 'allow-flow';
      policyId: string;
      direction: 'ingress' | 'egress';
      protocol: 'tcp' | 'udp';
      ports: PortRange;
      peers: Peer[];
      purpose: 'health-check' | 'traffic' | 'return-traffic' | 'infrastructure';
      /**
       * For ordered policies (NACL rule number, NSG / firewall priority): the priority of the rule that denied, so the
       * new rule is placed before it. Undefined when only the policy's default denied.
       */
      beforePriority?: number;
      /** The pool whose targets the flow must reach, so a renderer can aim the rule at them (Google target tags). */
      targetPoolId?: string;
      /** The targets the flow is blocked to; all of the pool's when omitted. */
      targetIds?: string[];
    }
  /** Raise the backend server's idle keep-alive (server configuration, not a cloud API). */
  | { kind: 'set-backend-keepalive'; poolId: string; seconds: number; server?: ServerKind }
  /** Change the load balancer's idle timeout (ALB / Classic ELB attribute). */
  | { kind: 'set-lb-idle-timeout'; lbId: string; seconds: number }
  /** Change a listener's / rule's flow idle timeout (NLB TCP listener, Azure LB rule). */
  | { kind: 'set-flow-idle-timeout'; lbId: string; listenerId: string; seconds: number; enableTcpReset?: boolean }
  /** Change how long the load balancer waits for a response of the pool (App Gateway backend settings, GCP backend service). */
  | { kind: 'set-request-timeout'; lbId: string; poolId: string; seconds: number }
  | { kind: 'set-health-check'; lbId?: string; poolId: string; changes: HealthCheckChanges }
  | { kind: 'enable-health-check'; lbId?: string; poolId: string }
  /** Change the deregistration delay / connection-draining timeout. */
  | { kind: 'set-drain'; lbId?: string; poolId: string; seconds: number }
  /** Register targets with an empty pool. */
  | { kind: 'register-targets'; lbId?: string; poolId: string }
  /** Start stopped / deallocated VMs. */
  | { kind: 'start-targets'; poolId: string; targetIds: string[] }
  /** Read the pool's per-target health with the provider's reason (to act on the cause it names). */
  | { kind: 'inspect-target-health'; lbId?: string; poolId: string }
  /** Serve the pool's targets from zones the load balancer has enabled, or enable their zones. */
  | { kind: 'enable-zones'; lbId: string; zones: string[] }
  /** Turn cross-zone load balancing on for the pool (or the load balancer, where the pool has no setting). */
  | { kind: 'enable-cross-zone'; lbId: string; poolId: string }
  /** Delete a pool no load balancer uses (a clean-up; it causes no 5xx). */
  | { kind: 'remove-pool'; poolId: string }
  /** Replace a listener certificate. */
  | { kind: 'replace-listener-certificate'; lbId: string; listenerId: string; certificateId: string }
  /** Change the pool's protocol version (HTTP1 / HTTP2 / GRPC) or its protocol. */
  | { kind: 'set-pool-protocol'; lbId?: string; poolId: string; protocol?: string; protocolVersion?: string }
  /** Make the backend certificate acceptable to what the load balancer verifies (reissue, trusted root, SNI). */
  | { kind: 'fix-backend-certificate'; lbId?: string; poolId: string; problem: string }
  /** Remove or repoint a route that sends the load balancer's subnet traffic away from the Internet. */
  | { kind: 'fix-default-route'; routeTableId: string; routeName: string };

export type FixIntentKind = FixIntent['kind'];

/** The fix lines of one finding, ready to show. */
export interface RenderedFix {
  /** Shell command(s), every interpolated value quoted; lines starting with `#` are comments. */
  cli?: string;
  /** The infrastructure-as-code resource and attribute to change. */
  terraform?: string;
  /** A manual step or a setting outside the cloud API (server configuration). */
  console?: string;
}

export type AllowFlowIntent = Extract<FixIntent, { kind: 'allow-flow' }>;

/** An existing rule of an ordered policy moved to another priority, to make room before the rule that denies. */
export interface RuleMove {
  /** The rule's name (Azure NSG rule name). */
  ruleId: string;
  from: number;
  to: number;
}

/**
 * Where a new allow rule goes in an ordered policy (NACL rule numbers, NSG priorities), planned for every fix aimed at
 * that policy at once so that no two fixes take the same number: one number per rule the fix creates, and the moves
 * that make room (every fix that needs room shows the same moves, which set absolute priorities: pasting them twice
 * changes nothing). `priorities` is empty when no room can be made; the renderer then says so instead of a command.
 */
export interface RuleSlot {
  priorities: number[];
  moves: RuleMove[];
}

/** What a renderer may read to render a fix for one finding. */
export interface FixContext {
  index: InventoryIndex;
  /** The load balancer the finding is about or under, when there is one. */
  lb?: LoadBalancer;
  pool?: BackendPool;
  policy?: NetworkPolicy;
  /** For an allow-flow fix into an ordered policy: its planned place (see {@link FixRenderer.planRuleSlots}). */
  slot?: RuleSlot;
}

/** Turns intents into commands for one provider (providers/<cloud>/fixes.ts). */
export interface FixRenderer {
  provider: Provider;
  /** True when `render` has a command or a setting for this intent on this kind (kept honest by the registry test). */
  supports(intent: FixIntentKind, kind: LoadBalancerKind): boolean;
  render(intent: FixIntent, ctx: FixContext): RenderedFix | undefined;
  /**
   * For policies whose rules are ordered by a unique number: places every allow-flow fix aimed at `policy`, in the
   * order given (equal intents once), so that the fixes of different findings never take the same number. Undefined
   * for an intent the renderer places on its own (unordered policies, rules that may share a priority).
   */
  planRuleSlots?(policy: NetworkPolicy, intents: readonly AllowFlowIntent[]): Map<AllowFlowIntent, RuleSlot>;
}

/** Two allow-flow intents that create the same rule (the same blocked flow seen by several checks) share one key. */
export function allowFlowKey(intent: AllowFlowIntent): string {
  const { policyId, direction, protocol, ports, peers, purpose, beforePriority } = intent;
  return JSON.stringify([policyId, direction, protocol, ports.from, ports.to, peers, purpose, beforePriority ?? null]);
}

/**
 * Aims the allow-flow fixes of a finding at the pool's blocked targets, so a renderer whose rules select VMs (Google
 * firewall target tags or service accounts) need not open the flow to the whole network.
 */
export function aimAllowFlows(fixes: readonly FixIntent[], poolId: string, targetIds: readonly string[]): FixIntent[] {
  const ids = [...new Set(targetIds)];
  return fixes.map((f) => (f.kind === 'allow-flow' ? { ...f, targetPoolId: poolId, ...(ids.length > 0 ? { targetIds: ids } : {}) } : f));
}
