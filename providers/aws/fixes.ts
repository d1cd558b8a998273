/**
 * Fix intents → AWS CLI commands and Terraform attributes, right for each load-balancer kind: ELBv2 commands for
 * ALB/NLB target groups and listeners, `aws elb` for Classic load balancers, `aws ec2` for security groups and
 * network ACLs. Every interpolated value goes through `sh()`.
 */
import type { AllowFlowIntent, FixContext, FixIntent, FixIntentKind, FixRenderer, HealthCheckChanges, RenderedFix, RuleSlot } from '../../src/engine/fix.js';
import { commentText, sh, shJson, userValue } from '../../src/engine/shell.js';
import { parseIp } from '../../src/model/cidr.js';
import type { LoadBalancer, LoadBalancerKind, NetworkPolicy, Peer, PolicyRule, PortRange } from '../../src/model/index.js';
import { keepAliveSetting } from '../../src/model/index.js';

type Family = 'elbv2' | 'classic';

function familyOf(kind: LoadBalancerKind | undefined): Family | undefined {
  if (kind === 'aws-clb') return 'classic';
  if (kind === 'aws-alb' || kind === 'aws-nlb' || kind === 'aws-gwlb') return 'elbv2';
  return undefined;
}

/** Which intents each family has a command or setting for. */
const SUPPORTED: Record<Family, ReadonlySet<FixIntentKind>> = {
  elbv2: new Set<FixIntentKind>([
    'allow-flow',
    'set-backend-keepalive',
    'set-lb-idle-timeout',
    'set-flow-idle-timeout',
    'set-request-timeout',
    'set-health-check',
    'enable-health-check',
    'set-drain',
    'register-targets',
    'start-targets',
    'inspect-target-health',
    'enable-zones',
    'enable-cross-zone',
    'remove-pool',
    'replace-listener-certificate',
    'set-pool-protocol',
    'fix-backend-certificate',
  ]),
  classic: new Set<FixIntentKind>([
    'allow-flow',
    'set-backend-keepalive',
    'set-lb-idle-timeout',
    'set-request-timeout',
    'set-health-check',
    'set-drain',
    'register-targets',
    'start-targets',
    'inspect-target-health',
    'enable-zones',
    'enable-cross-zone',
    'replace-listener-certificate',
    'fix-backend-certificate',
  ]),
};

/** Kind-specific limits: the NLB idle timeout is per TCP listener; ALB/CLB have one load-balancer attribute. */
function supports(intent: FixIntentKind, kind: LoadBalancerKind): boolean {
  const family = familyOf(kind);
  if (!family) return false;
  if (intent === 'set-lb-idle-timeout' || intent === 'set-request-timeout') return kind === 'aws-alb' || kind === 'aws-clb';
  if (intent === 'set-flow-idle-timeout') return kind === 'aws-nlb';
  return SUPPORTED[family].has(intent);
}

const lines = (...parts: Array<string | undefined | false>): string => parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n');

function portArg(ports: PortRange): string {
  return ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
}

function isIpv6(cidr: string): boolean {
  return parseIp(cidr.split('/')[0] ?? '')?.family === 6;
}

/** One `--ip-permissions` item for a peer, in the CLI's shorthand. */
function ipPermission(protocol: string, ports: PortRange, peer: Peer): string | undefined {
  const head = `IpProtocol=${protocol},FromPort=${ports.from},ToPort=${ports.to}`;
  switch (peer.type) {
    case 'security-group':
      return `${head},UserIdGroupPairs=[{GroupId=${peer.groupId}}]`;
    case 'cidr':
      return isIpv6(peer.cidr) ? `${head},Ipv6Ranges=[{CidrIpv6=${peer.cidr}}]` : `${head},IpRanges=[{CidrIp=${peer.cidr}}]`;
    case 'prefix-list':
      return `${head},PrefixListIds=[{PrefixListId=${peer.id}}]`;
    case 'any':
      return `${head},IpRanges=[{CidrIp=0.0.0.0/0}]`;
    default:
      return undefined;
  }
}

function terraformSgRule(direction: 'ingress' | 'egress', peer: Peer): string {
  const resource = direction === 'ingress' ? 'aws_vpc_security_group_ingress_rule' : 'aws_vpc_security_group_egress_rule';
  const attr =
    peer.type === 'security-group'
      ? 'referenced_security_group_id'
      : peer.type === 'prefix-list'
        ? 'prefix_list_id'
        : peer.type === 'cidr' && isIpv6(peer.cidr)
          ? 'cidr_ipv6'
          : 'cidr_ipv4';
  return `${resource} (security_group_id, ip_protocol, from_port, to_port, ${attr})`;
}

function securityGroupFix(policy: string, intent: Extract<FixIntent, { kind: 'allow-flow' }>): RenderedFix {
  const verb = intent.direction === 'ingress' ? 'authorize-security-group-ingress' : 'authorize-security-group-egress';
  const commands = intent.peers.map((peer) => {
    // The short form reads best for the common case: one inbound port (or range) from a group or an IPv4 range.
    if (intent.direction === 'ingress' && (peer.type === 'security-group' || (peer.type === 'cidr' && !isIpv6(peer.cidr)))) {
      const from = peer.type === 'security-group' ? `--source-group ${sh(peer.groupId)}` : `--cidr ${sh(peer.cidr)}`;
      return `aws ec2 ${verb} --group-id ${sh(policy)} --protocol ${intent.protocol} --port ${portArg(intent.ports)} ${from}`;
    }
    const permission = ipPermission(intent.protocol, intent.ports, peer);
    return permission ? `aws ec2 ${verb} --group-id ${sh(policy)} --ip-permissions ${sh(permission)}` : `# ${peerLabel(peer)}: add the rule in the console`;
  });
  return {
    cli: lines(...commands),
    terraform: terraformSgRule(intent.direction, intent.peers[0] ?? { type: 'any' }),
  };
}

function peerLabel(peer: Peer): string {
  switch (peer.type) {
    case 'cidr':
      return peer.cidr;
    case 'security-group':
      return peer.groupId;
    case 'prefix-list':
      return peer.id;
    case 'service-tag':
      return peer.tag;
    case 'network-tag':
      return `tag ${peer.tag}`;
    case 'service-account':
      return peer.account;
    case 'any':
      return 'any';
  }
}

/**
 * A free NACL rule number evaluated before the rule that denied: just below an explicit deny at `before`, or the next
 * hundred after the last numbered rule when only the default `*` rule denied. Undefined when no number is free below
 * the deny: an entry after it would change nothing, and entries cannot be renumbered in place.
 */
export function freeRuleNumber(rules: readonly PolicyRule[], direction: 'ingress' | 'egress', before: number | undefined, taken: ReadonlySet<number> = new Set()): number | undefined {
  const used = new Set([...rules.filter((r) => r.direction === direction && r.priority !== undefined).map((r) => r.priority as number), ...taken]);
  if (before !== undefined && before < 32767) {
    for (let n = before - 1; n >= 1; n--) if (!used.has(n)) return n;
    return undefined;
  }
  const numbered = [...used].filter((n) => n < 32767);
  const max = numbered.length ? Math.max(...numbered) : 0;
  const next = (Math.floor(max / 100) + 1) * 100;
  if (next <= 32766 && !used.has(next)) return next;
  for (let n = max + 1; n <= 32766; n++) if (!used.has(n)) return n;
  for (let n = 1; n <= 32766; n++) if (!used.has(n)) return n;
  return undefined;
}

const cidrOfNaclPeer = (peer: Peer): string | undefined => (peer.type === 'cidr' ? peer.cidr : peer.type === 'any' ? '0.0.0.0/0' : undefined);

/**
 * Numbers for the entries every allow fix into one NACL creates (one per CIDR peer), taken in order so that no two
 * fixes print the same number.
 */
export function planNaclSlots(policy: NetworkPolicy, intents: readonly AllowFlowIntent[]): Map<AllowFlowIntent, RuleSlot> {
  const taken = new Set<number>();
  return new Map(intents.map((intent) => [intent, { priorities: entryNumbers(policy.rules, intent, taken), moves: [] }]));
}

/** One number per CIDR peer of the intent, none of them in `taken` (which receives them). */
function entryNumbers(rules: readonly PolicyRule[], intent: AllowFlowIntent, taken: Set<number>): number[] {
  const out: number[] = [];
  for (const peer of intent.peers) {
    if (!cidrOfNaclPeer(peer)) continue;
    const n = freeRuleNumber(rules, intent.direction, intent.beforePriority, taken);
    if (n === undefined) break;
    taken.add(n);
    out.push(n);
  }
  return out;
}

function naclFix(policy: NetworkPolicy | undefined, policyId: string, intent: AllowFlowIntent, slot: RuleSlot | undefined): RenderedFix {
  // Planned with every other fix into this NACL when there are findings to reconcile; on its own otherwise.
  const numbers = slot?.priorities ?? entryNumbers(policy?.rules ?? [], intent, new Set());
  let next = 0;
  const commands = intent.peers.map((peer) => {
    const cidr = cidrOfNaclPeer(peer);
    if (!cidr) return `# ${peerLabel(peer)}: network ACL entries take CIDR blocks only`;
    const number = numbers[next++];
    if (number === undefined) {
      return `# no rule number is free below ${intent.beforePriority ?? 'the default deny'} in this network ACL: delete and re-create the entries there with room below the deny, then allow ${intent.protocol} ${intent.ports.from}-${intent.ports.to}`;
    }
    return (
      `aws ec2 create-network-acl-entry --network-acl-id ${sh(policyId)} --${intent.direction} --rule-number ${number} ` +
      `--protocol ${intent.protocol} --port-range From=${intent.ports.from},To=${intent.ports.to} ${isIpv6(cidr) ? '--ipv6-cidr-block' : '--cidr-block'} ${sh(cidr)} --rule-action allow`
    );
  });
  return {
    cli: lines(...commands),
    terraform: 'aws_network_acl_rule (network_acl_id, rule_number, egress, protocol, rule_action, cidr_block, from_port, to_port)',
  };
}

function lbArn(lb: LoadBalancer | undefined, fallback?: string): string {
  const arn = lb?.ref.id ?? fallback;
  return arn !== undefined ? sh(arn) : userValue('LOAD_BALANCER_ARN', 'ARN of the load balancer');
}

function lbName(lb: LoadBalancer | undefined): string {
  return lb ? sh(lb.ref.name) : userValue('LOAD_BALANCER_NAME', 'name of the Classic Load Balancer');
}

const ELBV2_HC_FLAGS: Array<[keyof HealthCheckChanges, string, string]> = [
  ['intervalSeconds', '--health-check-interval-seconds', 'interval'],
  ['timeoutSeconds', '--health-check-timeout-seconds', 'timeout'],
  ['healthyThreshold', '--healthy-threshold-count', 'healthy_threshold'],
  ['unhealthyThreshold', '--unhealthy-threshold-count', 'unhealthy_threshold'],
  ['path', '--health-check-path', 'path'],
  ['protocol', '--health-check-protocol', 'protocol'],
];

function elbv2HealthCheck(tgArg: string, changes: HealthCheckChanges): RenderedFix {
  const args: string[] = [];
  const attrs: string[] = [];
  for (const [key, flag, attr] of ELBV2_HC_FLAGS) {
    const v = changes[key];
    if (v === undefined || typeof v === 'boolean') continue;
    args.push(`${flag} ${sh(v)}`);
    attrs.push(attr);
  }
  if (changes.useTrafficPort) {
    args.push('--health-check-port traffic-port');
    attrs.push('port');
  } else if (changes.port !== undefined) {
    args.push(`--health-check-port ${changes.port}`);
    attrs.push('port');
  }
  if (changes.matcher !== undefined) {
    args.push(`--matcher ${sh(`HttpCode=${changes.matcher}`)}`);
    attrs.push('matcher');
  } else if (changes.grpcMatcher !== undefined) {
    args.push(`--matcher ${sh(`GrpcCode=${changes.grpcMatcher}`)}`);
    attrs.push('matcher');
  }
  return { cli: `aws elbv2 modify-target-group --target-group-arn ${tgArg} ${args.join(' ')}`, terraform: `aws_lb_target_group.health_check { ${attrs.join(', ')} }` };
}

/** Classic health checks are set as a whole: unchanged fields keep the load balancer's current values. */
function classicHealthCheck(ctx: FixContext, changes: HealthCheckChanges): RenderedFix {
  const hc = ctx.pool?.healthCheck;
  const protocol = changes.protocol ?? hc?.protocol ?? 'HTTP';
  const port = changes.port ?? hc?.port ?? ctx.pool?.port ?? 80;
  const path = changes.path ?? hc?.path ?? '/';
  const target = protocol === 'TCP' || protocol === 'SSL' ? `${protocol}:${port}` : `${protocol}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  const spec = {
    Target: target,
    Interval: changes.intervalSeconds ?? hc?.intervalSeconds?.value ?? 30,
    Timeout: changes.timeoutSeconds ?? hc?.timeoutSeconds?.value ?? 5,
    UnhealthyThreshold: changes.unhealthyThreshold ?? hc?.unhealthyThreshold?.value ?? 2,
    HealthyThreshold: changes.healthyThreshold ?? hc?.healthyThreshold?.value ?? 10,
  };
  return {
    cli: `aws elb configure-health-check --load-balancer-name ${lbName(ctx.lb)} --health-check ${shJson(spec)}`,
    terraform: 'aws_elb.health_check { target, interval, timeout, healthy_threshold, unhealthy_threshold }',
  };
}

function render(intent: FixIntent, ctx: FixContext): RenderedFix | undefined {
  const family = familyOf(ctx.lb?.kind) ?? (ctx.pool?.ref.type === 'aws-clb-backend' ? 'classic' : 'elbv2');
  const tgArn = ctx.pool?.ref.id ?? ('poolId' in intent ? intent.poolId : undefined);
  const tgArg = tgArn !== undefined ? sh(tgArn) : userValue('TARGET_GROUP_ARN', 'ARN of the target group');
  switch (intent.kind) {
    case 'allow-flow':
      return ctx.policy?.kind === 'aws-nacl' ? naclFix(ctx.policy, intent.policyId, intent, ctx.slot) : securityGroupFix(intent.policyId, intent);
    case 'set-backend-keepalive':
      return { console: keepAliveSetting(intent.server, intent.seconds) };
    case 'set-request-timeout':
    case 'set-lb-idle-timeout':
      if (ctx.lb?.kind === 'aws-clb') {
        return {
          cli: `aws elb modify-load-balancer-attributes --load-balancer-name ${lbName(ctx.lb)} --load-balancer-attributes ${shJson({ ConnectionSettings: { IdleTimeout: intent.seconds } })}`,
          terraform: 'aws_elb.idle_timeout',
        };
      }
      return {
        cli: `aws elbv2 modify-load-balancer-attributes --load-balancer-arn ${lbArn(ctx.lb, intent.lbId)} --attributes Key=idle_timeout.timeout_seconds,Value=${intent.seconds}`,
        terraform: 'aws_lb.idle_timeout',
      };
    case 'set-flow-idle-timeout':
      return {
        cli: `aws elbv2 modify-listener-attributes --listener-arn ${sh(intent.listenerId)} --attributes Key=tcp.idle_timeout.seconds,Value=${intent.seconds}`,
        terraform: 'aws_lb_listener.tcp_idle_timeout_seconds',
      };
    case 'set-health-check':
      return family === 'classic' ? classicHealthCheck(ctx, intent.changes) : elbv2HealthCheck(tgArg, intent.changes);
    case 'enable-health-check':
      return { cli: `aws elbv2 modify-target-group --target-group-arn ${tgArg} --health-check-enabled`, terraform: 'aws_lb_target_group.health_check.enabled = true' };
    case 'set-drain':
      if (family === 'classic') {
        return {
          cli: `aws elb modify-load-balancer-attributes --load-balancer-name ${lbName(ctx.lb)} --load-balancer-attributes ${shJson({ ConnectionDraining: { Enabled: true, Timeout: intent.seconds } })}`,
          terraform: 'aws_elb.connection_draining_timeout',
        };
      }
      return {
        cli: `aws elbv2 modify-target-group-attributes --target-group-arn ${tgArg} --attributes Key=deregistration_delay.timeout_seconds,Value=${intent.seconds}`,
        terraform: 'aws_lb_target_group.deregistration_delay',
      };
    case 'register-targets':
      if (family === 'classic') {
        return {
          cli: `aws elb register-instances-with-load-balancer --load-balancer-name ${lbName(ctx.lb)} --instances ${userValue('INSTANCE_IDS', 'ids of the instances that serve this load balancer, space-separated', { list: true })}`,
          terraform: 'aws_elb.instances / aws_elb_attachment',
        };
      }
      return {
        cli: `aws elbv2 register-targets --target-group-arn ${tgArg} --targets Id=${userValue('TARGET_ID', 'instance id or IP address that serves this target group')}`,
        terraform: 'aws_lb_target_group_attachment, or the Auto Scaling group\'s target_group_arns',
      };
    case 'start-targets':
      return { cli: `aws ec2 start-instances --instance-ids ${intent.targetIds.map(sh).join(' ')}`, terraform: 'aws_ec2_instance_state.state = "running"' };
    case 'inspect-target-health':
      return family === 'classic'
        ? { cli: `aws elb describe-instance-health --load-balancer-name ${lbName(ctx.lb)}` }
        : { cli: `aws elbv2 describe-target-health --target-group-arn ${tgArg}` };
    case 'enable-zones':
      if (family === 'classic') {
        return {
          cli: `aws elb enable-availability-zones-for-load-balancer --load-balancer-name ${lbName(ctx.lb)} --availability-zones ${intent.zones.map(sh).join(' ')}`,
          terraform: 'aws_elb.availability_zones',
        };
      }
      return {
        cli: lines(
          `# the subnets the load balancer already has, and one in each of ${intent.zones.map(commentText).join(', ')}`,
          `aws elbv2 set-subnets --load-balancer-arn ${lbArn(ctx.lb, intent.lbId)} --subnets ${userValue('SUBNET_IDS', 'ids of its subnets and of one subnet in each new zone, space-separated', { list: true })}`,
        ),
        terraform: 'aws_lb.subnets / aws_lb.subnet_mapping',
      };
    case 'enable-cross-zone':
      if (family === 'classic') {
        return {
          cli: `aws elb modify-load-balancer-attributes --load-balancer-name ${lbName(ctx.lb)} --load-balancer-attributes ${shJson({ CrossZoneLoadBalancing: { Enabled: true } })}`,
          terraform: 'aws_elb.cross_zone_load_balancing = true',
        };
      }
      return {
        cli: `aws elbv2 modify-target-group-attributes --target-group-arn ${tgArg} --attributes Key=load_balancing.cross_zone.enabled,Value=true`,
        terraform: 'aws_lb_target_group.load_balancing_cross_zone_enabled = "true"',
      };
    case 'remove-pool':
      return { cli: `aws elbv2 delete-target-group --target-group-arn ${tgArg}`, terraform: 'remove the aws_lb_target_group resource' };
    case 'replace-listener-certificate':
      if (family === 'classic') {
        const port = ctx.lb?.listeners.find((l) => l.ref.id === intent.listenerId)?.port ?? 443;
        return {
          cli: `aws elb set-load-balancer-listener-ssl-certificate --load-balancer-name ${lbName(ctx.lb)} --load-balancer-port ${port} --ssl-certificate-id ${userValue('NEW_CERTIFICATE_ARN', 'ARN of the renewed certificate')}`,
          terraform: 'aws_elb.listener.ssl_certificate_id',
        };
      }
      return {
        cli: `aws elbv2 modify-listener --listener-arn ${sh(intent.listenerId)} --certificates CertificateArn=${userValue('NEW_CERTIFICATE_ARN', 'ARN of the renewed certificate')}`,
        terraform: 'aws_lb_listener.certificate_arn / aws_lb_listener_certificate',
      };
    case 'set-pool-protocol':
      return {
        cli: lines(
          '# a target group\'s protocol version cannot be changed: create a new one, register the targets and point the listener rule at it',
          `aws elbv2 describe-target-groups --target-group-arns ${tgArg}`,
        ),
        terraform: `aws_lb_target_group${intent.protocolVersion ? `.protocol_version = "${intent.protocolVersion}"` : '.protocol'} (forces a new target group)`,
      };
    case 'fix-backend-certificate':
      return { console: `The target's certificate: ${intent.problem}` };
    case 'fix-default-route':
      return undefined;
  }
}

export const awsFixes: FixRenderer = {
  provider: 'aws',
  supports,
  render,
  planRuleSlots(policy, intents) {
    return policy.kind === 'aws-nacl' ? planNaclSlots(policy, intents) : new Map();
  },
};
