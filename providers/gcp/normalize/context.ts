/**
 * Per-project lookups built once from the raw snapshot, keyed by relative resource name, so the mappers stay
 * simple and O(n).
 */
import type { NotCollected, ResourceRef } from '../../../src/model/index.js';
import type { GcpMethod } from '../iam.js';
import { parseLink, regionOf, relativeName } from '../links.js';
import type {
  GcpCollectionError,
  GcpProjectSnapshot,
  RawBackendService,
  RawForwardingRule,
  RawHealthCheck,
  RawInstance,
  RawInstanceGroup,
  RawNetwork,
  RawNetworkEndpointGroup,
  RawSslCertificate,
  RawSubnetwork,
  RawTargetProxy,
  RawUrlMap,
} from '../raw.js';

export interface ProjectContext {
  project: string;
  raw: GcpProjectSnapshot;
  backendService(id: string): RawBackendService | undefined;
  urlMap(id: string): RawUrlMap | undefined;
  /** Any target proxy (HTTP, HTTPS, TCP, SSL) by relative name. */
  proxy(id: string): RawTargetProxy | undefined;
  healthCheck(id: string): RawHealthCheck | undefined;
  instanceGroup(id: string): RawInstanceGroup | undefined;
  neg(id: string): RawNetworkEndpointGroup | undefined;
  instance(id: string): RawInstance | undefined;
  network(id: string): RawNetwork | undefined;
  certificate(id: string): RawSslCertificate | undefined;
  subnetworks(): RawSubnetwork[];
  forwardingRules(): RawForwardingRule[];
  /** The error recorded for a method (about one resource, or about the whole listing). */
  failure(method: GcpMethod, resourceId?: string): GcpCollectionError | undefined;
  notCollected(input: NotCollected['input'], method: GcpMethod, resourceId?: string): NotCollected | undefined;
  ref(kind: ResourceRef['kind'], type: string, id: string, name: string, region?: string): ResourceRef;
}

function byName<T extends { selfLink?: string }>(items: T[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const id = relativeName(item.selfLink);
    if (id) out.set(id, item);
  }
  return out;
}

/** `global`, a region, or the region of a zone: where a resource lives, for refs and messages. */
export function regionOfLink(link: string | undefined): string | undefined {
  const parsed = parseLink(link);
  return parsed ? regionOf(parsed) : undefined;
}

export function buildContext(raw: GcpProjectSnapshot): ProjectContext {
  const c = raw.compute;
  const services = byName(c.backendServices);
  const urlMaps = byName(c.urlMaps);
  const proxies = byName([...c.targetHttpProxies, ...c.targetHttpsProxies, ...c.targetTcpProxies, ...c.targetSslProxies]);
  const healthChecks = byName(c.healthChecks);
  const groups = byName(c.instanceGroups);
  const negs = byName(c.networkEndpointGroups);
  const instances = byName(c.instances);
  const networks = byName(c.networks);
  const certificates = byName(c.sslCertificates);
  const project = raw.project;
  const failure = (method: GcpMethod, resourceId?: string): GcpCollectionError | undefined =>
    raw.errors.find((e) => e.api === method && (e.resourceId === undefined || resourceId === undefined || e.resourceId === resourceId));
  return {
    project,
    raw,
    backendService: (id) => services.get(id),
    urlMap: (id) => urlMaps.get(id),
    proxy: (id) => proxies.get(id),
    healthCheck: (id) => healthChecks.get(id),
    instanceGroup: (id) => groups.get(id),
    neg: (id) => negs.get(id),
    instance: (id) => instances.get(id),
    network: (id) => networks.get(id),
    certificate: (id) => certificates.get(id),
    subnetworks: () => c.subnetworks,
    forwardingRules: () => c.forwardingRules,
    failure,
    notCollected(input, method, resourceId) {
      const e = failure(method, resourceId);
      if (!e) return undefined;
      return { input, api: e.api, ...(e.code === 'PERMISSION_DENIED' ? { permission: e.permission } : {}), code: e.code };
    },
    ref: (kind, type, id, name, region) => ({ provider: 'gcp', kind, type, id, name, ...(region ? { region } : {}), account: project }),
  };
}
