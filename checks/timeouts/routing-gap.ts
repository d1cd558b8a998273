/**
 * Why a load balancer shows no backend pool: it routes nowhere, or its routing could not be read. A check that
 * finds no pool must tell the two apart, or a denied listing turns its finding into `not_applicable`.
 */
import type { InputKind, Inventory, LoadBalancer } from '../../src/model/index.js';
import { gapFor } from '../../src/model/index.js';

const ROUTING_INPUTS: readonly InputKind[] = ['listeners', 'routes', 'pools'];

/** The routing input whose collection failed for this load balancer (its own record first, then a scope-wide gap); undefined when it was read. */
export function routingInputMissing(inv: Inventory, lb: LoadBalancer): InputKind | undefined {
  return lb.notCollected?.find((n) => ROUTING_INPUTS.includes(n.input))?.input ?? ROUTING_INPUTS.find((input) => gapFor(inv, input, lb.ref) !== undefined);
}
