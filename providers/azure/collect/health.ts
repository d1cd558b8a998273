/**
 * Backend health: Application Gateway `backendhealth` and Load Balancer per-rule `health`. Both are long-running
 * POSTs (202 + Location, polled; the SDK honours Retry-After), each bounded by a deadline so one slow gateway cannot
 * hold the audit. Reader lacks both actions: a 403 is recorded with the action and the audit goes on.
 */
import { AZURE_API } from '../apis.js';
import { nameOfId, resourceGroupOf } from '../ids.js';
import type { SubscriptionClients } from './clients.js';
import type { CallContext } from './context.js';
import { call } from './context.js';
import type { Audited } from './resources.js';

export interface LroTiming {
  /** How long one long-running call (initial POST and every poll) may take. */
  timeoutMs: number;
  /** Poll interval when the server sends no Retry-After; undefined = the SDK's default. */
  pollIntervalMs?: number;
}

/** Runs `fn` with a signal that also fires after `timeoutMs`; a timeout becomes a DeadlineExceeded error, not an abort of the run. */
async function withDeadline<T>(ctx: CallContext, timeoutMs: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([ctx.signal, timer]) : timer;
  try {
    return await fn(signal);
  } catch (err) {
    if (timer.aborted && !ctx.signal?.aborted) {
      throw Object.assign(new Error(`${what} did not complete within ${Number((timeoutMs / 1000).toFixed(timeoutMs < 10_000 ? 1 : 0))} s`), { name: 'DeadlineExceeded', code: 'DeadlineExceeded' });
    }
    throw err;
  }
}

export async function collectBackendHealth(ctx: CallContext, clients: SubscriptionClients, audited: Audited, timing: LroTiming) {
  const gateways = (audited.applicationGateways ?? []).filter((g) => g.id && g.name);
  const tick = ctx.progress.phase('backend health', gateways.length);
  const out: Record<string, NonNullable<Awaited<ReturnType<typeof backendHealthOf>>>> = {};
  function backendHealthOf(id: string, name: string) {
    const rg = resourceGroupOf(id) ?? '';
    return call(
      ctx,
      AZURE_API.backendHealth,
      () =>
        withDeadline(ctx, timing.timeoutMs, `backend health of ${name}`, (abortSignal) =>
          clients.network.applicationGateways
            .backendHealth(rg, name, { abortSignal, ...(timing.pollIntervalMs !== undefined ? { updateIntervalInMs: timing.pollIntervalMs } : {}) })
            .pollUntilDone({ abortSignal }),
        ),
      { resourceId: id },
    );
  }
  await Promise.all(
    gateways.map(async (g) => {
      const health = await backendHealthOf(g.id as string, g.name as string).finally(tick);
      if (health) out[g.id as string] = health;
    }),
  );
  return out;
}

export async function collectRuleHealth(ctx: CallContext, clients: SubscriptionClients, audited: Audited, timing: LroTiming) {
  const rules = (audited.loadBalancers ?? []).flatMap((lb) =>
    (lb.loadBalancingRules ?? []).filter((r) => r.id && lb.id && lb.name).map((r) => ({ lbId: lb.id as string, lbName: lb.name as string, ruleId: r.id as string, ruleName: r.name ?? nameOfId(r.id as string) })),
  );
  const tick = ctx.progress.phase('rule health', rules.length);
  const out: Record<string, NonNullable<Awaited<ReturnType<typeof ruleHealthOf>>>> = {};
  function ruleHealthOf(rule: (typeof rules)[number]) {
    const rg = resourceGroupOf(rule.lbId) ?? '';
    return call(
      ctx,
      AZURE_API.ruleHealth,
      () =>
        withDeadline(ctx, timing.timeoutMs, `health of rule ${rule.ruleName}`, (abortSignal) =>
          clients.network.loadBalancerLoadBalancingRules
            .health(rg, rule.lbName, rule.ruleName, { abortSignal, ...(timing.pollIntervalMs !== undefined ? { updateIntervalInMs: timing.pollIntervalMs } : {}) })
            .pollUntilDone({ abortSignal }),
        ),
      { resourceId: rule.ruleId },
    );
  }
  await Promise.all(
    rules.map(async (rule) => {
      const health = await ruleHealthOf(rule).finally(tick);
      if (health) out[rule.ruleId] = health;
    }),
  );
  return out;
}
