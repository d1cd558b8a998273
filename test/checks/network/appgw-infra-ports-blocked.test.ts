import { appgwInfraPortsBlocked } from '../../../checks/network/appgw-infra-ports-blocked.js';
import { checkTester } from '../../support/check-tester.js';
import { appgwSubnetProps, azureInventory, props, resource, securityRule, setAppgwNsgRules } from '../../providers/azure/support/inventory.js';
import { appGateway, IDS } from '../../providers/azure/support/world.js';

const allowGatewayManager = securityRule('AllowGatewayManager', 100, 'Inbound', 'Allow', 'GatewayManager', '*', '65200-65535');
const allowLb = securityRule('AllowAzureLoadBalancer', 120, 'Inbound', 'Allow', 'AzureLoadBalancer', '*', '*');
const denyAll = securityRule('DenyAllOther', 4096, 'Inbound', 'Deny', '*', '*', '*', '*');

checkTester(appgwInfraPortsBlocked, {
  valid: [
    { name: 'GatewayManager 65200-65535 and AzureLoadBalancer allowed before a deny-all (v2)', inventory: azureInventory() },
    { name: 'no NSG on the gateway subnet', inventory: azureInventory((s) => delete appgwSubnetProps(s).networkSecurityGroup) },
    {
      name: 'v1 gateway: the v2 range includes 65503-65534',
      inventory: azureInventory((s) => {
        props(resource(s.applicationGateways, IDS.agw)).sku = { name: 'Standard_Medium', tier: 'Standard' };
      }),
    },
    { name: 'Internet tag allowed on the infrastructure ports covers GatewayManager', inventory: azureInventory((s) => setAppgwNsgRules(s, [securityRule('AllowInternetInfra', 100, 'Inbound', 'Allow', 'Internet', '*', '65200-65535'), allowLb, denyAll])) },
  ],
  invalid: [
    {
      name: 'a deny above the GatewayManager allow',
      inventory: azureInventory((s) => setAppgwNsgRules(s, [securityRule('DenyMgmt', 90, 'Inbound', 'Deny', 'GatewayManager', '*', '65200-65535'), allowGatewayManager, allowLb, denyAll])),
      expect: [{ messageId: 'gatewayManagerBlocked', resource: 'agw-web', severity: 'critical', contains: ['nsg-appgw', 'TCP 65200-65535', 'DenyMgmt (priority 90)', '(v2)'] }],
    },
    {
      name: 'no GatewayManager allow: the deny-all decides',
      inventory: azureInventory((s) => setAppgwNsgRules(s, [allowLb, denyAll])),
      expect: [{ messageId: 'gatewayManagerBlocked', resource: 'agw-web', contains: ['DenyAllOther (priority 4096)'] }],
    },
    {
      name: 'boundary: a v2 gateway allowed only the v1 range',
      inventory: azureInventory((s) => setAppgwNsgRules(s, [securityRule('AllowV1Range', 100, 'Inbound', 'Allow', 'GatewayManager', '*', '65503-65534'), allowLb, denyAll])),
      expect: [{ messageId: 'gatewayManagerBlocked', resource: 'agw-web', contains: ['TCP 65200-65502, 65535'] }],
    },
    {
      name: 'AzureLoadBalancer denied above the default rule',
      inventory: azureInventory((s) => setAppgwNsgRules(s, [allowGatewayManager, securityRule('DenyProbes', 110, 'Inbound', 'Deny', 'AzureLoadBalancer', '*', '*', '*')])),
      expect: [{ messageId: 'loadBalancerBlocked', resource: 'agw-web', contains: ['AzureLoadBalancer', 'DenyProbes'] }],
    },
    {
      name: 'outbound Internet blocked',
      inventory: azureInventory((s) => setAppgwNsgRules(s, [allowGatewayManager, allowLb, securityRule('DenyInternetOut', 200, 'Outbound', 'Deny', '*', 'Internet', '*', '*')])),
      expect: [{ messageId: 'internetOutboundBlocked', resource: 'agw-web', contains: ['DenyInternetOut'] }],
    },
  ],
  unknown: [
    { name: 'the subnet NSG was not collected', inventory: azureInventory((s) => (s.networkSecurityGroups = [])), expect: [{ resource: 'agw-web', contains: ['nsg-appgw', 'not collected'] }] },
    { name: 'the gateway subnet was not collected', inventory: azureInventory((s) => (s.virtualNetworks = [])), expect: [{ resource: 'agw-web', contains: ['subnet snet-appgw of the gateway was not collected'] }] },
    {
      name: 'GatewayManager allowed only by a public range whose members are not known',
      inventory: azureInventory((s) => setAppgwNsgRules(s, [securityRule('AllowSomePublic', 100, 'Inbound', 'Allow', '20.0.0.0/8', '*', '65200-65535'), allowLb, denyAll])),
      expect: [{ resource: 'agw-web', contains: ['depends on nsg-appgw AllowSomePublic'] }],
    },
    {
      name: 'the SKU does not say v1 or v2',
      inventory: azureInventory((s) => {
        const agw = appGateway();
        delete props(agw).sku;
        s.applicationGateways = [agw];
      }),
      expect: [{ resource: 'agw-web', contains: ['v1 or v2'] }],
    },
  ],
});
