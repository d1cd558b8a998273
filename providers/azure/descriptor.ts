/**
 * The Azure provider's descriptor: its kinds, CLI options and demo. Imports no SDK (see src/provider.ts).
 */
import type { ProviderDescriptor } from '../../src/provider.js';
import { AZURE_API } from './apis.js';
import { AZURE_CLOUD_NAMES } from './clouds.js';
import { parseAzureCloud, parseLocation, parseMetricsEndpoint, parseResourceGroup, parseSubscriptionId } from './options.js';
import { AZURE_RAW_SCHEMA_VERSIONS } from './snapshot.js';

export const azureDescriptor: ProviderDescriptor = {
  id: 'azure',
  title: 'Microsoft Azure',
  kinds: ['azure-appgw', 'azure-lb'],
  options: [
    {
      flags: '--subscription <id>',
      key: 'subscription',
      list: true,
      parse: parseSubscriptionId,
      description: 'subscription to audit; repeat or comma-separate for several (default: $AZURE_SUBSCRIPTION_ID, else every subscription the identity can list)',
    },
    { flags: '--resource-group <name>', key: 'resourceGroup', parse: parseResourceGroup, description: 'audit only the load balancers and application gateways of this resource group' },
    { flags: '--location <location>', key: 'location', parse: parseLocation, description: 'audit only the load balancers and application gateways in this location (e.g. westeurope)' },
    {
      flags: '--azure-cloud <name>',
      key: 'azureCloud',
      parse: parseAzureCloud,
      description: `Azure cloud: ${AZURE_CLOUD_NAMES.join(', ')} (sets the Resource Manager endpoint, the sign-in authority and the token scope)`,
    },
    {
      flags: '--azure-metrics-endpoint <url>',
      key: 'azureMetricsEndpoint',
      parse: parseMetricsEndpoint,
      description:
        'Azure Monitor metrics batch endpoint for every location (default: https://<location>.metrics.monitor.azure.com, per cloud; $AZURE_MONITOR_METRICS_ENDPOINT). With --endpoint-url and no metrics endpoint, metrics are read per resource through Resource Manager',
    },
  ],
  rawSchemaVersions: [...AZURE_RAW_SCHEMA_VERSIONS],
  scopeCalls: {
    // A subscription whose gateway or load-balancer listing failed was not audited, whatever the other listing found.
    listing: [AZURE_API.listApplicationGateways, AZURE_API.listApplicationGatewaysInGroup, AZURE_API.listLoadBalancers, AZURE_API.listLoadBalancersInGroup].map((a) => a.operation),
    entry: [AZURE_API.listSubscriptions.operation],
  },
  demoSnapshot: 'demo/azure-demo.json',
  async load() {
    return (await import('./index.js')).azureAdapter;
  },
};
