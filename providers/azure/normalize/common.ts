/** Small mappers shared by the Application Gateway and Load Balancer normalizers. */
import type { BackendPool, InputKind, NotCollected, Protocol, Target } from '../../../src/model/index.js';
import { idKey, nameOfId } from '../ids.js';
import type { AzureApi } from '../apis.js';
import type { SubscriptionContext } from './context.js';

/** `Http` → `HTTP`; undefined for protocols the model has no name for. */
export function modelProtocol(value: string | undefined): Protocol | undefined {
  switch ((value ?? '').toLowerCase()) {
    case 'http':
      return 'HTTP';
    case 'https':
      return 'HTTPS';
    case 'tcp':
      return 'TCP';
    case 'tls':
      return 'TLS';
    case 'udp':
      return 'UDP';
    case 'all':
      return 'TCP_UDP';
    default:
      return undefined;
  }
}

/** A NotCollected entry when collection recorded a failure of `api` (about `resourceId` or the whole call). */
export function notCollectedIf(ctx: SubscriptionContext, input: InputKind, api: AzureApi, resourceId?: string): NotCollected[] {
  const failure = ctx.failure(api, resourceId);
  if (!failure) return [];
  return [{ input, api: api.operation, ...(failure.httpStatus === 403 ? { permission: failure.permission ?? api.action } : {}), code: failure.code }];
}

/** A NotCollected entry for a call that was not made at all (e.g. no result recorded and no error either). */
export function notMade(input: InputKind, api: AzureApi, code: string): NotCollected {
  return { input, api: api.operation, code };
}

/** What an Azure backend pool gives its unused-pool entry: its id and name. */
interface RawPoolRef {
  id?: string;
  name?: string;
}

export interface UnusedPoolSpec<P extends RawPoolRef> {
  pools: readonly P[] | undefined;
  /** `idKey`s of the pools a rule routes to. */
  routed: ReadonlySet<string>;
  type: 'azure-appgw-backend' | 'azure-lb-backend';
  /** The pool's targets, each marked with `reason` for why its health is unknown, and problems with their declarations. */
  targetsOf: (pool: P, reason: string) => { targets: Target[]; problems: string[] };
  /** Why no health is known: no rule uses the pool. */
  reason: string;
  /** The attribute naming the load balancer (`applicationGateway` or `loadBalancer`) and its value. */
  owner: Record<string, string>;
  location: string | undefined;
  tags: Record<string, string>;
  ctx: SubscriptionContext;
  problems: Array<{ resourceId: string; problem: string }>;
}

/** The pools no rule routes to, as pools of no load balancer (for `targets/unreferenced-target-group`). */
export function unusedPools<P extends RawPoolRef>(spec: UnusedPoolSpec<P>): BackendPool[] {
  return (spec.pools ?? [])
    .filter((p): p is P & { id: string } => p.id !== undefined && p.id !== '' && !spec.routed.has(idKey(p.id)))
    .map((pool) => {
      const built = spec.targetsOf(pool, spec.reason);
      for (const problem of built.problems) spec.problems.push({ resourceId: pool.id, problem });
      return {
        ref: spec.ctx.ref('backend-pool', spec.type, pool.id, pool.name ?? nameOfId(pool.id), spec.location),
        targets: built.targets,
        loadBalancerIds: [],
        attributes: { ...spec.owner, backendAddressPool: pool.name ?? '' },
        tags: spec.tags,
      };
    });
}
