/**
 * The Google Cloud provider's descriptor: its kinds, CLI options and demo. Imports no SDK (see src/provider.ts).
 */
import type { ProviderDescriptor } from '../../src/provider.js';
import { parseProjectId, parseRegionName } from './options.js';

export const gcpDescriptor: ProviderDescriptor = {
  id: 'gcp',
  title: 'Google Cloud',
  kinds: ['gcp-alb-global', 'gcp-alb-classic', 'gcp-alb-regional', 'gcp-alb-internal', 'gcp-proxy-nlb', 'gcp-nlb-passthrough'],
  options: [
    {
      flags: '--project <id>',
      key: 'project',
      list: true,
      parse: parseProjectId,
      description: "Google Cloud project to audit; repeat or comma-separate for several (default: the Application Default Credentials' project)",
    },
    {
      flags: '--region <region>',
      key: 'region',
      list: true,
      parse: parseRegionName,
      description: 'Google Cloud: audit regional resources of these regions only (global resources are always audited)',
    },
  ],
  rawSchemaVersions: [1],
  scopeCalls: { listing: ['compute.forwardingRules.aggregatedList', 'compute.globalForwardingRules.list'], entry: [] },
  demoSnapshot: 'demo/gcp-demo.json',
  async load() {
    return (await import('./index.js')).gcpAdapter;
  },
};
