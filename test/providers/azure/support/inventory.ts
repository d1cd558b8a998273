/**
 * Inventories for the Azure check tests, built the way an audit builds them: REST fixtures (world.ts), changed per
 * row, normalized by the Azure adapter. So each row shows the condition as Azure reports it.
 */
import { normalizeAzure } from '../../../../providers/azure/normalize/index.js';
import type { AzureSubscriptionSnapshot } from '../../../../providers/azure/raw.js';
import type { AuditConfig } from '../../../../src/engine/index.js';
import type { Inventory } from '../../../../src/model/index.js';
import type { ArmResource, Json, SubscriptionWorld } from './arm.js';
import { rawFromWorld } from './arm.js';
import { IDS, NOW, productionSubscription, SUB } from './world.js';

export function azureInventory(edit: (sub: SubscriptionWorld) => void = () => undefined, options: { errors?: AzureSubscriptionSnapshot['errors']; config?: AuditConfig } = {}): Inventory {
  const sub = productionSubscription();
  edit(sub);
  return normalizeAzure(rawFromWorld({ subscriptions: [sub] }, { collectedAt: NOW, ...(options.errors ? { errors: { [SUB]: options.errors } } : {}) }), options.config ?? {});
}

/** The resource of a world by id (the test's handle to change it). */
export function resource(items: ArmResource[], id: string): ArmResource {
  const found = items.find((i) => i.id === id);
  if (!found) throw new Error(`no fixture resource ${id}`);
  return found;
}

/** The properties of a resource, to change them in place. */
export function props(r: ArmResource): Json {
  r.properties ??= {};
  return r.properties;
}

export function securityRule(name: string, priority: number, direction: 'Inbound' | 'Outbound', access: 'Allow' | 'Deny', source: string, destination: string, ports: string, protocol = 'Tcp'): Json {
  return { name, properties: { priority, direction, access, protocol, sourceAddressPrefix: source, sourcePortRange: '*', destinationAddressPrefix: destination, destinationPortRange: ports } };
}

/** The gateway subnet's NSG rules, replaced. */
export function setAppgwNsgRules(sub: SubscriptionWorld, rules: Json[]): void {
  props(resource(sub.networkSecurityGroups, IDS.nsgAppgw)).securityRules = rules;
}

/** The properties of the gateway subnet, to change them in place. */
export function appgwSubnetProps(sub: SubscriptionWorld): Json {
  const subnets = props(sub.virtualNetworks[0]!).subnets as Json[];
  return subnets.find((s) => s.id === IDS.snetAppgw)!.properties as Json;
}
