import { describe, expect, it } from 'vitest';
import { targetTlsNegotiationErrors as check } from '../../../checks/tls/target-tls-negotiation-errors.js';
import type { BackendPool, MetricSeries } from '../../../src/model/index.js';
import { albInventory, healthCheck, lbInventory, pool, ref, series } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const ALB_ID = ref('load-balancer', 'aws-alb', 'alb-web').id;
const tlsErrors = (values: number[], id = ALB_ID): MetricSeries => series(id, 'target.tls-errors', values);
const https = (name = 'tg-api', overrides: Partial<BackendPool> = {}) => pool(name, { protocol: 'HTTPS', port: 8443, ...overrides });
const alb = (pools: BackendPool[], metrics: MetricSeries[]) => albInventory({ pools, extra: { metrics } });
const threshold3 = { checks: { [check.id]: { thresholds: { errorCount: 3 } } } };

checkTester(check, {
  valid: [
    { name: 'HTTPS pool, no handshake errors', inventory: alb([https()], [tlsErrors([0, 0])]) },
    { name: 'collected, no data points', inventory: alb([https()], [tlsErrors([])]) },
    { name: 'boundary: 3 errors with threshold 3', inventory: alb([https()], [tlsErrors([3])]), config: threshold3 },
  ],
  invalid: [
    { name: 'handshake errors on an HTTPS pool', inventory: alb([https()], [tlsErrors([1, 2])]), expect: [{ messageId: 'handshakeErrors', resource: 'tg-api', severity: 'high', contains: ['failed 3 TLS handshakes', 'HTTP 502 from the ALB'] }] },
    { name: 'boundary: 4 errors with threshold 3', inventory: alb([https()], [tlsErrors([4])]), config: threshold3, expect: [{ messageId: 'handshakeErrors', resource: 'tg-api' }] },
    {
      name: 'the per-LB metric is shared by every TLS pool',
      inventory: alb([https('tg-a'), https('tg-b'), pool('tg-plain')], [tlsErrors([5])]),
      expect: [
        { messageId: 'handshakeErrors', resource: 'tg-a', contains: ['one of 2 TLS pools (tg-a, tg-b)'] },
        { messageId: 'handshakeErrors', resource: 'tg-b' },
      ],
    },
    {
      name: 'HTTP pool with an HTTPS health check',
      inventory: alb([pool('tg-hc', { healthCheck: healthCheck({ protocol: 'HTTPS' }) })], [tlsErrors([2])]),
      expect: [{ messageId: 'handshakeErrors', resource: 'tg-hc' }],
    },
    {
      name: 'NLB TLS target group',
      inventory: lbInventory('aws-nlb', { name: 'nlb-tls', pools: [pool('tg-tls', { protocol: 'TLS' })], extra: { metrics: [tlsErrors([9], ref('load-balancer', 'aws-nlb', 'nlb-tls').id)] } }),
      expect: [{ messageId: 'handshakeErrors', resource: 'tg-tls', contains: ['TargetTLSNegotiationErrorCount)'] }],
    },
  ],
  unknown: [{ name: 'metric not collected', inventory: alb([https()], []), expect: [{ resource: 'tg-api', contains: ['TargetTLSNegotiationErrorCount'] }] }],
});

describe(`${check.id} scope and evidence`, () => {
  it('does not judge plain HTTP pools', () => {
    expect(evaluateAsAudit(check, alb([pool('tg-plain')], [tlsErrors([7])]), {})).toEqual([]);
  });

  it('prefers a per-pool series and fills the diagnostic command', () => {
    const p = https();
    const inv = alb([p], [tlsErrors([0]), tlsErrors([6], p.ref.id)]);
    const [r] = evaluateAsAudit(check, inv, {});
    expect(r).toMatchObject({ status: 'fail', evidence: { observed: 6, details: { metricScope: 'target group', statusCodes: [502] } } });
    expect(r?.message).not.toContain('one of');
    expect(r?.remediation.console).toContain('make 10.0.1.10 accept TLS 1.2');
  });
});
