import { portProtocolMismatch } from '../../../checks/health/port-protocol-mismatch.js';
import type { BackendPool, LoadBalancer, TlsObservation } from '../../../src/model/index.js';
import { albInventory, health, healthCheck, pool, target, targetsWithHealth, type HealthCheckOverrides } from '../../support/builders.js';
import { checkTester } from '../../support/check-tester.js';

const ok = health('healthy');
const inv = (hc: HealthCheckOverrides | undefined, poolOverrides: Partial<BackendPool> = {}, lb: Partial<LoadBalancer> = {}) =>
  albInventory({ lb, pools: [pool('tg-api', { healthCheck: hc && healthCheck(hc), ...poolOverrides })] });

const fixedPort = { usesTrafficPort: false, port: 8081 };

function nlbHttps(tls13Only: boolean | undefined, error = false) {
  const i = inv({ protocol: 'HTTPS', path: '/healthz' }, { protocol: 'TLS', port: 443, targets: [target({ port: 443 })] }, { kind: 'aws-nlb' });
  const obs: TlsObservation = {
    kind: 'tls',
    poolId: i.backendPools[0]!.ref.id,
    targetKey: 'i-0aaa:443',
    address: '10.0.1.10',
    port: 443,
    at: '2026-11-20T11:59:00.000Z',
    protocol: 'TLSv1.3',
    ...(tls13Only === undefined ? {} : { tls13Only }),
    ...(error ? { error: { code: 'ETIMEDOUT', message: 'timed out' } } : {}),
  };
  return { ...i, observations: [obs] };
}

checkTester(portProtocolMismatch, {
  valid: [
    { name: 'traffic port, same protocol', inventory: inv({}) },
    { name: 'boundary: a fixed port equal to the traffic port', inventory: inv({ usesTrafficPort: false, port: 8080 }) },
    { name: 'NLB HTTPS check, probe saw TLS 1.2 too', inventory: nlbHttps(false) },
    { name: 'NLB HTTPS check, probe failed', inventory: nlbHttps(true, true) },
  ],
  invalid: [
    {
      name: 'health check on another port, targets healthy',
      inventory: inv(fixedPort),
      expect: [{ messageId: 'portDiffers', resource: 'tg-api', severity: 'medium', contains: ['port 8081', 'traffic on 8080'] }],
    },
    {
      name: 'health check on another port while a target is unhealthy',
      inventory: inv(fixedPort, { targets: targetsWithHealth([ok, health('unhealthy', 'Target.Timeout')]) }),
      expect: [{ messageId: 'portDiffers', resource: 'tg-api', severity: 'high', contains: ['1 target is unhealthy now'] }],
    },
    {
      name: 'fixed port against dynamic container ports',
      inventory: inv({ usesTrafficPort: false, port: 8080 }, { targets: [target({ id: 'i-1', port: 32768 }), target({ id: 'i-2', port: 32769 })] }),
      expect: [{ messageId: 'portDiffers', resource: 'tg-api', severity: 'medium', contains: ['traffic on 32768, 32769'] }],
    },
    {
      name: 'HTTP health check on an HTTPS traffic port',
      inventory: inv({ protocol: 'HTTP' }, { protocol: 'HTTPS' }),
      expect: [{ messageId: 'schemeDiffers', resource: 'tg-api', severity: 'medium', contains: ['serves HTTPS', 'with HTTP'] }],
    },
    {
      name: 'TCP health check on an HTTP pool',
      inventory: inv({ protocol: 'TCP', path: undefined, matcher: undefined }),
      expect: [{ messageId: 'tcpCheckOnHttp', resource: 'tg-api', severity: 'low', contains: ['serves HTTP', 'TCP'] }],
    },
    {
      name: 'NLB HTTPS health check against a TLS 1.3-only target',
      inventory: nlbHttps(true),
      expect: [{ messageId: 'tls13Only', resource: 'tg-api', severity: 'info', contains: ['i-0aaa:443', 'TLS 1.3'] }],
    },
  ],
  unknown: [
    { name: 'fixed health-check port not collected', inventory: inv({ usesTrafficPort: undefined, port: undefined }), expect: [{ resource: 'tg-api', contains: ['port'] }] },
    { name: 'health-check settings not collected', inventory: inv(undefined), expect: [{ resource: 'tg-api' }] },
  ],
  notApplicable: [{ name: 'Lambda pool', inventory: inv(fixedPort, { targetType: 'lambda' }), expect: [{ resource: 'tg-api' }] }],
});
