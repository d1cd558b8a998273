import { defineCheck } from '../../src/engine/index.js';
import type { BackendPool, Listener, LoadBalancer, Sourced } from '../../src/model/index.js';
import { effectiveKeepAlive, mergeBackendProfiles } from '../../src/model/index.js';

/** The longest idle keep-alive of a pool's backends; `null` = never closes. Undefined when any backend is unknown. */
function longestKeepAlive(pool: BackendPool): { keepAlive: Sourced<number | null>; unknown: string[] } | { keepAlive: undefined; unknown: string[] } {
  const targets = pool.targets ?? [];
  const profiles = targets.length > 0 ? targets.map((t) => ({ key: t.key, ka: effectiveKeepAlive(mergeBackendProfiles(pool.backend, t.backend)) })) : [{ key: pool.ref.name, ka: effectiveKeepAlive(pool.backend) }];
  const unknown = profiles.filter((p) => p.ka === undefined).map((p) => p.key);
  let longest: Sourced<number | null> | undefined;
  for (const { ka } of profiles) {
    if (!ka) continue;
    if (!longest || ka.value === null || (longest.value !== null && ka.value > longest.value)) longest = ka;
  }
  return { keepAlive: longest, unknown };
}

function poolsOf(listener: Listener, byId: (id: string) => BackendPool | undefined): BackendPool[] {
  return [...new Set([...listener.defaultPoolIds, ...listener.routes.flatMap((r) => r.poolIds)])].map(byId).filter((p): p is BackendPool => p !== undefined);
}

function describe(s: Sourced<unknown>): string {
  return s.detail ? `${s.source}: ${s.detail}` : s.source;
}

export const lbTcpResetDisabled = defineCheck({
  id: 'timeouts/lb-tcp-reset-disabled',
  title: 'Azure Load Balancer rules reset the connections they drop for idleness, where backends keep them open longer',
  family: 'timeouts',
  severity: 'medium',
  causes: [502, 504],
  kinds: ['azure-lb'],
  fixes: ['set-flow-idle-timeout'],
  rationale:
    'An Azure Load Balancer rule forgets a flow idle longer than its idle timeout (4-100 min, default 4). With TCP reset off ' +
    '(the default) it drops the flow silently: neither end learns it, and the next packet on that connection goes nowhere. ' +
    'Backends and clients that keep idle connections longer than the timeout (pooled HTTP keep-alive, database and gRPC ' +
    'channels) then reuse dead connections, which hang until a retransmission timeout; an L7 proxy in front answers 502 or ' +
    '504. With enableTcpReset the load balancer sends a TCP RST both ways and the connection is replaced at once.',
  remediation: {
    summary: 'Turn on TCP reset on the rule (Standard SKU), or raise its idle timeout above the backend keep-alive, or make the backend close idle connections sooner.',
  },
  docs: [
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-reset',
    'https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-idle-timeout',
  ],
  thresholds: {},
  messages: {
    silentDrop:
      'Rule {{rule}} of {{lb}} drops flows idle for {{idle}} s without resetting them (TCP reset off), and the backends of {{pool}} keep idle connections {{keepAlive}} ({{source}}): connections reused after the timeout hang, and a proxy in front answers 502/504.',
  },
  evaluate(inv, ctx) {
    for (const lb of inv.loadBalancers) {
      if (lb.kind !== 'azure-lb') continue;
      if ((lb.sku ?? '').toLowerCase() === 'basic') {
        ctx.notApplicable(lb, 'TCP reset exists only on Standard load balancers (Basic load balancers cannot send it).');
        continue;
      }
      for (const listener of lb.listeners) judgeRule(lb, listener);
    }

    function judgeRule(lb: LoadBalancer, listener: Listener): void {
      const where = { ref: listener.ref, loadBalancer: lb };
      if (listener.protocol === 'UDP') {
        ctx.notApplicable(where, 'UDP flows have no connection to reset.');
        return;
      }
      const reset = listener.resetsIdleFlows;
      const idle = listener.idleTimeoutSeconds;
      if (!reset || !idle) {
        ctx.unknown(where, 'the rule\'s idle timeout or TCP reset setting was not collected (Microsoft.Network/loadBalancers/read).');
        return;
      }
      if (reset.value) {
        ctx.pass(where, { message: `${listener.ref.name}: idle flows are reset after ${idle.value} s (TCP reset on).` });
        return;
      }
      const pools = poolsOf(listener, (id) => ctx.index.pool(id));
      if (pools.length === 0) {
        ctx.notApplicable(where, 'the rule sends to no backend pool.');
        return;
      }
      let unknown: string[] = [];
      let failed = false;
      for (const pool of pools) {
        const { keepAlive, unknown: missing } = longestKeepAlive(pool);
        unknown = [...unknown, ...missing];
        if (!keepAlive) continue;
        // The backend keeps idle connections at least as long as the load balancer remembers them: the drop bites.
        if (keepAlive.value !== null && keepAlive.value < idle.value) continue;
        failed = true;
        const rule = listener.ref.name.split('/').pop() ?? listener.ref.name;
        ctx.fail(
          where,
          'silentDrop',
          {
            rule,
            lb: lb.ref.name,
            idle: idle.value,
            pool: pool.ref.name,
            keepAlive: keepAlive.value === null ? 'open indefinitely' : `for ${keepAlive.value} s`,
            source: describe(keepAlive),
          },
          {
            discriminator: pool.ref.id,
            fix: { kind: 'set-flow-idle-timeout', lbId: lb.ref.id, listenerId: listener.ref.id, seconds: idle.value, enableTcpReset: true },
            evidence: {
              path: 'listener.resetsIdleFlows',
              observed: { resetsIdleFlows: false, idleTimeoutSeconds: idle.value, backendKeepAliveSeconds: keepAlive.value },
              expected: 'TCP reset on, or a backend keep-alive shorter than the idle timeout',
              source: describe(reset),
              details: {
                idleTimeoutSource: describe(idle),
                keepAliveSource: describe(keepAlive),
              },
            },
          },
        );
      }
      if (failed) return;
      if (unknown.length > 0) {
        ctx.unknown(
          where,
          `TCP reset is off and how long the backends keep idle connections is not known for ${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ` and ${unknown.length - 3} more` : ''}. ` +
            'Declare it with the tag cloud502:server=<kind> or cloud502:keepalive=<seconds> on the VM, NIC, scale set or load balancer, or a backends: entry in .cloud502.yml.',
        );
        return;
      }
      ctx.pass(where, { message: `${listener.ref.name}: TCP reset is off, but the backends close idle connections before the ${idle.value} s idle timeout.` });
    }
  },
});
