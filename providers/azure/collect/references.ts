/** What the audited resources reference, for the per-item calls that follow the listings. Pure. */
import { idKey, nameOfId, parentAt, resourceGroupOf } from '../ids.js';

export { resourceGroupOf };

interface PoolHolder {
  backendAddressPools?: Array<{ backendIPConfigurations?: Array<{ id?: string }>; loadBalancerBackendAddresses?: Array<{ networkInterfaceIPConfiguration?: { id?: string } }> }>;
}

/** The scale sets whose NICs back the pools, by the scale-set part of their IP configuration ids. */
export function scaleSetsReferencedBy(holders: readonly PoolHolder[]): Array<{ id: string; name: string }> {
  const found = new Map<string, { id: string; name: string }>();
  for (const holder of holders) {
    for (const pool of holder.backendAddressPools ?? []) {
      const ids = [
        ...(pool.backendIPConfigurations ?? []).map((c) => c.id),
        ...(pool.loadBalancerBackendAddresses ?? []).map((a) => a.networkInterfaceIPConfiguration?.id),
      ];
      for (const ipConfigId of ids) {
        const scaleSet = ipConfigId ? parentAt(ipConfigId, 'virtualMachineScaleSets') : undefined;
        if (scaleSet && !found.has(idKey(scaleSet))) found.set(idKey(scaleSet), { id: scaleSet, name: nameOfId(scaleSet) });
      }
    }
  }
  return [...found.values()];
}
