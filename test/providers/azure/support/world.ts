/**
 * A small production-like subscription in REST shape, modelled on the REST reference examples
 * (ApplicationGatewayGet, LoadBalancerGet, NetworkSecurityGroupGet, ApplicationGatewayBackendHealthGet): one v2
 * Application Gateway in front of two VMs and a scale set, one internal Standard Load Balancer, their NSGs, subnets
 * and route table. Wire, end-to-end and golden tests share it; each test states what it changes.
 */
import type { ArmResource, ArmWorld, Json, MetricSpec, SubscriptionWorld } from './arm.js';
import { armId, emptySubscriptionWorld } from './arm.js';

export const SUB = '11111111-1111-1111-1111-111111111111';
export const SUB2 = '33333333-3333-3333-3333-333333333333';
export const LOCATION = 'westeurope';
export const NOW = '2026-11-20T12:00:00.000Z';

const net = (rg: string, type: string, name: string, ...children: string[]) => armId(SUB, rg, `Microsoft.Network/${type}`, name, ...children);
const compute = (rg: string, type: string, name: string, ...children: string[]) => armId(SUB, rg, `Microsoft.Compute/${type}`, name, ...children);

export const IDS = {
  vnet: net('rg-network', 'virtualNetworks', 'vnet-prod'),
  snetAppgw: net('rg-network', 'virtualNetworks', 'vnet-prod', 'subnets', 'snet-appgw'),
  snetWeb: net('rg-network', 'virtualNetworks', 'vnet-prod', 'subnets', 'snet-web'),
  snetApi: net('rg-network', 'virtualNetworks', 'vnet-prod', 'subnets', 'snet-api'),
  nsgAppgw: net('rg-network', 'networkSecurityGroups', 'nsg-appgw'),
  nsgWeb: net('rg-network', 'networkSecurityGroups', 'nsg-web'),
  nsgApi: net('rg-network', 'networkSecurityGroups', 'nsg-api'),
  rtAppgw: net('rg-network', 'routeTables', 'rt-appgw'),
  pipAgw: net('rg-web', 'publicIPAddresses', 'pip-agw-web'),
  agw: net('rg-web', 'applicationGateways', 'agw-web'),
  lb: net('rg-api', 'loadBalancers', 'lb-api'),
  vmWeb1: compute('rg-web', 'virtualMachines', 'vm-web-1'),
  vmWeb2: compute('rg-web', 'virtualMachines', 'vm-web-2'),
  nicWeb1: net('rg-web', 'networkInterfaces', 'nic-web-1'),
  nicWeb2: net('rg-web', 'networkInterfaces', 'nic-web-2'),
  vmss: compute('rg-api', 'virtualMachineScaleSets', 'vmss-api'),
};

export const agwChild = (type: string, name: string): string => `${IDS.agw}/${type}/${name}`;
export const lbChild = (type: string, name: string): string => `${IDS.lb}/${type}/${name}`;
export const vmssNicConfig = (instance: number): string => `${IDS.vmss}/virtualMachines/${instance}/networkInterfaces/nic-vmss-api/ipConfigurations/ipconfig1`;
export const vmssVm = (instance: number): string => `${IDS.vmss}/virtualMachines/${instance}`;

function rule(name: string, priority: number, direction: 'Inbound' | 'Outbound', access: 'Allow' | 'Deny', source: string, ports: string, extra: Json = {}): Json {
  return {
    name,
    properties: {
      priority,
      direction,
      access,
      protocol: 'Tcp',
      sourceAddressPrefix: source,
      sourcePortRange: '*',
      destinationAddressPrefix: '*',
      destinationPortRange: ports,
      ...extra,
    },
  };
}

function nsg(id: string, rules: Json[], subnets: string[], nics: string[] = []): ArmResource {
  return {
    id,
    name: id.split('/').pop() as string,
    type: 'Microsoft.Network/networkSecurityGroups',
    location: LOCATION,
    properties: {
      securityRules: rules.map((r) => ({ ...r, id: `${id}/securityRules/${String(r.name)}` })),
      subnets: subnets.map((s) => ({ id: s })),
      networkInterfaces: nics.map((n) => ({ id: n })),
    },
  };
}

function nic(id: string, address: string, subnet: string, vm: string, extra: { nsg?: string; tags?: Record<string, string>; pools?: Json } = {}): ArmResource {
  return {
    id,
    name: id.split('/').pop() as string,
    type: 'Microsoft.Network/networkInterfaces',
    location: LOCATION,
    ...(extra.tags ? { tags: extra.tags } : {}),
    properties: {
      virtualMachine: { id: vm },
      ...(extra.nsg ? { networkSecurityGroup: { id: extra.nsg } } : {}),
      ipConfigurations: [
        {
          id: `${id}/ipConfigurations/ipconfig1`,
          name: 'ipconfig1',
          properties: { privateIPAddress: address, privateIPAllocationMethod: 'Dynamic', subnet: { id: subnet }, primary: true, ...(extra.pools ?? {}) },
        },
      ],
    },
  };
}

function vm(id: string, nicId: string, zone: string, tags?: Record<string, string>): ArmResource {
  return {
    id,
    name: id.split('/').pop() as string,
    type: 'Microsoft.Compute/virtualMachines',
    location: LOCATION,
    zones: [zone],
    ...(tags ? { tags } : {}),
    properties: { hardwareProfile: { vmSize: 'Standard_D2s_v5' }, networkProfile: { networkInterfaces: [{ id: nicId }] }, provisioningState: 'Succeeded' },
  };
}

const running = { statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info' }, { code: 'PowerState/running', level: 'Info', displayStatus: 'VM running' }] };

function points(values: number[], field: 'maximum' | 'minimum' | 'average' | 'total'): MetricSpec['data'] {
  return values.map((v, i) => ({ timeStamp: new Date(Date.parse(NOW) - (values.length - i) * 300_000).toISOString().replace('.000Z', 'Z'), [field]: v }));
}

/** The subscription: clean except where a test changes it. */
export function productionSubscription(): SubscriptionWorld {
  const sub = emptySubscriptionWorld(SUB, 'prod');
  sub.virtualNetworks = [
    {
      id: IDS.vnet,
      name: 'vnet-prod',
      type: 'Microsoft.Network/virtualNetworks',
      location: LOCATION,
      properties: {
        addressSpace: { addressPrefixes: ['10.10.0.0/16'] },
        subnets: [
          { id: IDS.snetAppgw, name: 'snet-appgw', properties: { addressPrefix: '10.10.0.0/24', networkSecurityGroup: { id: IDS.nsgAppgw }, routeTable: { id: IDS.rtAppgw } } },
          { id: IDS.snetWeb, name: 'snet-web', properties: { addressPrefix: '10.10.1.0/24', networkSecurityGroup: { id: IDS.nsgWeb } } },
          { id: IDS.snetApi, name: 'snet-api', properties: { addressPrefix: '10.10.2.0/24', networkSecurityGroup: { id: IDS.nsgApi } } },
        ],
      },
    },
  ];
  sub.routeTables = [
    {
      id: IDS.rtAppgw,
      name: 'rt-appgw',
      type: 'Microsoft.Network/routeTables',
      location: LOCATION,
      properties: {
        routes: [{ id: `${IDS.rtAppgw}/routes/to-onprem`, name: 'to-onprem', properties: { addressPrefix: '192.168.0.0/16', nextHopType: 'VirtualNetworkGateway' } }],
        subnets: [{ id: IDS.snetAppgw }],
      },
    },
  ];
  sub.networkSecurityGroups = [
    nsg(
      IDS.nsgAppgw,
      [
        rule('AllowGatewayManager', 100, 'Inbound', 'Allow', 'GatewayManager', '65200-65535'),
        rule('AllowHttpsFromInternet', 110, 'Inbound', 'Allow', 'Internet', '443'),
        rule('AllowAzureLoadBalancer', 120, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'),
        rule('DenyAllOther', 4096, 'Inbound', 'Deny', '*', '*', { protocol: '*' }),
      ],
      [IDS.snetAppgw],
    ),
    nsg(IDS.nsgWeb, [rule('AllowAppGateway', 100, 'Inbound', 'Allow', '10.10.0.0/24', '443'), rule('DenyAllOther', 4096, 'Inbound', 'Deny', '*', '*', { protocol: '*' })], [IDS.snetWeb]),
    nsg(
      IDS.nsgApi,
      [
        rule('AllowAppGateway', 100, 'Inbound', 'Allow', '10.10.0.0/24', '8080'),
        rule('AllowVnetClients', 110, 'Inbound', 'Allow', 'VirtualNetwork', '8080'),
        rule('AllowAzureLoadBalancer', 120, 'Inbound', 'Allow', 'AzureLoadBalancer', '8080'),
      ],
      [IDS.snetApi],
    ),
  ];
  sub.publicIPAddresses = [
    { id: IDS.pipAgw, name: 'pip-agw-web', type: 'Microsoft.Network/publicIPAddresses', location: LOCATION, properties: { ipAddress: '20.50.1.10', dnsSettings: { fqdn: 'agw-web.westeurope.cloudapp.azure.com' } } },
  ];
  const agwPool = (name: string) => ({ applicationGatewayBackendAddressPools: [{ id: agwChild('backendAddressPools', name) }] });
  sub.networkInterfaces = [
    nic(IDS.nicWeb1, '10.10.1.4', IDS.snetWeb, IDS.vmWeb1, { pools: agwPool('pool-web') }),
    nic(IDS.nicWeb2, '10.10.1.5', IDS.snetWeb, IDS.vmWeb2, { pools: agwPool('pool-web') }),
  ];
  sub.virtualMachines = [vm(IDS.vmWeb1, IDS.nicWeb1, '1', { 'cloud502:server': 'nginx' }), vm(IDS.vmWeb2, IDS.nicWeb2, '2', { 'cloud502:server': 'nginx' })];
  sub.vmInstanceViews = { [IDS.vmWeb1]: running, [IDS.vmWeb2]: running };
  sub.virtualMachineScaleSets = [
    { id: IDS.vmss, name: 'vmss-api', type: 'Microsoft.Compute/virtualMachineScaleSets', location: LOCATION, tags: { 'cloud502:server': 'go' }, sku: { name: 'Standard_D2s_v5', capacity: 2 }, properties: { orchestrationMode: 'Uniform' } },
  ];
  sub.scaleSetNetworkInterfaces = {
    [IDS.vmss]: [0, 1].map((i) => ({
      id: `${IDS.vmss}/virtualMachines/${i}/networkInterfaces/nic-vmss-api`,
      name: 'nic-vmss-api',
      properties: {
        virtualMachine: { id: vmssVm(i) },
        ipConfigurations: [
          {
            id: vmssNicConfig(i),
            name: 'ipconfig1',
            properties: {
              privateIPAddress: `10.10.2.${4 + i}`,
              subnet: { id: IDS.snetApi },
              loadBalancerBackendAddressPools: [{ id: lbChild('backendAddressPools', 'pool-api') }],
              applicationGatewayBackendAddressPools: [{ id: agwChild('backendAddressPools', 'pool-api') }],
            },
          },
        ],
      },
    })),
  };
  sub.scaleSetVms = {
    [IDS.vmss]: [0, 1].map((i) => ({ id: vmssVm(i), name: `vmss-api_${i}`, instanceId: String(i), zones: [String(i + 1)], properties: { instanceView: running, latestModelApplied: true } })),
  };
  sub.applicationGateways = [appGateway()];
  sub.loadBalancers = [loadBalancer()];
  sub.backendHealth = {
    [IDS.agw]: {
      backendAddressPools: [
        {
          backendAddressPool: { id: agwChild('backendAddressPools', 'pool-web') },
          backendHttpSettingsCollection: [
            {
              backendHttpSettings: { id: agwChild('backendHttpSettingsCollection', 'settings-web') },
              servers: [
                { address: '10.10.1.4', ipConfiguration: { id: `${IDS.nicWeb1}/ipConfigurations/ipconfig1` }, health: 'Up', healthProbeLog: 'Success. Received 200 status code' },
                { address: '10.10.1.5', ipConfiguration: { id: `${IDS.nicWeb2}/ipConfigurations/ipconfig1` }, health: 'Up', healthProbeLog: 'Success. Received 200 status code' },
              ],
            },
          ],
        },
        {
          backendAddressPool: { id: agwChild('backendAddressPools', 'pool-api') },
          backendHttpSettingsCollection: [
            {
              backendHttpSettings: { id: agwChild('backendHttpSettingsCollection', 'settings-api') },
              servers: [0, 1].map((i) => ({ address: `10.10.2.${4 + i}`, ipConfiguration: { id: vmssNicConfig(i) }, health: 'Up', healthProbeLog: 'Success. Received 200 status code' })),
            },
          ],
        },
      ],
    },
  };
  sub.ruleHealth = {
    [lbChild('loadBalancingRules', 'rule-api')]: {
      up: 2,
      down: 0,
      loadBalancerBackendAddresses: [0, 1].map((i) => ({ ipAddress: `10.10.2.${4 + i}`, networkInterfaceIPConfigurationId: vmssNicConfig(i), state: 'Up', reason: 'Probe succeeded' })),
    },
  };
  sub.metrics = {
    [IDS.agw]: [
      { metric: 'UnhealthyHostCount', dims: { BackendSettingsPool: 'pool-web~settings-web' }, data: points([0, 0, 0], 'maximum') },
      { metric: 'HealthyHostCount', dims: { BackendSettingsPool: 'pool-web~settings-web' }, data: points([2, 2, 2], 'minimum') },
      { metric: 'BackendResponseStatus', dims: { BackendPool: 'pool-web', BackendHttpSetting: 'settings-web', HttpStatusGroup: '5xx' }, data: points([0, 0, 0], 'total') },
      { metric: 'BackendLastByteResponseTime', dims: { BackendPool: 'pool-web', BackendHttpSetting: 'settings-web' }, data: points([180, 240, 210], 'maximum') },
      { metric: 'ResponseStatus', dims: { HttpStatusGroup: '5xx' }, data: points([0, 0, 0], 'total') },
      { metric: 'FailedRequests', data: points([0, 0, 0], 'total') },
      { metric: 'ApplicationGatewayTotalTime', data: points([300, 420, 380], 'maximum') },
    ],
    [IDS.lb]: [
      ...[0, 1].map((i): MetricSpec => ({ metric: 'DipAvailability', dims: { BackendIPAddress: `10.10.2.${4 + i}`, BackendPort: '8080' }, data: points([100, 100, 100], 'average') })),
      { metric: 'VipAvailability', data: points([100, 100, 100], 'average') },
    ],
  };
  return sub;
}

export function appGateway(): ArmResource {
  const c = agwChild;
  return {
    id: IDS.agw,
    name: 'agw-web',
    type: 'Microsoft.Network/applicationGateways',
    location: LOCATION,
    zones: ['1', '2', '3'],
    tags: { team: 'web' },
    properties: {
      sku: { name: 'Standard_v2', tier: 'Standard_v2', capacity: 2 },
      operationalState: 'Running',
      provisioningState: 'Succeeded',
      gatewayIPConfigurations: [{ id: c('gatewayIPConfigurations', 'gwip'), name: 'gwip', properties: { subnet: { id: IDS.snetAppgw } } }],
      frontendIPConfigurations: [{ id: c('frontendIPConfigurations', 'fe-public'), name: 'fe-public', properties: { publicIPAddress: { id: IDS.pipAgw } } }],
      frontendPorts: [{ id: c('frontendPorts', 'port-443'), name: 'port-443', properties: { port: 443 } }],
      sslCertificates: [{ id: c('sslCertificates', 'cert-www'), name: 'cert-www', properties: { keyVaultSecretId: 'https://kv-prod.vault.azure.net/secrets/www' } }],
      backendAddressPools: [
        { id: c('backendAddressPools', 'pool-web'), name: 'pool-web', properties: { backendIPConfigurations: [{ id: `${IDS.nicWeb1}/ipConfigurations/ipconfig1` }, { id: `${IDS.nicWeb2}/ipConfigurations/ipconfig1` }] } },
        { id: c('backendAddressPools', 'pool-api'), name: 'pool-api', properties: { backendIPConfigurations: [0, 1].map((i) => ({ id: vmssNicConfig(i) })) } },
      ],
      backendHttpSettingsCollection: [
        {
          id: c('backendHttpSettingsCollection', 'settings-web'),
          name: 'settings-web',
          properties: {
            port: 443,
            protocol: 'Https',
            cookieBasedAffinity: 'Disabled',
            requestTimeout: 30,
            hostName: 'www.contoso.com',
            probe: { id: c('probes', 'probe-web') },
            connectionDraining: { enabled: true, drainTimeoutInSec: 60 },
          },
        },
        { id: c('backendHttpSettingsCollection', 'settings-api'), name: 'settings-api', properties: { port: 8080, protocol: 'Http', requestTimeout: 60, pickHostNameFromBackendAddress: false, probe: { id: c('probes', 'probe-api') } } },
      ],
      probes: [
        { id: c('probes', 'probe-web'), name: 'probe-web', properties: { protocol: 'Https', path: '/healthz', interval: 30, timeout: 10, unhealthyThreshold: 3, pickHostNameFromBackendHttpSettings: true, match: { statusCodes: ['200-399'] } } },
        { id: c('probes', 'probe-api'), name: 'probe-api', properties: { protocol: 'Http', host: 'api.contoso.internal', path: '/health', interval: 30, timeout: 10, unhealthyThreshold: 3 } },
      ],
      httpListeners: [
        {
          id: c('httpListeners', 'listener-https'),
          name: 'listener-https',
          properties: { frontendIPConfiguration: { id: c('frontendIPConfigurations', 'fe-public') }, frontendPort: { id: c('frontendPorts', 'port-443') }, protocol: 'Https', sslCertificate: { id: c('sslCertificates', 'cert-www') } },
        },
      ],
      urlPathMaps: [
        {
          id: c('urlPathMaps', 'paths'),
          name: 'paths',
          properties: {
            defaultBackendAddressPool: { id: c('backendAddressPools', 'pool-web') },
            defaultBackendHttpSettings: { id: c('backendHttpSettingsCollection', 'settings-web') },
            pathRules: [
              {
                id: c('urlPathMaps', 'paths/pathRules/api'),
                name: 'api',
                properties: { paths: ['/api/*'], backendAddressPool: { id: c('backendAddressPools', 'pool-api') }, backendHttpSettings: { id: c('backendHttpSettingsCollection', 'settings-api') } },
              },
            ],
          },
        },
      ],
      requestRoutingRules: [
        { id: c('requestRoutingRules', 'rule-https'), name: 'rule-https', properties: { ruleType: 'PathBasedRouting', priority: 100, httpListener: { id: c('httpListeners', 'listener-https') }, urlPathMap: { id: c('urlPathMaps', 'paths') } } },
      ],
      sslPolicy: { policyType: 'Predefined', policyName: 'AppGwSslPolicy20220101' },
    },
  };
}

export function loadBalancer(): ArmResource {
  const c = lbChild;
  return {
    id: IDS.lb,
    name: 'lb-api',
    type: 'Microsoft.Network/loadBalancers',
    location: LOCATION,
    sku: { name: 'Standard', tier: 'Regional' },
    properties: {
      provisioningState: 'Succeeded',
      frontendIPConfigurations: [{ id: c('frontendIPConfigurations', 'fe-internal'), name: 'fe-internal', zones: ['1', '2', '3'], properties: { privateIPAddress: '10.10.2.100', subnet: { id: IDS.snetApi } } }],
      backendAddressPools: [{ id: c('backendAddressPools', 'pool-api'), name: 'pool-api', properties: { backendIPConfigurations: [0, 1].map((i) => ({ id: vmssNicConfig(i) })) } }],
      probes: [{ id: c('probes', 'probe-http'), name: 'probe-http', properties: { protocol: 'Http', port: 8080, requestPath: '/health', intervalInSeconds: 5, probeThreshold: 2 } }],
      loadBalancingRules: [
        {
          id: c('loadBalancingRules', 'rule-api'),
          name: 'rule-api',
          properties: {
            frontendIPConfiguration: { id: c('frontendIPConfigurations', 'fe-internal') },
            backendAddressPool: { id: c('backendAddressPools', 'pool-api') },
            probe: { id: c('probes', 'probe-http') },
            protocol: 'Tcp',
            frontendPort: 8080,
            backendPort: 8080,
            idleTimeoutInMinutes: 4,
            enableTcpReset: true,
            enableFloatingIP: false,
          },
        },
      ],
    },
  };
}

export function productionWorld(): ArmWorld {
  return { subscriptions: [productionSubscription()] };
}
