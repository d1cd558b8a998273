import { describe, expect, it } from 'vitest';
import { nlbTcpIdleTimeout as check } from '../../../checks/timeouts/nlb-tcp-idle-timeout.js';
import type { BackendProfile, Listener, MetricSeries } from '../../../src/model/index.js';
import { albInventory, lbInventory, pool, ref, series, sourced } from '../../support/builders.js';
import { checkTester, evaluateAsAudit } from '../../support/check-tester.js';

const NLB_ID = ref('load-balancer', 'aws-nlb', 'nlb-db').id;
const resets = (n: number[]): MetricSeries => series(NLB_ID, 'lb.tcp.resets', n);
const tcp = (idle: number | undefined): Partial<Listener> => ({ protocol: 'TCP', port: 5432, ...(idle === undefined ? {} : { idleTimeoutSeconds: sourced(idle, 'api', 'attribute tcp.idle_timeout.seconds') }) });
const tls: Partial<Listener> = { protocol: 'TLS', port: 443 };
const declared = (seconds: number | null): BackendProfile => ({ keepAliveSeconds: sourced(seconds, 'declared', 'tag cloud502:keepalive on tg-db') });
const nlb = (backend: BackendProfile | undefined, listener: Partial<Listener>, metrics: MetricSeries[] = []) =>
  lbInventory('aws-nlb', { name: 'nlb-db', pools: [pool('tg-db', { protocol: 'TCP', port: 5432, ...(backend ? { backend } : {}) })], listener, extra: { metrics } });

checkTester(check, {
  valid: [
    { name: 'declared 300 s pool idle below the 350 s default', inventory: nlb(declared(300), tcp(350)) },
    { name: 'boundary: 349 s below the fixed 350 s of a TLS listener', inventory: nlb(declared(349), tls) },
    { name: 'nothing declared and no resets', inventory: nlb(undefined, tcp(350), [resets([0, 0])]) },
    { name: 'an inferred server default is not a declared long-idle flow', inventory: nlb({ server: sourced('nginx', 'inferred', 'Server header') }, tcp(60), [resets([])]) },
  ],
  invalid: [
    { name: 'boundary: declared idle equal to the timeout', inventory: nlb(declared(350), tcp(350)), expect: [{ messageId: 'idleExceeds', resource: 'tg-db', severity: 'medium', contains: ['350 s (declared: tag cloud502:keepalive on tg-db)', 'TCP:5432'] }] },
    {
      name: 'resets corroborate: high',
      inventory: nlb(declared(600), tcp(350), [resets([5, 7])]),
      expect: [{ messageId: 'idleExceeds', resource: 'tg-db', severity: 'high', contains: ['12 TCP resets (TCP_ELB_Reset_Count) in the last 24 h'] }],
    },
    { name: 'boundary: resets at the threshold stay medium', inventory: nlb(declared(600), tcp(350), [resets([2])]), config: { checks: { [check.id]: { thresholds: { resetCount: 2 } } } }, expect: [{ messageId: 'idleExceeds', resource: 'tg-db', severity: 'medium' }] },
    { name: 'a backend that never closes idle connections', inventory: nlb(declared(null), tcp(350)), expect: [{ messageId: 'idleExceeds', resource: 'tg-db', contains: ['indefinitely'] }] },
    { name: 'TLS listener fixed at 350 s', inventory: nlb(declared(400), tls), expect: [{ messageId: 'idleExceeds', resource: 'tg-db', contains: ['TLS:443'] }] },
  ],
  unknown: [
    { name: 'resets without a declaration', inventory: nlb(undefined, tcp(350), [resets([4])]), expect: [{ resource: 'tg-db', contains: ['sent 4 TCP resets', 'cloud502:keepalive=<seconds>'] }] },
    { name: 'no declaration and no metrics', inventory: nlb(undefined, tcp(350)), expect: [{ resource: 'tg-db', contains: ['not collected'] }] },
    {
      name: 'declared, listener attribute not collected',
      inventory: {
        ...nlb(declared(600), tcp(undefined)),
        coverage: [{ provider: 'aws', region: 'eu-west-1', api: 'elasticloadbalancing:DescribeListenerAttributes', permission: 'elasticloadbalancing:DescribeListenerAttributes', code: 'AccessDenied', message: 'denied', inputs: ['attributes'] }],
      },
      expect: [{ resource: 'tg-db', contains: ['grant elasticloadbalancing:DescribeListenerAttributes'] }],
    },
  ],
});

describe(`${check.id} scope and remediation`, () => {
  it('ignores L7 load balancers', () => {
    const results = evaluateAsAudit(check, albInventory(), {});
    expect(results.map((r) => [r.status, r.resource.name])).toEqual([['not_applicable', 'Application Load Balancer']]);
  });

  it('suggests a listener idle timeout above the declared period, and none for TLS listeners', () => {
    const inv = nlb(declared(600), tcp(350));
    const [r] = evaluateAsAudit(check, inv, {});
    expect(r?.remediation.cli).toBe(`aws elbv2 modify-listener-attributes --listener-arn ${inv.loadBalancers[0]!.listeners[0]!.ref.id} --attributes Key=tcp.idle_timeout.seconds,Value=605`);
    const [t] = evaluateAsAudit(check, nlb(declared(400), tls), {});
    // A TLS listener's 350 s cannot be changed: no command, the message says to use TCP keepalives.
    expect(t?.remediation.cli).toBeUndefined();
    expect(t?.message).toContain('keepalive');
    expect(t?.evidence.source).toContain('fixed: NLB TLS listeners: 350 s');
  });
});
