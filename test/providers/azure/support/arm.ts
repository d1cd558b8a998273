/**
 * Azure Resource Manager test data in REST shape (`properties` nested, as the REST reference examples and a fake
 * ARM server serve them), and the conversion to the SDK shape the raw snapshot stores (the SDKs flatten
 * `properties`; collect.wire.test.ts proves `flattenArm` equals what the real SDK returns for this data).
 */
import type { AzureRawSnapshot, AzureSubscriptionSnapshot } from '../../../../providers/azure/raw.js';
import { emptyAzureSubscription } from '../../../../providers/azure/raw.js';

export type Json = Record<string, unknown>;

export interface ArmResource extends Json {
  id: string;
  name: string;
  type?: string;
  location?: string;
  tags?: Record<string, string>;
  properties?: Json;
}

/** One metric time series the fake serves: its dimension values and points. */
export interface MetricSpec {
  metric: string;
  /** Dimension values by dimension name (as Azure documents them, e.g. `BackendSettingsPool`). */
  dims?: Record<string, string>;
  data: Array<{ timeStamp: string; average?: number; minimum?: number; maximum?: number; total?: number; count?: number }>;
}

export interface SubscriptionWorld {
  subscriptionId: string;
  displayName?: string;
  state?: string;
  applicationGateways: ArmResource[];
  loadBalancers: ArmResource[];
  networkSecurityGroups: ArmResource[];
  networkInterfaces: ArmResource[];
  virtualNetworks: ArmResource[];
  routeTables: ArmResource[];
  publicIPAddresses: ArmResource[];
  virtualMachines: ArmResource[];
  /** Instance views by VM id (served by the statusOnly listing). */
  vmInstanceViews: Record<string, Json>;
  virtualMachineScaleSets: ArmResource[];
  /** By scale-set id. */
  scaleSetNetworkInterfaces: Record<string, ArmResource[]>;
  /** By scale-set id; each instance carries `properties.instanceView`. */
  scaleSetVms: Record<string, ArmResource[]>;
  /** REST bodies of the long-running health calls, by gateway id / rule id. */
  backendHealth: Record<string, Json>;
  ruleHealth: Record<string, Json>;
  /** By resource id. */
  metrics: Record<string, MetricSpec[]>;
}

export interface ArmWorld {
  subscriptions: SubscriptionWorld[];
}

export function emptySubscriptionWorld(subscriptionId: string, displayName?: string): SubscriptionWorld {
  return {
    subscriptionId,
    ...(displayName ? { displayName } : {}),
    applicationGateways: [],
    loadBalancers: [],
    networkSecurityGroups: [],
    networkInterfaces: [],
    virtualNetworks: [],
    routeTables: [],
    publicIPAddresses: [],
    virtualMachines: [],
    vmInstanceViews: {},
    virtualMachineScaleSets: [],
    scaleSetNetworkInterfaces: {},
    scaleSetVms: {},
    backendHealth: {},
    ruleHealth: {},
    metrics: {},
  };
}

/** `/subscriptions/S/resourceGroups/RG/providers/NS/TYPE/NAME[/child/name…]`. */
export function armId(subscriptionId: string, resourceGroup: string, namespaceAndType: string, name: string, ...children: string[]): string {
  return [`/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${namespaceAndType}/${name}`, ...children].join('/');
}

/** The SDKs' shape: every `properties` object merged into its owner, recursively. */
export function flattenArm<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => flattenArm(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === 'properties' && v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenArm(v));
    else out[k] = flattenArm(v);
  }
  return out as T;
}

/** The statusOnly listing of a VM: the VM with its instance view. */
export function vmWithStatus(vm: ArmResource, instanceView: Json | undefined): ArmResource {
  return { ...vm, properties: { ...(vm.properties ?? {}), ...(instanceView ? { instanceView } : {}) } };
}

/** The metrics REST body the fake serves for some specs. */
export function metricsBody(specs: MetricSpec[], names: string[], timespan: string, interval: string): Json {
  return {
    timespan,
    interval,
    value: names.map((name) => ({
      id: `metric/${name}`,
      type: 'Microsoft.Insights/metrics',
      name: { value: name, localizedValue: name },
      unit: 'Count',
      timeseries: specs
        .filter((s) => s.metric.toLowerCase() === name.toLowerCase())
        .map((s) => ({
          // Azure returns dimension names lower-cased.
          metadatavalues: Object.entries(s.dims ?? {}).map(([k, v]) => ({ name: { value: k.toLowerCase(), localizedValue: k }, value: v })),
          data: s.data,
        })),
    })),
  };
}

export interface RawOptions {
  collectedAt: string;
  metricsWindowSeconds?: number;
  /** Metric queries to answer from the world (as collect would have issued them). */
  queries?: AzureSubscriptionSnapshot['monitor']['queries'];
  window?: { start: string; end: string };
  errors?: Record<string, AzureSubscriptionSnapshot['errors']>;
  /** Leave out backend / rule health (as when the calls failed). */
  withoutHealth?: boolean;
}

/**
 * The raw snapshot a collection of the world would produce, built without the SDK: flattened resources, scale-set
 * NICs after the standalone ones, the statusOnly listing from the instance views. Metric responses are built by
 * `answerMetrics` for the given queries.
 */
export function rawFromWorld(world: ArmWorld, options: RawOptions, answerMetrics?: (sub: SubscriptionWorld, q: AzureSubscriptionSnapshot['monitor']['queries'][number]) => Json | undefined): AzureRawSnapshot {
  const subscriptions = world.subscriptions.map((w): AzureSubscriptionSnapshot => {
    const base = emptyAzureSubscription(w.subscriptionId, options.errors?.[w.subscriptionId] ?? []);
    const flat = <T>(items: T) => flattenArm(items) as never;
    const responses: AzureSubscriptionSnapshot['monitor']['responses'] = {};
    for (const q of options.queries ?? []) {
      const body = answerMetrics?.(w, q);
      if (body) responses[q.id] = flat(body);
    }
    return {
      ...base,
      ...(w.displayName ? { displayName: w.displayName } : {}),
      network: {
        applicationGateways: flat(w.applicationGateways),
        loadBalancers: flat(w.loadBalancers),
        networkSecurityGroups: flat(w.networkSecurityGroups),
        networkInterfaces: flat([...w.networkInterfaces, ...Object.values(w.scaleSetNetworkInterfaces).flat()]),
        virtualNetworks: flat(w.virtualNetworks),
        routeTables: flat(w.routeTables),
        publicIpAddresses: flat(w.publicIPAddresses),
      },
      compute: {
        virtualMachines: flat(w.virtualMachines),
        virtualMachineStatuses: flat(w.virtualMachines.map((vm) => vmWithStatus(vm, w.vmInstanceViews[vm.id]))),
        scaleSets: flat(w.virtualMachineScaleSets),
        scaleSetVms: flat(w.scaleSetVms),
      },
      health: options.withoutHealth ? { applicationGateways: {}, loadBalancerRules: {} } : { applicationGateways: flat(w.backendHealth), loadBalancerRules: flat(w.ruleHealth) },
      monitor: { ...(options.window ? { window: options.window } : {}), queries: options.queries ?? [], responses },
    };
  });
  return {
    format: 'cloud502-raw-snapshot',
    schemaVersion: 1,
    provider: 'azure',
    tool: { name: 'cloud502', version: '0.0.0-test' },
    collectedAt: options.collectedAt,
    options: { cloud: 'AzureCloud', subscriptions: world.subscriptions.map((s) => s.subscriptionId), metricsWindowSeconds: options.metricsWindowSeconds ?? 0 },
    subscriptions,
    errors: [],
  };
}
