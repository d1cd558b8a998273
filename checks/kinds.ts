/**
 * Kind lists checks claim. A list names kinds only through the model's table, so a check that understands every
 * load balancer carries no provider literal.
 */
import type { LoadBalancerKind } from '../src/model/index.js';
import { LOAD_BALANCER_KINDS } from '../src/model/index.js';

const ALL = Object.keys(LOAD_BALANCER_KINDS) as LoadBalancerKind[];

/** Every kind the model knows. */
export const ALL_KINDS: readonly LoadBalancerKind[] = ALL;

/** Kinds whose load balancers proxy HTTP and pool backend connections (layer 7). */
export const LAYER7_KINDS: readonly LoadBalancerKind[] = ALL.filter((k) => LOAD_BALANCER_KINDS[k].layer === 7);

/** Kinds with health-checked backend pools (every kind but the Gateway Load Balancer's appliances, judged the same way). */
export const HEALTH_CHECKED_KINDS: readonly LoadBalancerKind[] = ALL;
