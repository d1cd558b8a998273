import { describe, expect, it } from 'vitest';
import { createRegistry } from '../../checks/index.js';
import type { Linkable } from '../../src/engine/causality.js';
import { BLOCKED_PATH_ORDER, causalEdges, HEALTH_CONSEQUENCES, HEALTH_EXPLAINERS, healthReasonKind, linkCauses, PORT_MISMATCH_CHECK } from '../../src/engine/causality.js';
import { LATENT_FINDINGS } from '../../src/engine/evidence.js';
import type { Severity, Status } from '../../src/engine/result.js';

const LB = 'arn:lb/web';
const POOL = 'arn:tg/api';

let n = 0;
/** A failing result with just what linking reads. */
function finding(checkId: string, opts: { messageId?: string; severity?: Severity; status?: Status; pool?: string; lb?: string; details?: Record<string, unknown>; observed?: unknown } = {}): Linkable {
  n += 1;
  return {
    checkId,
    messageId: opts.messageId ?? 'm',
    status: opts.status ?? 'fail',
    severity: opts.severity ?? 'high',
    fingerprint: `${String(n).padStart(4, '0')}${'0'.repeat(28)}`,
    resource: { id: opts.pool ?? POOL, kind: 'backend-pool', loadBalancerId: opts.lb ?? LB },
    evidence: { ...(opts.details ? { details: opts.details } : {}), ...(opts.observed !== undefined ? { observed: opts.observed } : {}) },
  };
}

const blocked = (rule: string, port: number, ...targets: string[]) => ({ blocked: targets.map((target) => ({ target, port, protocol: 'tcp', decidingRule: rule })) });
const unhealthy = (...t: Array<[string, string]>) => ({ unhealthyTargets: t.map(([target, reason]) => ({ target, reason, state: 'unhealthy' })) });
const NACL = 'acl-1 rule * deny all';
const SG = 'sg-1: no ingress rule allows it (implicit deny)';

function edges(results: Linkable[]): string[] {
  const name = new Map(results.map((r) => [r.fingerprint, r.checkId]));
  return causalEdges(results).map(([a, b]) => `${name.get(a)} > ${name.get(b)}`);
}

describe('causalEdges', () => {
  const rows: Array<{ name: string; results: () => Linkable[]; expected: string[] }> = [
    {
      name: 'one NACL rule seen by three network checks: the return-path check is the cause, the others fold under it',
      results: () => [
        finding('network/health-check-port-blocked', { severity: 'critical', details: blocked(NACL, 8080, 'i-1:8080') }),
        finding('network/traffic-port-blocked', { details: blocked(NACL, 8080, 'i-1:8080') }),
        finding('network/nacl-return-path-blocked', { details: blocked(NACL, 8080, 'i-1:8080') }),
      ],
      expected: ['network/nacl-return-path-blocked > network/health-check-port-blocked', 'network/nacl-return-path-blocked > network/traffic-port-blocked'],
    },
    {
      name: 'the same policy on another port is another path: no link',
      results: () => [finding('network/health-check-port-blocked', { details: blocked(SG, 8081, 'i-1:8080') }), finding('network/traffic-port-blocked', { details: blocked(SG, 8080, 'i-1:8080') })],
      expected: [],
    },
    {
      name: 'every unhealthy target blocked on the health-check port: unhealthy-targets is a consequence',
      results: () => [
        finding('network/health-check-port-blocked', { details: blocked(SG, 8080, 'i-1:8080', 'i-2:8080') }),
        finding('targets/all-targets-unhealthy', { severity: 'critical', details: unhealthy(['i-1:8080', 'Target.Timeout'], ['i-2:8080', 'Target.FailedHealthChecks']) }),
      ],
      expected: ['network/health-check-port-blocked > targets/all-targets-unhealthy'],
    },
    {
      name: 'boundary: one unhealthy target the block does not explain keeps the health finding a cause of its own',
      results: () => [
        finding('network/health-check-port-blocked', { details: blocked(SG, 8080, 'i-1:8080') }),
        finding('targets/unhealthy-targets', { details: unhealthy(['i-1:8080', 'Target.Timeout'], ['i-3:8080', 'Target.Timeout']) }),
      ],
      expected: [],
    },
    {
      name: 'a traffic-port block does not explain failing health checks',
      results: () => [finding('network/traffic-port-blocked', { details: blocked(SG, 8080, 'i-1:8080') }), finding('targets/unhealthy-targets', { details: unhealthy(['i-1:8080', 'Target.Timeout']) })],
      expected: [],
    },
    {
      name: 'a wrong matcher explains the targets failing with the wrong status code',
      results: () => [
        finding('health/response-code-mismatch', { observed: [{ target: 'i-1:8080', reason: 'Target.ResponseCodeMismatch' }] }),
        finding('targets/unhealthy-targets', { details: unhealthy(['i-1:8080', 'Target.ResponseCodeMismatch']) }),
      ],
      expected: ['health/response-code-mismatch > targets/unhealthy-targets'],
    },
    {
      name: 'failed TLS handshakes explain FailedHealthChecks on the pool, not timeouts',
      results: () => [
        finding('tls/target-tls-negotiation-errors'),
        finding('targets/all-targets-unhealthy', { details: unhealthy(['i-1:443', 'Target.FailedHealthChecks']) }),
        finding('targets/unhealthy-targets', { pool: 'arn:tg/other', details: unhealthy(['i-9:443', 'Target.FailedHealthChecks']) }),
        finding('targets/unhealthy-targets', { details: unhealthy(['i-2:443', 'Target.Timeout']) }),
      ],
      expected: ['tls/target-tls-negotiation-errors > targets/all-targets-unhealthy'],
    },
    {
      name: 'a timeout close to the interval is no explanation; one below the latency explains timeouts',
      results: () => [
        finding('health/timeout-vs-interval', { messageId: 'timeoutCloseToInterval' }),
        finding('targets/unhealthy-targets', { details: unhealthy(['i-1:8080', 'Target.Timeout']) }),
        finding('health/timeout-vs-interval', { messageId: 'timeoutBelowLatency', pool: 'arn:tg/slow' }),
        finding('targets/unhealthy-targets', { pool: 'arn:tg/slow', details: unhealthy(['i-5:8080', 'Target.Timeout']) }),
      ],
      expected: ['health/timeout-vs-interval > targets/unhealthy-targets'],
    },
    {
      name: 'a health check on another port explains that port being blocked, and through it the unhealthy targets',
      results: () => [
        finding(PORT_MISMATCH_CHECK, { messageId: 'portDiffers', observed: 8081 }),
        finding('network/health-check-port-blocked', { severity: 'critical', details: blocked(SG, 8081, 'i-1:8080') }),
        finding('targets/all-targets-unhealthy', { severity: 'critical', details: unhealthy(['i-1:8080', 'Target.Timeout']) }),
      ],
      expected: [
        'health/port-protocol-mismatch > network/health-check-port-blocked',
        'health/port-protocol-mismatch > targets/all-targets-unhealthy',
        'network/health-check-port-blocked > targets/all-targets-unhealthy',
      ],
    },
    {
      name: 'no link when the traffic port is blocked too (opening the probe port alone would not fix it)',
      results: () => [
        finding(PORT_MISMATCH_CHECK, { messageId: 'portDiffers', observed: 8081 }),
        finding('network/health-check-port-blocked', { details: blocked(SG, 8081, 'i-1:8080') }),
        finding('network/traffic-port-blocked', { details: blocked(SG, 8080, 'i-1:8080') }),
      ],
      expected: [],
    },
    {
      name: 'findings on different load balancers, and results that do not fail, are never linked',
      results: () => [
        finding('network/health-check-port-blocked', { details: blocked(SG, 8080, 'i-1:8080') }),
        finding('network/traffic-port-blocked', { lb: 'arn:lb/other', details: blocked(SG, 8080, 'i-1:8080') }),
        finding('targets/unhealthy-targets', { status: 'suppressed', details: unhealthy(['i-1:8080', 'Target.Timeout']) }),
        finding('network/nacl-return-path-blocked', { status: 'unknown', details: blocked(SG, 8080, 'i-1:8080') }),
      ],
      expected: [],
    },
  ];

  it.each(rows)('$name', ({ results, expected }) => {
    expect(edges(results())).toEqual(expected);
  });

  it('reads provider health reasons coarsely', () => {
    expect(['Target.Timeout', 'Request timed out', 'Target.ResponseCodeMismatch', 'Target.FailedHealthChecks', 'Instance', undefined].map(healthReasonKind)).toEqual([
      'timeout', 'timeout', 'response-code', 'failed', 'failed', 'failed',
    ]);
  });
});

describe('linkCauses', () => {
  it('writes causedBy on consequences and explains on causes, by fingerprint, and is idempotent', () => {
    const cause = finding('network/nacl-return-path-blocked', { details: blocked(NACL, 8080, 'i-1:8080') });
    const other = finding('network/health-check-port-blocked', { details: blocked(NACL, 8080, 'i-1:8080') });
    const health = finding('targets/unhealthy-targets', { details: unhealthy(['i-1:8080', 'Target.Timeout']) });
    const alone = finding('timeouts/idle-timeout-below-latency');
    const linked = linkCauses([cause, other, health, alone]);
    expect(linked[0]).toMatchObject({ explains: [other.fingerprint, health.fingerprint] });
    expect(linked[0]?.causedBy).toBeUndefined();
    expect(linked[1]).toMatchObject({ causedBy: [cause.fingerprint], explains: [health.fingerprint] });
    expect(linked[2]).toMatchObject({ causedBy: [cause.fingerprint, other.fingerprint] });
    expect(linked[3]).toBe(alone);
    expect(linkCauses(linked)).toEqual(linked);
  });

  it('removes links that no longer hold (the cause was accepted in the baseline)', () => {
    const cause = finding('network/health-check-port-blocked', { details: blocked(SG, 8080, 'i-1:8080') });
    const health = finding('targets/unhealthy-targets', { details: unhealthy(['i-1:8080', 'Target.Timeout']) });
    const linked = linkCauses([cause, health]);
    const relinked = linkCauses([{ ...linked[0]!, status: 'suppressed' }, linked[1]!]);
    expect(relinked[1]?.causedBy).toBeUndefined();
    expect(relinked[0]?.explains).toBeUndefined();
  });
});

describe('the rules name real checks and message ids', () => {
  const registry = createRegistry();
  it.each([...BLOCKED_PATH_ORDER, ...HEALTH_CONSEQUENCES, PORT_MISMATCH_CHECK])('%s is in the catalog', (id) => {
    expect(registry.get(id), id).toBeDefined();
  });
  it.each([...HEALTH_EXPLAINERS.map((e) => [e.check, e.messageIds ?? []] as const), ...LATENT_FINDINGS.map((l) => [l.checkId, [l.messageId]] as const)])(
    '%s with messages %j',
    (id, messageIds) => {
      const check = registry.get(id);
      expect(check, id).toBeDefined();
      for (const m of messageIds) expect(Object.keys(check!.messages), `${id} ${m}`).toContain(m);
    },
  );
});
