import { appgwDefaultRoute } from '../../../checks/network/appgw-default-route.js';
import { checkTester } from '../../support/check-tester.js';
import { appgwSubnetProps, azureInventory, props, resource } from '../../providers/azure/support/inventory.js';
import { IDS } from '../../providers/azure/support/world.js';
import type { SubscriptionWorld } from '../../providers/azure/support/arm.js';

function withDefaultRoute(nextHopType: string, nextHopIpAddress?: string) {
  return (s: SubscriptionWorld) => {
    const table = props(resource(s.routeTables, IDS.rtAppgw));
    (table.routes as unknown[]).push({ id: `${IDS.rtAppgw}/routes/default`, name: 'default', properties: { addressPrefix: '0.0.0.0/0', nextHopType, ...(nextHopIpAddress ? { nextHopIpAddress } : {}) } });
  };
}

checkTester(appgwDefaultRoute, {
  valid: [
    { name: 'a route table with only an on-premises route', inventory: azureInventory() },
    { name: 'boundary: 0.0.0.0/0 to Internet', inventory: azureInventory(withDefaultRoute('Internet')) },
    { name: 'no route table on the gateway subnet', inventory: azureInventory((s) => delete appgwSubnetProps(s).routeTable) },
  ],
  invalid: [
    {
      name: '0.0.0.0/0 to a firewall appliance',
      inventory: azureInventory(withDefaultRoute('VirtualAppliance', '10.10.9.4')),
      expect: [{ messageId: 'divertedDefaultRoute', resource: 'agw-web', severity: 'high', contains: ['Route default of rt-appgw', 'VirtualAppliance 10.10.9.4'] }],
    },
    { name: '0.0.0.0/0 to nowhere', inventory: azureInventory(withDefaultRoute('None')), expect: [{ messageId: 'divertedDefaultRoute', resource: 'agw-web', contains: ['to None instead of the Internet'] }] },
    { name: 'forced tunnelling to the VPN gateway', inventory: azureInventory(withDefaultRoute('VirtualNetworkGateway')), expect: [{ messageId: 'divertedDefaultRoute', resource: 'agw-web', contains: ['VirtualNetworkGateway'] }] },
  ],
  unknown: [
    { name: 'the route table could not be read', inventory: azureInventory((s) => (s.routeTables = [])), expect: [{ resource: 'agw-web', contains: ['the routes of rt-appgw were not collected'] }] },
    { name: 'the gateway subnet was not collected', inventory: azureInventory((s) => (s.virtualNetworks = [])), expect: [{ resource: 'agw-web', contains: ['subnet snet-appgw of the gateway was not collected'] }] },
  ],
});
