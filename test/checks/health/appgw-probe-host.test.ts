import { appgwProbeHost } from '../../../checks/health/appgw-probe-host.js';
import { checkTester } from '../../support/check-tester.js';
import type { Json, SubscriptionWorld } from '../../providers/azure/support/arm.js';
import { azureInventory, props, resource } from '../../providers/azure/support/inventory.js';
import { agwChild, IDS } from '../../providers/azure/support/world.js';

/** Replaces the web pool's settings and its probe (undefined = the default probe). */
function web(settings: Json, probe?: Json, sku?: Json) {
  return (s: SubscriptionWorld) => {
    const agw = props(resource(s.applicationGateways, IDS.agw));
    if (sku) agw.sku = sku;
    const all = agw.backendHttpSettingsCollection as Json[];
    all[0] = { id: agwChild('backendHttpSettingsCollection', 'settings-web'), name: 'settings-web', properties: { port: 443, protocol: 'Https', ...(probe ? { probe: { id: agwChild('probes', 'probe-web') } } : {}), ...settings } };
    const probes = agw.probes as Json[];
    probes[0] = { id: agwChild('probes', 'probe-web'), name: 'probe-web', properties: { protocol: 'Https', interval: 30, timeout: 30, unhealthyThreshold: 3, path: '/healthz', ...(probe ?? {}) } };
  };
}

/** Both web servers fail their probe the way a wrong host makes them fail. */
function failingOn404(s: SubscriptionWorld): void {
  const pools = (s.backendHealth[IDS.agw]!.backendAddressPools as Json[])[0]!;
  for (const server of ((pools.backendHttpSettingsCollection as Json[])[0]!.servers as Json[])) {
    server.health = 'Down';
    server.healthProbeLog = "Status code of the backend's HTTP response did not match the probe setting. Expected:200-399 Received:404.";
  }
}

const v1 = { name: 'Standard_Medium', tier: 'Standard' };

checkTester(appgwProbeHost, {
  valid: [
    { name: 'a custom probe picking the settings host, and one with its own host', inventory: azureInventory() },
    { name: 'v2 default probe over HTTPS with a settings host name', inventory: azureInventory(web({ hostName: 'www.contoso.com' })) },
    { name: 'boundary: v2 default probe picking the host from the backend address', inventory: azureInventory(web({ pickHostNameFromBackendAddress: true })) },
    { name: 'v1 default probe with no host anywhere', inventory: azureInventory(web({ protocol: 'Http', port: 80 }, undefined, v1)) },
  ],
  invalid: [
    {
      name: 'a custom probe with no host that does not pick one (v2 HTTPS)',
      inventory: azureInventory(web({ hostName: 'www.contoso.com' }, { pickHostNameFromBackendHttpSettings: false })),
      expect: [{ messageId: 'noHost', resource: 'pool-web~settings-web', severity: 'high', contains: ['sends Host 127.0.0.1 while traffic carries www.contoso.com', 'the certificate name check fails'] }],
    },
    {
      name: 'the same probe while every server fails on status codes: critical',
      inventory: azureInventory((s) => {
        web({ hostName: 'www.contoso.com' }, { pickHostNameFromBackendHttpSettings: false })(s);
        failingOn404(s);
      }),
      expect: [{ messageId: 'noHost', resource: 'pool-web~settings-web', severity: 'critical' }],
    },
    {
      name: 'a custom probe picking the host from settings that set none',
      inventory: azureInventory(web({}, { pickHostNameFromBackendHttpSettings: true })),
      expect: [{ messageId: 'pickNothing', resource: 'pool-web~settings-web', severity: 'high', contains: ['backend settings settings-web, which set none'] }],
    },
    {
      name: 'v2 default probe over HTTPS with no host name',
      inventory: azureInventory(web({})),
      expect: [{ messageId: 'defaultProbeNoHost', resource: 'pool-web~settings-web', severity: 'high' }],
    },
    {
      name: 'v1 default probe while the settings override the host',
      inventory: azureInventory(web({ protocol: 'Http', port: 80, hostName: 'www.contoso.com' }, undefined, v1)),
      expect: [{ messageId: 'defaultProbeHostDiffers', resource: 'pool-web~settings-web', severity: 'medium', contains: ['send www.contoso.com'] }],
    },
    {
      name: 'a probe path without a leading slash',
      inventory: azureInventory(web({ hostName: 'www.contoso.com' }, { host: 'www.contoso.com', path: 'healthz' })),
      expect: [{ messageId: 'badPath', resource: 'pool-web~settings-web', contains: ['path "healthz"'] }],
    },
  ],
  unknown: [
    {
      name: 'settings name a probe the gateway does not have',
      inventory: azureInventory((s) => {
        const settings = (props(resource(s.applicationGateways, IDS.agw)).backendHttpSettingsCollection as Json[])[0]!;
        (settings.properties as Json).probe = { id: agwChild('probes', 'deleted') };
      }),
      expect: [{ resource: 'pool-web~settings-web', contains: ['a probe the gateway does not have'] }],
    },
    {
      name: 'default probe on a gateway whose generation is not known',
      inventory: azureInventory(web({}, undefined, { name: 'Future_v9' })),
      expect: [{ resource: 'pool-web~settings-web', contains: ['v1 or v2 is not known'] }],
    },
  ],
});
