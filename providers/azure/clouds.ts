/**
 * The Azure clouds `--azure-cloud` selects: the Resource Manager endpoint, the Microsoft Entra authority and the
 * token audience change together (the SDKs default to the public cloud's audience even when their endpoint changes,
 * so the scope is always derived here and passed explicitly).
 * https://learn.microsoft.com/cli/azure/manage-clouds-azure-cli
 */
export const AZURE_CLOUD_NAMES = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const;
export type AzureCloudName = (typeof AZURE_CLOUD_NAMES)[number];

export interface AzureCloud {
  name: AzureCloudName;
  resourceManager: string;
  authorityHost: string;
  /**
   * The Azure Monitor metrics data plane: `https://<region>.<metricsHost>` serves `metrics:getBatch`, and
   * `https://<metricsHost>/.default` is its token scope (the Metrics Batch REST spec's security definition).
   * https://learn.microsoft.com/azure/azure-monitor/essentials/migrate-to-batch-api (public cloud;
   * docs.azure.cn's copy shows `<region>.metrics.monitor.azure.cn`). The US Government host follows the same pattern
   * and is not confirmed by a document: `--azure-metrics-endpoint` overrides it.
   */
  metricsHost: string;
}

export const AZURE_CLOUDS: Readonly<Record<AzureCloudName, AzureCloud>> = {
  AzureCloud: { name: 'AzureCloud', resourceManager: 'https://management.azure.com', authorityHost: 'https://login.microsoftonline.com', metricsHost: 'metrics.monitor.azure.com' },
  AzureUSGovernment: {
    name: 'AzureUSGovernment',
    resourceManager: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    metricsHost: 'metrics.monitor.azure.us',
  },
  AzureChinaCloud: { name: 'AzureChinaCloud', resourceManager: 'https://management.chinacloudapi.cn', authorityHost: 'https://login.chinacloudapi.cn', metricsHost: 'metrics.monitor.azure.cn' },
};

/** `azureusgovernment` → `AzureUSGovernment`; throws one line for anything else. */
export function parseAzureCloud(value: string): AzureCloudName {
  const wanted = value.trim().toLowerCase();
  const found = AZURE_CLOUD_NAMES.find((n) => n.toLowerCase() === wanted);
  if (!found) throw new Error(`unknown Azure cloud "${value}" (expected ${AZURE_CLOUD_NAMES.join(', ')})`);
  return found;
}

/** The token scope for a Resource Manager endpoint: its origin + `/.default`. */
export function scopeForEndpoint(endpoint: string): string {
  return `${new URL(endpoint).origin}/.default`;
}
