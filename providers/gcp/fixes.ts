/**
 * Fix intents → gcloud commands and Terraform `google_*` attributes for Google Cloud load balancers. Resources are
 * addressed by the parts of their relative names (`projects/p/regions/r/backendServices/b` → `b --region=r
 * --project=p`), and every interpolated value goes through `sh()`.
 */
import { createHash } from 'node:crypto';
import type { AllowFlowIntent, FixContext, FixIntent, FixIntentKind, FixRenderer, RenderedFix, RuleSlot } from '../../src/engine/fix.js';
import { commentText, sh as q, userValue } from '../../src/engine/shell.js';
import type { LoadBalancerKind, NetworkPolicy, Peer, Target } from '../../src/model/index.js';
import { keepAliveSetting } from '../../src/model/index.js';
import { lastSegment, parseLink } from './links.js';
import { LEVEL_OFFSET } from './normalize/firewalls.js';

const GCP_KINDS: ReadonlySet<LoadBalancerKind> = new Set([
  'gcp-alb-global',
  'gcp-alb-classic',
  'gcp-alb-regional',
  'gcp-alb-internal',
  'gcp-proxy-nlb',
  'gcp-nlb-passthrough',
]);
const L7: ReadonlySet<LoadBalancerKind> = new Set(['gcp-alb-global', 'gcp-alb-classic', 'gcp-alb-regional', 'gcp-alb-internal']);

/** Which intents make sense per kind: the keep-alive toward backends is fixed, and zones are not an LB setting. */
function supported(intent: FixIntentKind, kind: LoadBalancerKind): boolean {
  if (!GCP_KINDS.has(kind)) return false;
  switch (intent) {
    case 'allow-flow':
    case 'set-health-check':
    case 'enable-health-check':
    case 'register-targets':
    case 'start-targets':
    case 'inspect-target-health':
    case 'remove-pool':
    case 'set-drain':
    case 'set-pool-protocol':
    case 'set-backend-keepalive':
    case 'replace-listener-certificate':
    case 'enable-zones':
      return true;
    case 'fix-backend-certificate':
      return true;
    case 'set-request-timeout':
      return L7.has(kind);
    default:
      return false;
  }
}

/** `--global`, or `--region=R` for regional resources; `--project=P` always. */
function scopeFlags(id: string): { name: string; flags: string; regional: boolean; project: string } {
  const link = parseLink(id);
  if (!link) return { name: q(lastSegment(id) || id), flags: '--global', regional: false, project: '' };
  const where = link.scope === 'regions' ? `--region=${q(link.location)}` : link.scope === 'zones' ? `--zone=${q(link.location)}` : '--global';
  return { name: q(link.name), flags: `${where} --project=${q(link.project)}`, regional: link.scope === 'regions', project: link.project };
}

function serviceTf(id: string): string {
  return parseLink(id)?.scope === 'regions' ? 'google_compute_region_backend_service' : 'google_compute_backend_service';
}

/**
 * A VPC firewall rule name, unique per project: the purpose and port say what it is for, and a short digest of
 * everything the rule states (network, direction, ports, ranges, the VMs it selects) keeps two different rules of one
 * port apart, while one flow seen by several findings keeps one name (pasting it twice makes one rule).
 */
function ruleName(intent: AllowFlowIntent, network: string, ranges: readonly string[], selects: string | undefined): string {
  const what = JSON.stringify([network, intent.direction, intent.protocol, intent.ports.from, intent.ports.to, ranges, selects ?? null]);
  const digest = createHash('sha256').update(what).digest('hex').slice(0, 6);
  return `cloud502-allow-${intent.purpose === 'health-check' ? 'health-checks' : 'lb-traffic'}-${intent.ports.from}-${digest}`;
}

/** The VMs a new allow rule is for: the blocked targets the finding names, else every target of the pool. */
function aimedTargets(intent: Extract<FixIntent, { kind: 'allow-flow' }>, ctx: FixContext): Target[] {
  const pool = intent.targetPoolId ? ctx.index.pool(intent.targetPoolId) : ctx.pool;
  const targets = pool?.targets ?? [];
  const wanted = intent.targetIds ? new Set(intent.targetIds) : undefined;
  const chosen = wanted ? targets.filter((t) => wanted.has(t.id)) : targets;
  return chosen.length > 0 ? chosen : targets;
}

function shared(lists: Array<string[] | undefined>): string[] {
  if (lists.length === 0 || lists.some((l) => !l || l.length === 0)) return [];
  const [first, ...rest] = lists as string[][];
  return [...new Set(first)].filter((v) => rest.every((l) => l.includes(v)));
}

/**
 * What the rule selects, narrowest first: a network tag every aimed VM carries, else a service account they all run
 * as (a firewall rule takes one or the other, never both). Undefined when they share neither: the rule would then
 * apply to every VM in the network, and the fix says so.
 */
interface RuleTarget {
  flag: '--target-tags' | '--target-service-accounts';
  values: string[];
  words: string;
}

function ruleTarget(targets: Target[]): RuleTarget | undefined {
  const tags = shared(targets.map((t) => t.networkTags));
  // The comment line names no value: it is not quoted, and tags and accounts come from the cloud.
  if (tags.length > 0) return { flag: '--target-tags', values: tags, words: `the pool's VMs only (by ${tags.length === 1 ? 'the network tag' : 'the network tags'} they all carry)` };
  const accounts = shared(targets.map((t) => t.serviceAccounts));
  if (accounts.length > 0) return { flag: '--target-service-accounts', values: accounts, words: "the pool's VMs only (by the service account they all run as)" };
  return undefined;
}

function cidrsOf(peers: Peer[]): string[] {
  return peers.flatMap((p) => (p.type === 'cidr' ? [p.cidr] : p.type === 'any' ? ['0.0.0.0/0'] : []));
}

/** A firewall policy (hierarchical or network), whose rules need priorities unique within the policy. */
function isFirewallPolicy(policyId: string): boolean {
  return parseLink(policyId)?.collection === 'firewallPolicies' || policyId.startsWith('locations/global/firewallPolicies/');
}

/**
 * Priorities for the allow rules every fix adds to one firewall policy, each the highest one free below the rule that
 * denies (priorities are unique within a policy, whatever the direction). VPC firewall rules may share a priority, so
 * the fixes into them are left as rendered.
 */
export function planFirewallPolicySlots(policy: NetworkPolicy, intents: readonly AllowFlowIntent[]): Map<AllowFlowIntent, RuleSlot> {
  const out = new Map<AllowFlowIntent, RuleSlot>();
  if (!isFirewallPolicy(policy.ref.id)) return out;
  const taken = new Set(policy.rules.flatMap((r) => (r.priority !== undefined ? [r.priority % LEVEL_OFFSET] : [])));
  for (const intent of intents) {
    if (intent.beforePriority === undefined) continue;
    let free: number | undefined;
    for (let p = (intent.beforePriority % LEVEL_OFFSET) - 1; p >= 0 && free === undefined; p--) if (!taken.has(p)) free = p;
    if (free !== undefined) taken.add(free);
    out.set(intent, { priorities: free !== undefined ? [free] : [], moves: [] });
  }
  return out;
}

function allowFlow(intent: Extract<FixIntent, { kind: 'allow-flow' }>, ctx: FixContext): RenderedFix {
  const ports = intent.ports.from === intent.ports.to ? `${intent.ports.from}` : `${intent.ports.from}-${intent.ports.to}`;
  const ranges = cidrsOf(intent.peers);
  const ingress = intent.direction === 'ingress';
  // The evaluator sees priorities shifted by firewall level (normalize/firewalls.ts); the rule itself has the remainder.
  const local = intent.beforePriority !== undefined ? intent.beforePriority % LEVEL_OFFSET : undefined;
  const before = local !== undefined ? Math.max(0, local - 1) : undefined;
  const priority = before !== undefined ? ` --priority=${q(before)}` : '';
  const policy = parseLink(intent.policyId);
  const isPolicy = isFirewallPolicy(intent.policyId);
  // Only an explicit deny in a firewall policy needs an allow in that policy; when nothing matched (the implied
  // deny, no beforePriority), a VPC firewall rule in the VMs' network is the usual fix.
  if (isPolicy && intent.beforePriority !== undefined) {
    // The deciding rule is in a firewall policy: a VPC rule cannot override it; add the allow to that policy.
    const hierarchical = intent.policyId.startsWith('locations/');
    const name = lastSegment(intent.policyId);
    const cmd = hierarchical ? 'gcloud compute firewall-policies rules create' : 'gcloud compute network-firewall-policies rules create';
    const where = hierarchical ? '' : ` --global-firewall-policy --project=${q(policy?.project ?? '')}`;
    const src = ranges.length ? ` --${ingress ? 'src' : 'dest'}-ip-ranges=${q(ranges.join(','))}` : '';
    // Planned with every other fix into this policy when there are findings to reconcile; on its own otherwise.
    const slot = ctx.slot ?? (ctx.policy ? planFirewallPolicySlots(ctx.policy, [intent]).get(intent) : undefined);
    const at = slot ? slot.priorities[0] : before;
    if (at === undefined) {
      return { cli: `# ${intent.purpose}: no priority is free below the rule that denies ${intent.protocol}/${ports} in firewall policy ${commentText(name)}: free one, then add the allow rule there` };
    }
    return {
      cli: `# ${intent.purpose}: allow ${intent.protocol}/${ports} in firewall policy ${commentText(name)}, at a priority before the rule that denies it\n${cmd} ${q(at)} --firewall-policy=${q(name)}${where} --direction=${ingress ? 'INGRESS' : 'EGRESS'} --action=allow --layer4-configs=${q(`${intent.protocol}:${ports}`)}${src}`,
      terraform: hierarchical ? 'google_compute_firewall_policy_rule (action "allow", match.src_ip_ranges, match.layer4_configs)' : 'google_compute_network_firewall_policy_rule (action "allow", match.src_ip_ranges, match.layer4_configs)',
    };
  }
  // VPC firewall rules: the policy id is `<network>/firewalls`; a firewall policy names its network on the model.
  const networkId = isPolicy ? (ctx.index.policy(intent.policyId)?.networkId ?? ctx.pool?.networkId ?? '') : intent.policyId.replace(/\/firewalls$/, '');
  const network = parseLink(networkId);
  const aimed = aimedTargets(intent, ctx);
  const selects = ruleTarget(aimed);
  const target = selects ? ` ${selects.flag}=${q(selects.values.join(','))}` : '';
  const src = ranges.length ? ` --${ingress ? 'source' : 'destination'}-ranges=${q(ranges.join(','))}` : '';
  const name = ruleName(intent, networkId, ranges, selects ? `${selects.flag}=${selects.values.join(',')}` : undefined);
  const networkName = network?.name ?? '';
  // Without a tag or service account in common, the rule reaches every VM of the network: say so, and how to narrow it.
  // No names in the comment: a value from the cloud must never reach a line the shell reads unquoted.
  const broad = selects
    ? ''
    : `# ${aimed.length === 1 ? 'the target has' : 'the targets share'} no network tag or service account: this rule applies to every VM ` +
      'in the network; narrow it by tagging them (gcloud compute instances add-tags) and adding --target-tags\n';
  return {
    cli:
      `# ${intent.purpose}: allow ${intent.protocol}/${ports} ${ingress ? 'from' : 'to'} ${ranges.join(', ') || 'the peers'}${selects ? ` to ${selects.words}` : ''}\n` +
      broad +
      `gcloud compute firewall-rules create ${q(name)} --project=${q(network?.project ?? '')} --network=${q(networkName)} --direction=${ingress ? 'INGRESS' : 'EGRESS'} --action=ALLOW --rules=${q(`${intent.protocol}:${ports}`)}${src}${target}${priority}`,
    terraform: `google_compute_firewall (direction "${ingress ? 'INGRESS' : 'EGRESS'}", allow { protocol = "${intent.protocol}", ports = ["${ports}"] }, ${ingress ? 'source_ranges' : 'destination_ranges'}, ${selects?.flag === '--target-service-accounts' ? 'target_service_accounts' : 'target_tags'})`,
  };
}

function healthCheckType(ctx: FixContext): string {
  const p = ctx.pool?.healthCheck?.protocol;
  return p ? p.toLowerCase() : 'http';
}

function render(intent: FixIntent, ctx: FixContext): RenderedFix | undefined {
  switch (intent.kind) {
    case 'allow-flow':
      return allowFlow(intent, ctx);
    case 'set-request-timeout': {
      const s = scopeFlags(intent.poolId);
      return {
        cli: `gcloud compute backend-services update ${s.name} ${s.flags} --timeout=${q(intent.seconds)}`,
        terraform: `${serviceTf(intent.poolId)}.timeout_sec`,
      };
    }
    case 'set-drain': {
      const s = scopeFlags(intent.poolId);
      return {
        cli: `gcloud compute backend-services update ${s.name} ${s.flags} --connection-draining-timeout=${q(intent.seconds)}`,
        terraform: `${serviceTf(intent.poolId)}.connection_draining_timeout_sec`,
      };
    }
    case 'set-health-check': {
      const hcId = ctx.pool?.healthCheck?.ref?.id;
      if (!hcId) return { console: 'Attach a health check to the backend service, then tune it (gcloud compute health-checks update).' };
      const s = scopeFlags(hcId);
      const c = intent.changes;
      const flags = [
        c.intervalSeconds !== undefined ? `--check-interval=${q(`${c.intervalSeconds}s`)}` : '',
        c.timeoutSeconds !== undefined ? `--timeout=${q(`${c.timeoutSeconds}s`)}` : '',
        c.healthyThreshold !== undefined ? `--healthy-threshold=${q(c.healthyThreshold)}` : '',
        c.unhealthyThreshold !== undefined ? `--unhealthy-threshold=${q(c.unhealthyThreshold)}` : '',
        c.path !== undefined ? `--request-path=${q(c.path)}` : '',
        c.host !== undefined ? `--host=${q(c.host)}` : '',
        c.useTrafficPort ? '--use-serving-port' : c.port !== undefined ? `--port=${q(c.port)}` : '',
      ].filter(Boolean);
      const regional = parseLink(hcId)?.scope === 'regions';
      return {
        cli: `gcloud compute health-checks update ${healthCheckType(ctx)} ${s.name} ${s.flags}${flags.length ? ` ${flags.join(' ')}` : ''}`,
        terraform: `${regional ? 'google_compute_region_health_check' : 'google_compute_health_check'} (check_interval_sec, timeout_sec, healthy_threshold, unhealthy_threshold, ${healthCheckType(ctx)}_health_check { port / port_specification, request_path })`,
      };
    }
    case 'enable-health-check': {
      const s = scopeFlags(intent.poolId);
      const hc = `${lastSegment(intent.poolId)}-hc`;
      const where = s.regional ? `--region=${q(parseLink(intent.poolId)?.location ?? '')}` : '--global';
      return {
        cli: `gcloud compute health-checks create http ${q(hc)} ${where} --project=${q(s.project)} --use-serving-port\ngcloud compute backend-services update ${s.name} ${s.flags} --health-checks=${q(hc)}${s.regional ? ` --health-checks-region=${q(parseLink(intent.poolId)?.location ?? '')}` : ''}`,
        terraform: `${serviceTf(intent.poolId)}.health_checks`,
      };
    }
    case 'inspect-target-health': {
      const s = scopeFlags(intent.poolId);
      return { cli: `gcloud compute backend-services get-health ${s.name} ${s.flags}` };
    }
    case 'register-targets': {
      const s = scopeFlags(intent.poolId);
      return {
        cli: `gcloud compute backend-services add-backend ${s.name} ${s.flags} --instance-group=${userValue('INSTANCE_GROUP', 'name of the instance group that serves this backend service')} --instance-group-zone=${userValue('ZONE', 'zone of that instance group')}`,
        terraform: `${serviceTf(intent.poolId)}.backend { group }`,
      };
    }
    case 'start-targets':
      return {
        cli: intent.targetIds
          .map((id) => {
            const s = scopeFlags(id);
            return `gcloud compute instances start ${s.name} ${s.flags}`;
          })
          .join('\n'),
        terraform: 'google_compute_instance.desired_status = "RUNNING"',
      };
    case 'remove-pool': {
      const s = scopeFlags(intent.poolId);
      return { cli: `gcloud compute backend-services delete ${s.name} ${s.flags}`, terraform: `remove the ${serviceTf(intent.poolId)} resource` };
    }
    case 'set-pool-protocol': {
      const s = scopeFlags(intent.poolId);
      const protocol = intent.protocolVersion === 'HTTP2' ? 'HTTP2' : intent.protocolVersion === 'GRPC' ? 'GRPC' : (intent.protocol ?? 'HTTP');
      return { cli: `gcloud compute backend-services update ${s.name} ${s.flags} --protocol=${q(protocol)}`, terraform: `${serviceTf(intent.poolId)}.protocol` };
    }
    case 'replace-listener-certificate': {
      if (ctx.lb?.kind === 'gcp-nlb-passthrough') return { console: 'A passthrough Network Load Balancer terminates no TLS: replace the certificate on the backends themselves.' };
      const proxy = ctx.lb?.attributes.targetProxies?.split(',')[0];
      if (!proxy) return { console: 'Attach a valid certificate to the target proxy of the forwarding rule.' };
      const s = scopeFlags(proxy);
      const link = parseLink(proxy);
      const cmd = link?.collection === 'targetSslProxies' ? 'target-ssl-proxies' : 'target-https-proxies';
      return {
        cli: `gcloud compute ${cmd} update ${s.name} ${s.flags} --ssl-certificates=${userValue('NEW_CERTIFICATE', 'name of the renewed SSL certificate resource')}`,
        terraform: `google_compute_${link?.collection === 'targetSslProxies' ? 'target_ssl_proxy' : s.regional ? 'region_target_https_proxy' : 'target_https_proxy'}.ssl_certificates`,
      };
    }
    case 'fix-backend-certificate': {
      if (ctx.lb?.kind === 'gcp-nlb-passthrough') {
        return { console: `The load balancer passes TLS through to the backends, which present their certificate to clients directly: reissue it (${intent.problem}).` };
      }
      const s = scopeFlags(intent.poolId);
      return {
        cli: `gcloud compute backend-services describe ${s.name} ${s.flags} --format=${q('yaml(tlsSettings)')}`,
        terraform: `${serviceTf(intent.poolId)}.tls_settings (sni, subject_alt_names, authentication_config)`,
        console: `Reissue the backend certificate so it matches tlsSettings (${intent.problem}) and chains to the trust config, or change tlsSettings.`,
      };
    }
    case 'enable-zones':
      // Google load balancers have no zones to enable: capacity in a zone comes from a backend (group or NEG) there.
      return {
        console: `Add a backend in ${intent.zones.join(', ')} to the backend service (an instance group or NEG in that zone, or a regional managed instance group spanning zones).`,
        terraform: 'google_compute_backend_service.backend { group } / google_compute_region_instance_group_manager.distribution_policy_zones',
      };
    case 'set-backend-keepalive':
      if (ctx.lb && !L7.has(ctx.lb.kind)) return { console: `Layer-4 load balancers do not reuse idle backend connections. ${keepAliveSetting(intent.server, intent.seconds)}` };
      return {
        console: `The load balancer keeps idle backend connections a fixed 600 s: raise the backend's keep-alive above it. ${keepAliveSetting(intent.server, intent.seconds)}`,
      };
    default:
      return undefined;
  }
}

export const gcpFixes: FixRenderer = {
  provider: 'gcp',
  supports: supported,
  render(intent, ctx) {
    const kind = ctx.lb?.kind;
    if (kind && !supported(intent.kind, kind)) return undefined;
    return render(intent, ctx);
  },
  planRuleSlots: planFirewallPolicySlots,
};
