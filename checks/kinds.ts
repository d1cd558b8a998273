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

/** Kinds with health-checked backend pools. */
export const HEALTH_CHECKED_KINDS: readonly LoadBalancerKind[] = ALL;

/** Kinds whose health checks can be turned off. */
export const OPTIONAL_HEALTH_CHECK_KINDS: readonly LoadBalancerKind[] = ALL.filter((k) => !LOAD_BALANCER_KINDS[k].healthChecksAlwaysOn);

/** Kinds with connection draining (a deregistration delay). */
export const DRAINING_KINDS: readonly LoadBalancerKind[] = ALL.filter((k) => !LOAD_BALANCER_KINDS[k].noConnectionDraining);

/** Kinds whose pools exist apart from the load balancer (a Classic ELB is its own pool). */
export const SEPARATE_POOL_KINDS: readonly LoadBalancerKind[] = ALL.filter((k) => !LOAD_BALANCER_KINDS[k].poolIsLoadBalancer);
