/**
 * The provider registry: every adapter's descriptor. Descriptors import no SDK, so the CLI can build its flags and
 * help from them; an adapter (and its SDK) is loaded only through `descriptor.load()`.
 */
import type { LoadBalancerKind, Provider } from '../src/model/index.js';
import type { ProviderDescriptor } from '../src/provider.js';
import { awsDescriptor } from './aws/descriptor.js';
import { azureDescriptor } from './azure/descriptor.js';
import { gcpDescriptor } from './gcp/descriptor.js';

export const PROVIDER_DESCRIPTORS: readonly ProviderDescriptor[] = [awsDescriptor, azureDescriptor, gcpDescriptor];

export function descriptorOf(id: Provider): ProviderDescriptor | undefined {
  return PROVIDER_DESCRIPTORS.find((d) => d.id === id);
}

/** The provider whose normalizer produces this load-balancer kind. */
export function descriptorOfKind(kind: LoadBalancerKind): ProviderDescriptor | undefined {
  return PROVIDER_DESCRIPTORS.find((d) => d.kinds.includes(kind));
}
