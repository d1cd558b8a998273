import { defineCheck } from '../../src/engine/index.js';
import type { BackendPool, LoadBalancer, Target } from '../../src/model/index.js';

/** The pool attribute the Azure normalizer fills from the gateway VNet's `dhcpOptions.dnsServers`. */
const DNS_SERVERS = 'virtualNetwork.dhcpOptions.dnsServers';
/** Its value when the VNet sets no DNS servers. */
const AZURE_PROVIDED = 'AzureProvidedDNS';

function fqdnTargets(pool: BackendPool): Target[] {
  return (pool.targets ?? []).filter((t) => t.type === 'fqdn');
}

function listed(items: string[], max = 3): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** `the custom DNS servers 10.0.0.4, 10.0.0.5` or `Azure-provided DNS`. */
function resolverText(servers: string): string {
  return servers === AZURE_PROVIDED ? 'Azure-provided DNS' : `the custom DNS servers ${servers.split(',').join(', ')}`;
}

export const appgwCustomDnsResolution = defineCheck({
  id: 'network/appgw-custom-dns-resolution',
  title: 'Application Gateway backend FQDNs resolve through the DNS servers of the gateway\'s virtual network',
  family: 'network',
  severity: 'high',
  causes: [502],
  kinds: ['azure-appgw'],
  fixes: [],
  rationale:
    'An Application Gateway resolves the FQDNs of its backend pools with the DNS servers of its virtual network. When the ' +
    'network uses custom DNS servers, those servers must resolve the backends\' names (private zones included) and be ' +
    'reachable from the gateway subnet; otherwise backend health reports a DNS resolution failure, the backends are ' +
    'Unhealthy or Unknown, and clients get 502. Name resolution cannot be judged from the configuration alone: the ' +
    'backend-health answer is the evidence, and without it the check stays undecided.',
  remediation: {
    summary:
      'Make the VNet\'s DNS servers resolve the backend FQDNs (conditional forwarders to 168.63.129.16 for Azure private DNS zones, ' +
      'or the zone records), allow the gateway subnet to reach them on 53/udp and 53/tcp, then restart the gateway so it picks up ' +
      'the DNS settings; or put IP addresses in the backend pool.',
  },
  docs: [
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-troubleshooting-502#problems-with-custom-dns',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting',
  ],
  thresholds: {},
  messages: {
    unresolved:
      'Backend health of {{pool}} on {{lb}} reports that {{fqdns}} could not be resolved with {{resolver}}: the backends are out of rotation and clients get 502.',
  },
  evaluate(inv, ctx) {
    for (const pool of inv.backendPools) {
      const lbs: LoadBalancer[] = ctx.index.loadBalancersOf(pool).filter((lb) => lb.kind === 'azure-appgw');
      for (const lb of lbs) judge(pool, lb);
    }

    function judge(pool: BackendPool, lb: LoadBalancer): void {
      const where = { ref: pool.ref, loadBalancer: lb };
      const opts = { discriminator: lb.ref.id };
      if (pool.targets === undefined) {
        ctx.unknown(where, 'the members of the backend pool were not collected (Microsoft.Network/applicationGateways/read).', opts);
        return;
      }
      const fqdns = fqdnTargets(pool);
      if (fqdns.length === 0) {
        ctx.notApplicable(where, 'the backend pool names its members by address or NIC, not by FQDN: nothing to resolve.', opts);
        return;
      }
      const servers = pool.attributes[DNS_SERVERS];
      const failing = fqdns.filter((t) => t.health.cause === 'dns-failure');
      if (failing.length > 0) {
        const names = failing.map((t) => t.id);
        ctx.fail(
          where,
          'unresolved',
          { pool: pool.ref.name, lb: lb.ref.name, fqdns: listed(names), resolver: servers ? resolverText(servers) : "the virtual network's DNS servers" },
          {
            ...opts,
            evidence: {
              path: 'backendPool.targets[].health',
              observed: failing.map((t) => ({ fqdn: t.id, health: t.health.state, reason: t.health.description ?? t.health.reason ?? 'dns-failure' })),
              expected: 'every backend FQDN resolves',
              source: 'api',
              details: { dnsServers: servers ?? 'not collected' },
            },
          },
        );
        return;
      }
      // Health not collected, or Azure's own `Unknown` (which a DNS server the gateway cannot reach also causes).
      const undetermined = fqdns.filter((t) => t.health.state === 'unknown');
      if (undetermined.length > 0) {
        const resolver = servers === undefined ? "the virtual network's DNS servers (not collected)" : resolverText(servers);
        const why = undetermined.every((t) => t.health.cause === 'health-unknown')
          ? 'backend health reports them Unknown'
          : 'backend health was not collected for them (Microsoft.Network/applicationGateways/backendhealth/action)';
        ctx.unknown(where, `whether ${resolver} resolve ${listed(undetermined.map((t) => t.id))} is not known: ${why}.`, opts);
        return;
      }
      if (servers === undefined) {
        ctx.pass(where, { ...opts, message: `${pool.ref.name}: backend health reports no DNS resolution failure for ${listed(fqdns.map((t) => t.id))}.` });
        return;
      }
      ctx.pass(where, { ...opts, message: `${pool.ref.name}: ${listed(fqdns.map((t) => t.id))} resolve with ${resolverText(servers)} (backend health reports no DNS failure).` });
    }
  },
});
