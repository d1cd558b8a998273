/**
 * Golden scenarios beyond the clean production subscription: a v1 gateway with the failures the Azure checks look
 * for, and a Reader-like partial collection. REST shape, changed from world.ts where noted.
 */
import type { AzureMetricQuery, AzureSubscriptionSnapshot } from '../../../../providers/azure/raw.js';
import { METRIC_PLANS } from '../../../../providers/azure/metrics-catalog.js';
import type { ArmResource, ArmWorld, Json, SubscriptionWorld } from './arm.js';
import { armId } from './arm.js';
import { answerMetrics } from './fake-arm.js';
import { IDS, LOCATION, NOW, SUB, lbChild, productionSubscription, vmssNicConfig } from './world.js';

const net = (rg: string, type: string, name: string, ...children: string[]) => armId(SUB, rg, `Microsoft.Network/${type}`, name, ...children);
const LEGACY = net('rg-legacy', 'applicationGateways', 'agw-legacy');
const lc = (type: string, name: string) => `${LEGACY}/${type}/${name}`;

export const LEGACY_IDS = {
  agw: LEGACY,
  subnet: net('rg-network', 'virtualNetworks', 'vnet-prod', 'subnets', 'snet-appgw-legacy'),
  nsg: net('rg-network', 'networkSecurityGroups', 'nsg-appgw-legacy'),
  routeTable: net('rg-network', 'routeTables', 'rt-legacy'),
  nic1: net('rg-legacy', 'networkInterfaces', 'nic-legacy-1'),
  nic2: net('rg-legacy', 'networkInterfaces', 'nic-legacy-2'),
  vm1: armId(SUB, 'rg-legacy', 'Microsoft.Compute/virtualMachines', 'vm-legacy-1'),
  vm2: armId(SUB, 'rg-legacy', 'Microsoft.Compute/virtualMachines', 'vm-legacy-2'),
  asg: net('rg-legacy', 'applicationSecurityGroups', 'asg-legacy'),
};

const power = (state: string): Json => ({ statuses: [{ code: 'ProvisioningState/succeeded' }, { code: `PowerState/${state}` }] });

function legacyGateway(): ArmResource {
  return {
    id: LEGACY,
    name: 'agw-legacy',
    type: 'Microsoft.Network/applicationGateways',
    location: LOCATION,
    tags: { 'cloud502:keepalive': '5' },
    properties: {
      sku: { name: 'Standard_Medium', tier: 'Standard', capacity: 2 },
      operationalState: 'Running',
      gatewayIPConfigurations: [{ id: lc('gatewayIPConfigurations', 'gwip'), name: 'gwip', properties: { subnet: { id: LEGACY_IDS.subnet } } }],
      frontendIPConfigurations: [{ id: lc('frontendIPConfigurations', 'fe-private'), name: 'fe-private', properties: { privateIPAddress: '10.10.3.10', subnet: { id: LEGACY_IDS.subnet } } }],
      frontendPorts: [{ id: lc('frontendPorts', 'p80'), name: 'p80', properties: { port: 80 } }],
      backendAddressPools: [
        { id: lc('backendAddressPools', 'pool-empty'), name: 'pool-empty', properties: { backendAddresses: [] } },
        { id: lc('backendAddressPools', 'pool-fqdn'), name: 'pool-fqdn', properties: { backendAddresses: [{ fqdn: 'app.contoso.com' }] } },
        { id: lc('backendAddressPools', 'pool-vms'), name: 'pool-vms', properties: { backendIPConfigurations: [{ id: `${LEGACY_IDS.nic1}/ipConfigurations/ipconfig1` }, { id: `${LEGACY_IDS.nic2}/ipConfigurations/ipconfig1` }] } },
        { id: lc('backendAddressPools', 'pool-orphan'), name: 'pool-orphan', properties: { backendAddresses: [{ ipAddress: '10.10.4.9' }] } },
      ],
      backendHttpSettingsCollection: [
        { id: lc('backendHttpSettingsCollection', 'settings-default'), name: 'settings-default', properties: { port: 80, protocol: 'Http' } },
        {
          id: lc('backendHttpSettingsCollection', 'settings-https'),
          name: 'settings-https',
          properties: { port: 443, protocol: 'Https', requestTimeout: 5, probe: { id: lc('probes', 'probe-nohost') }, authenticationCertificates: [{ id: lc('authenticationCertificates', 'backend-cer') }] },
        },
        { id: lc('backendHttpSettingsCollection', 'settings-dangling'), name: 'settings-dangling', properties: { port: 8080, protocol: 'Http', probe: { id: lc('probes', 'deleted-probe') } } },
      ],
      probes: [{ id: lc('probes', 'probe-nohost'), name: 'probe-nohost', properties: { protocol: 'Https', path: '/', interval: 5, timeout: 1, unhealthyThreshold: 1, match: { statusCodes: ['200', '301-302'] } } }],
      httpListeners: [{ id: lc('httpListeners', 'l80'), name: 'l80', properties: { frontendIPConfiguration: { id: lc('frontendIPConfigurations', 'fe-private') }, frontendPort: { id: lc('frontendPorts', 'p80') }, protocol: 'Http' } }],
      urlPathMaps: [
        {
          id: lc('urlPathMaps', 'map'),
          name: 'map',
          properties: {
            defaultBackendAddressPool: { id: lc('backendAddressPools', 'pool-vms') },
            defaultBackendHttpSettings: { id: lc('backendHttpSettingsCollection', 'settings-https') },
            pathRules: [
              { id: lc('urlPathMaps', 'map/pathRules/static'), name: 'static', properties: { paths: ['/static/*'], backendAddressPool: { id: lc('backendaddresspools', 'pool-fqdn') }, backendHttpSettings: { id: lc('backendHttpSettingsCollection', 'settings-default') } } },
              { id: lc('urlPathMaps', 'map/pathRules/old'), name: 'old', properties: { paths: ['/old/*'], backendAddressPool: { id: lc('backendAddressPools', 'pool-empty') }, backendHttpSettings: { id: lc('backendHttpSettingsCollection', 'settings-default') } } },
              { id: lc('urlPathMaps', 'map/pathRules/dangling'), name: 'dangling', properties: { paths: ['/x/*'], backendAddressPool: { id: lc('backendAddressPools', 'pool-vms') }, backendHttpSettings: { id: lc('backendHttpSettingsCollection', 'settings-dangling') } } },
            ],
          },
        },
      ],
      requestRoutingRules: [{ id: lc('requestRoutingRules', 'r1'), name: 'r1', properties: { ruleType: 'PathBasedRouting', priority: 10, httpListener: { id: lc('httpListeners', 'l80') }, urlPathMap: { id: lc('urlPathMaps', 'map') } } }],
    },
  };
}

/** The production subscription plus the legacy v1 gateway with planted failures, and a load balancer rule without TCP reset. */
export function brokenSubscription(): SubscriptionWorld {
  const sub = productionSubscription();
  const vnet = sub.virtualNetworks[0]!;
  (vnet.properties!.subnets as Json[]).push({
    id: LEGACY_IDS.subnet,
    name: 'snet-appgw-legacy',
    properties: { addressPrefix: '10.10.3.0/24', networkSecurityGroup: { id: LEGACY_IDS.nsg }, routeTable: { id: LEGACY_IDS.routeTable } },
  });
  sub.routeTables.push({
    id: LEGACY_IDS.routeTable,
    name: 'rt-legacy',
    location: LOCATION,
    properties: { routes: [{ id: `${LEGACY_IDS.routeTable}/routes/default-to-firewall`, name: 'default-to-firewall', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: '10.10.9.4' } }] },
  });
  sub.networkSecurityGroups.push({
    id: LEGACY_IDS.nsg,
    name: 'nsg-appgw-legacy',
    location: LOCATION,
    properties: {
      securityRules: [
        { name: 'AllowHttpVnet', properties: { priority: 100, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceAddressPrefixes: ['10.0.0.0/8', '192.168.0.0/16'], sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRanges: ['80', '8080-8090', 'bogus'] } },
        { name: 'AllowAsg', properties: { priority: 200, direction: 'Inbound', access: 'Allow', protocol: 'Tcp', sourceApplicationSecurityGroups: [{ id: LEGACY_IDS.asg }], sourcePortRange: '*', destinationAddressPrefix: '10.10.3.0/24', destinationPortRange: '443' } },
        { name: 'DenyInternetOut', properties: { priority: 300, direction: 'Outbound', access: 'Deny', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: 'Internet', destinationPortRange: '*' } },
        { name: 'DenyAll', properties: { priority: 4000, direction: 'Inbound', access: 'Deny', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '*' } },
      ],
      defaultSecurityRules: [
        { name: 'AllowVnetInBound', properties: { priority: 65000, direction: 'Inbound', access: 'Allow', protocol: '*', sourceAddressPrefix: 'VirtualNetwork', sourcePortRange: '*', destinationAddressPrefix: 'VirtualNetwork', destinationPortRange: '*' } },
        { name: 'DenyAllInBound', properties: { priority: 65500, direction: 'Inbound', access: 'Deny', protocol: '*', sourceAddressPrefix: '*', sourcePortRange: '*', destinationAddressPrefix: '*', destinationPortRange: '*' } },
      ],
      subnets: [{ id: LEGACY_IDS.subnet }],
    },
  });
  const nic = (id: string, address: string, vm: string, tags?: Record<string, string>): ArmResource => ({
    id,
    name: id.split('/').pop() as string,
    location: LOCATION,
    ...(tags ? { tags } : {}),
    properties: {
      virtualMachine: { id: vm },
      ipConfigurations: [{ id: `${id}/ipConfigurations/ipconfig1`, name: 'ipconfig1', properties: { privateIPAddress: address, subnet: { id: IDS.snetWeb }, applicationSecurityGroups: [{ id: LEGACY_IDS.asg }] } }],
    },
  });
  sub.networkInterfaces.push(nic(LEGACY_IDS.nic1, '10.10.1.20', LEGACY_IDS.vm1, { 'cloud502:server': 'gunicorn' }), nic(LEGACY_IDS.nic2, '10.10.1.21', LEGACY_IDS.vm2, { 'cloud502:keepalive': 'soon' }));
  sub.virtualMachines.push(
    { id: LEGACY_IDS.vm1, name: 'vm-legacy-1', location: LOCATION, tags: { 'cloud502:server': 'nginx', 'cloud502:keepalive': '75' }, properties: {} },
    { id: LEGACY_IDS.vm2, name: 'vm-legacy-2', location: LOCATION, properties: {} },
  );
  sub.vmInstanceViews[LEGACY_IDS.vm1] = power('running');
  sub.vmInstanceViews[LEGACY_IDS.vm2] = power('deallocated');
  sub.applicationGateways.push(legacyGateway());
  sub.backendHealth[LEGACY] = {
    backendAddressPools: [
      {
        backendAddressPool: { id: lc('backendaddressPools', 'pool-vms') },
        backendHttpSettingsCollection: [
          {
            backendHttpSettings: { id: lc('backendHttpSettingsCollection', 'settings-https') },
            servers: [
              { address: '10.10.1.20', health: 'Down', healthProbeLog: "Time taken by the backend to respond to application gateway's health probe is more than the timeout threshold in the probe setting." },
              { address: '10.10.1.21', health: 'Down', healthProbeLog: 'Application Gateway could not connect to the backend. Check that the backend responds on the port used for the probe.' },
            ],
          },
        ],
      },
      {
        backendAddressPool: { id: lc('backendAddressPools', 'pool-fqdn') },
        backendHttpSettingsCollection: [
          {
            backendHttpSettings: { id: lc('backendHttpSettingsCollection', 'settings-default') },
            servers: [
              { address: 'app.contoso.com', health: 'Unknown', healthProbeLog: 'The backend health status could not be retrieved. This happens when an NSG/UDR/Firewall on the application gateway subnet is blocking traffic on ports 65503-65534 in case of v1 SKU.' },
              { address: '10.10.4.7', health: 'Down', healthProbeLog: 'Status code of the backend\'s HTTP response did not match the probe setting. Expected:200-399 Received:404.' },
            ],
          },
        ],
      },
      { backendAddressPool: { id: lc('backendAddressPools', 'pool-empty') }, backendHttpSettingsCollection: [{ backendHttpSettings: { id: lc('backendHttpSettingsCollection', 'settings-default') }, servers: [] }] },
    ],
  };
  // The load balancer: TCP reset off and a 30 min idle timeout; a second rule without a probe; an IP-based pool.
  const lb = sub.loadBalancers[0]!;
  const rules = (lb.properties!.loadBalancingRules as Json[]);
  (rules[0]!.properties as Json).enableTcpReset = false;
  (rules[0]!.properties as Json).idleTimeoutInMinutes = 30;
  (lb.properties!.backendAddressPools as Json[]).push({ id: lbChild('backendAddressPools', 'pool-ip'), name: 'pool-ip', properties: { loadBalancerBackendAddresses: [{ name: 'a1', properties: { ipAddress: '10.10.2.50', virtualNetwork: { id: IDS.vnet } } }] } });
  rules.push({
    id: lbChild('loadBalancingRules', 'rule-noprobe'),
    name: 'rule-noprobe',
    properties: { frontendIPConfiguration: { id: lbChild('frontendIPConfigurations', 'fe-internal') }, backendAddressPool: { id: lbChild('backendAddressPools', 'pool-ip') }, protocol: 'Udp', frontendPort: 514, backendPort: 514 },
  });
  (lb.properties!.probes as Json[])[0]!.properties = { protocol: 'Tcp', port: 8080, numberOfProbes: 2, noHealthyBackendsBehavior: 'AllProbedUp' };
  sub.ruleHealth[lbChild('loadBalancingRules', 'rule-api')] = {
    up: 1,
    down: 1,
    loadBalancerBackendAddresses: [
      { ipAddress: '10.10.2.4', networkInterfaceIPConfigurationId: vmssNicConfig(0), state: 'Up' },
      { ipAddress: '10.10.2.5', networkInterfaceIPConfigurationId: vmssNicConfig(1), state: 'Down', reason: 'Probe timed out' },
    ],
  };
  return sub;
}

/** The metric queries collect issues for a subscription (one per resource and plan). */
export function metricQueries(sub: SubscriptionWorld, intervalSeconds = 300): AzureMetricQuery[] {
  const out: AzureMetricQuery[] = [];
  const add = (resourceId: string, kind: 'azure-appgw' | 'azure-lb') => {
    for (const plan of METRIC_PLANS.filter((p) => p.kind === kind)) {
      out.push({ id: `q${out.length}`, resourceId, metricNames: plan.metricNames, aggregations: plan.aggregations, ...(plan.filter ? { filter: plan.filter } : {}), intervalSeconds });
    }
  };
  for (const g of sub.applicationGateways) add(g.id, 'azure-appgw');
  for (const l of sub.loadBalancers) add(l.id, 'azure-lb');
  return out;
}

/** Answers a query from the world's metric specs, as the fake server does. */
export function answerFromWorld(sub: SubscriptionWorld, q: AzureMetricQuery): Json | undefined {
  const specs = Object.entries(sub.metrics).find(([id]) => id.toLowerCase() === q.resourceId.toLowerCase())?.[1] ?? [];
  const answer = answerMetrics(specs, q.metricNames, q.filter ?? null, `${WINDOW.start}/${WINDOW.end}`, 'PT5M');
  if (answer.status !== 200) throw new Error(`metrics fixture refused ${q.metricNames.join(',')}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export const WINDOW = { start: new Date(Date.parse(NOW) - 3600_000).toISOString(), end: NOW };

/** Errors a Reader with no backend-health action and a failed NSG listing would leave. */
export function readerErrors(): Record<string, AzureSubscriptionSnapshot['errors']> {
  return {
    [SUB]: [
      {
        api: 'ApplicationGateways_BackendHealth',
        subscriptionId: SUB,
        code: 'AuthorizationFailed',
        message: "The client 'reader' does not have authorization to perform action 'Microsoft.Network/applicationGateways/backendhealth/action'",
        permission: 'Microsoft.Network/applicationGateways/backendhealth/action',
        resourceId: IDS.agw,
        httpStatus: 403,
      },
      { api: 'LoadBalancerLoadBalancingRules_Health', subscriptionId: SUB, code: 'AuthorizationFailed', message: 'the listing was answered with HTTP 403', permission: 'Microsoft.Network/loadBalancers/loadBalancingRules/health/action', resourceId: lbChild('loadBalancingRules', 'rule-api'), httpStatus: 403 },
      { api: 'NetworkSecurityGroups_ListAll', subscriptionId: SUB, code: 'AuthorizationFailed', message: 'the listing was answered with HTTP 403', permission: 'Microsoft.Network/networkSecurityGroups/read', httpStatus: 403 },
      { api: 'Metrics_List', subscriptionId: SUB, code: 'ResourceNotFound', message: 'metrics unavailable', resourceId: IDS.lb, httpStatus: 404 },
    ],
  };
}

export function worldOf(...subs: SubscriptionWorld[]): ArmWorld {
  return { subscriptions: subs };
}
