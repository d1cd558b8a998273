import { defineCheck } from '../../src/engine/index.js';

export const appgwDefaultRoute = defineCheck({
  id: 'network/appgw-default-route',
  title: 'Application Gateway subnets route 0.0.0.0/0 to the Internet',
  family: 'network',
  severity: 'high',
  causes: [502],
  kinds: ['azure-appgw'],
  fixes: ['fix-default-route'],
  rationale:
    'Application Gateway needs direct Internet egress for its management and health traffic. A user-defined route on its ' +
    'subnet that sends 0.0.0.0/0 to a virtual appliance, a virtual network gateway or nowhere diverts that traffic: backend ' +
    'health turns Unknown, probes fail and clients get 502 (the troubleshooting guide lists it as a cause of Unknown health). ' +
    'Default routes learned over BGP (ExpressRoute/VPN) are not in the route table and need the effective routes, which this ' +
    'check does not read.',
  remediation: {
    summary: 'Route 0.0.0.0/0 to the Internet on the gateway subnet (keep the appliance routes for the backend prefixes only), or remove the route.',
  },
  docs: [
    'https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure#supported-user-defined-routes',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting#backend-health-status-unknown',
  ],
  // Judges load balancers, listeners or subnets, never the pools they route to.
  judgesPools: false,
  thresholds: {},
  messages: {
    divertedDefaultRoute:
      'Route {{route}} of {{routeTable}} on the subnet of {{lb}} sends 0.0.0.0/0 to {{nextHop}} instead of the Internet: the gateway\'s management and health traffic is diverted, backend health turns Unknown and clients get 502.',
  },
  evaluate(inv, ctx) {
    for (const lb of inv.loadBalancers) {
      if (lb.kind !== 'azure-appgw') continue;
      if (lb.subnetIds.length === 0) {
        ctx.unknown(lb, 'the subnet of the gateway was not recorded (Microsoft.Network/applicationGateways/read).');
        continue;
      }
      let failed = false;
      let undecided: string | undefined;
      for (const subnetId of lb.subnetIds) {
        const subnet = ctx.index.subnet(subnetId);
        if (!subnet) {
          undecided = `subnet ${subnetId.split('/').pop() ?? subnetId} of the gateway was not collected (Microsoft.Network/virtualNetworks/read)`;
          continue;
        }
        if (subnet.routes === undefined) {
          undecided = `the routes of ${subnet.routeTableId?.split('/').pop() ?? 'the subnet route table'} were not collected (Microsoft.Network/routeTables/read)`;
          continue;
        }
        for (const route of subnet.routes) {
          if (route.addressPrefix.trim() !== '0.0.0.0/0' || route.nextHopType.toLowerCase() === 'internet') continue;
          failed = true;
          const tableId = subnet.routeTableId ?? '';
          const tableName = tableId.split('/').pop() ?? tableId;
          const nextHop = `${route.nextHopType}${route.nextHopAddress ? ` ${route.nextHopAddress}` : ''}`;
          const unknownHealth = ctx.index.poolsOf(lb).flatMap((p) => p.targets ?? []).filter((t) => t.health.cause === 'health-unknown').map((t) => t.key);
          ctx.fail(
            lb,
            'divertedDefaultRoute',
            {
              route: route.name,
              routeTable: tableName,
              lb: lb.ref.name,
              nextHop,
            },
            {
              discriminator: `${tableId}|${route.name}`,
              fix: { kind: 'fix-default-route', routeTableId: tableId, routeName: route.name },
              evidence: {
                path: `subnets[${subnet.id}].routes[${route.name}]`,
                observed: `0.0.0.0/0 → ${nextHop}`,
                expected: '0.0.0.0/0 → Internet (or no default route)',
                source: 'api',
                details: {
                  subnet: subnet.id,
                  routeTable: tableId,
                  ...(unknownHealth.length > 0 ? { backendsWithUnknownHealth: unknownHealth } : {}),
                },
              },
            },
          );
        }
      }
      if (failed) continue;
      if (undecided) ctx.unknown(lb, `${undecided}.`);
      else ctx.pass(lb);
    }
  },
});
