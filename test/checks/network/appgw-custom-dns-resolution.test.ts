import { appgwCustomDnsResolution } from '../../../checks/network/appgw-custom-dns-resolution.js';
import { checkTester } from '../../support/check-tester.js';
import type { Json, SubscriptionWorld } from '../../providers/azure/support/arm.js';
import { azureInventory, props, resource } from '../../providers/azure/support/inventory.js';
import { agwChild, IDS } from '../../providers/azure/support/world.js';

const WEB_POOL = agwChild('backendAddressPools', 'pool-web');
const DOWN_DNS = 'Application Gateway could not create a probe for this backend. This usually happens when the FQDN of the backend has not been entered correctly.';

/**
 * pool-web's members become FQDNs, the VNet's DNS servers are set (undefined = Azure-provided), and backend health
 * reports each server as given (undefined = the health answer left out).
 */
function fqdnPool(options: { dnsServers?: string[]; servers?: Array<{ fqdn: string; health: string; log?: string }>; collectVnet?: boolean }) {
  return (s: SubscriptionWorld) => {
    const pool = (props(resource(s.applicationGateways, IDS.agw)).backendAddressPools as Json[]).find((p) => p.id === WEB_POOL)!;
    // A server given by address stands for the pool's FQDN resolved to it.
    const fqdns = (options.servers ?? [{ fqdn: 'web.corp.contoso.internal', health: 'Up' }]).map((x) => (/^[\d.]+$/.test(x.fqdn) ? 'web.corp.contoso.internal' : x.fqdn));
    pool.properties = { backendAddresses: fqdns.map((fqdn) => ({ fqdn })) };
    const vnet = props(resource(s.virtualNetworks, IDS.vnet));
    if (options.dnsServers) vnet.dhcpOptions = { dnsServers: options.dnsServers };
    else delete vnet.dhcpOptions;
    if (options.collectVnet === false) s.virtualNetworks = [];
    const health = (s.backendHealth[IDS.agw] as Json).backendAddressPools as Json[];
    const web = (health.find((p) => (p.backendAddressPool as Json).id === WEB_POOL)!.backendHttpSettingsCollection as Json[])[0]!;
    if (options.servers === undefined) web.servers = fqdns.map((fqdn) => ({ address: fqdn, health: 'Up', healthProbeLog: 'Success. Received 200 status code' }));
    else web.servers = options.servers.filter((x) => x.health !== 'missing').map((x) => ({ address: x.fqdn, health: x.health, ...(x.log ? { healthProbeLog: x.log } : {}) }));
  };
}

const noHealth = (s: SubscriptionWorld) => delete s.backendHealth[IDS.agw];

checkTester(appgwCustomDnsResolution, {
  valid: [
    { name: 'FQDN backends Up behind custom DNS servers', inventory: azureInventory(fqdnPool({ dnsServers: ['10.10.0.4', '10.10.0.5'] })) },
    { name: 'FQDN backends Up with Azure-provided DNS', inventory: azureInventory(fqdnPool({})) },
    {
      name: 'edge: backend health lists the resolved FQDN by its address',
      inventory: azureInventory(fqdnPool({ dnsServers: ['10.10.0.4'], servers: [{ fqdn: '10.10.1.77', health: 'Up' }] })),
    },
    {
      name: 'boundary: an FQDN backend Down for another reason (probe status code) is not a DNS failure',
      inventory: azureInventory(fqdnPool({ dnsServers: ['10.10.0.4'], servers: [{ fqdn: 'web.corp.contoso.internal', health: 'Down', log: 'Status code of the backend\'s HTTP response did not match the probe setting. Expected:200-399 Received:401.' }] })),
    },
  ],
  invalid: [
    {
      name: 'custom DNS servers do not resolve the backend FQDN',
      inventory: azureInventory(fqdnPool({ dnsServers: ['10.10.0.4', '10.10.0.5'], servers: [{ fqdn: 'web.corp.contoso.internal', health: 'Down', log: DOWN_DNS }] })),
      expect: [
        {
          messageId: 'unresolved',
          resource: 'pool-web~settings-web',
          severity: 'high',
          contains: ['web.corp.contoso.internal could not be resolved with the custom DNS servers 10.10.0.4, 10.10.0.5', 'on agw-web'],
        },
      ],
    },
    {
      name: 'boundary: one of two FQDNs fails, with Azure-provided DNS',
      inventory: azureInventory(
        fqdnPool({ servers: [{ fqdn: 'web-a.contoso.com', health: 'Up' }, { fqdn: 'web-b.contoso.internal', health: 'Down', log: 'The FQDN could not be resolved.' }] }),
      ),
      expect: [{ messageId: 'unresolved', resource: 'pool-web~settings-web', contains: ['web-b.contoso.internal could not be resolved with Azure-provided DNS'] }],
    },
    {
      name: 'DNS failure reported while the VNet was not collected',
      inventory: azureInventory(fqdnPool({ dnsServers: ['10.10.0.4'], collectVnet: false, servers: [{ fqdn: 'web.corp.contoso.internal', health: 'Down', log: DOWN_DNS }] })),
      expect: [{ messageId: 'unresolved', resource: 'pool-web~settings-web', contains: ["with the virtual network's DNS servers"] }],
    },
  ],
  unknown: [
    {
      name: 'FQDNs behind custom DNS, backend health not collected',
      inventory: azureInventory((s) => {
        fqdnPool({ dnsServers: ['10.10.0.4'] })(s);
        noHealth(s);
      }),
      expect: [{ resource: 'pool-web~settings-web', contains: ['whether the custom DNS servers 10.10.0.4 resolve web.corp.contoso.internal is not known', 'backendhealth/action'] }],
    },
    {
      name: 'FQDN reported Unknown by backend health',
      inventory: azureInventory(fqdnPool({ dnsServers: ['10.10.0.4'], servers: [{ fqdn: 'web.corp.contoso.internal', health: 'Unknown' }] })),
      expect: [{ resource: 'pool-web~settings-web', contains: ['backend health reports them Unknown'] }],
    },
  ],
  notApplicable: [
    {
      name: 'pools addressed by NIC (the clean subscription)',
      inventory: azureInventory(),
      expect: [{ resource: 'pool-web~settings-web' }, { resource: 'pool-api~settings-api' }, { resource: 'Azure Load Balancer' }],
    },
  ],
});
