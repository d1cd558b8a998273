import { singleAzHealthy } from '../../../checks/targets/single-az-healthy.js';
import type { BackendPool, LoadBalancer, Target } from '../../../src/model/index.js';
import { albInventory, health, inventory, pool, target } from '../../support/builders.js';
import { checkTester } from '../../support/check-tester.js';

const A = 'eu-west-1a';
const B = 'eu-west-1b';
const t = (id: string, zone: string | undefined, state: 'healthy' | 'unhealthy' = 'healthy'): Target =>
  target({ id, zone, health: state === 'healthy' ? health('healthy') : health('unhealthy', 'Target.Timeout') });
const nlb = (crossZone: boolean | undefined): Partial<LoadBalancer> => ({
  kind: 'aws-nlb',
  ...(crossZone === undefined ? {} : { crossZoneEnabled: { value: crossZone, source: 'api' as const } }),
});
const inv = (targets: Target[] | undefined, lb: Partial<LoadBalancer>, poolOverrides: Partial<BackendPool> = {}) =>
  albInventory({ lb, pools: [pool('tg-api', { protocol: 'TCP', targets, ...poolOverrides })] });

const allInA = [t('i-1', A), t('i-2', A)];

checkTester(singleAzHealthy, {
  valid: [
    { name: 'boundary: healthy targets in both zones, cross-zone off', inventory: inv([t('i-1', A), t('i-2', B)], nlb(false)) },
    { name: 'all healthy in one zone but cross-zone on', inventory: inv(allInA, nlb(true)) },
    { name: 'target group turns cross-zone on over the load balancer', inventory: inv(allInA, nlb(false), { attributes: { 'load_balancing.cross_zone.enabled': 'true' } }) },
    { name: 'single-zone load balancer', inventory: inv(allInA, { ...nlb(false), zones: [{ name: A }] }) },
    { name: 'IP targets outside the VPC (zone all)', inventory: inv([t('10.9.0.1', 'all')], nlb(false)) },
  ],
  invalid: [
    {
      name: 'boundary: all healthy targets in one zone, NLB cross-zone off',
      inventory: inv(allInA, nlb(false)),
      expect: [{ messageId: 'singleZone', resource: 'tg-api', severity: 'high', contains: ['All 2 healthy targets', `are in ${A}`, `nodes in ${B}`, 'load balancer setting, api'] }],
    },
    {
      name: 'the only target in the other zone is unhealthy',
      inventory: inv([t('i-1', A), t('i-2', B, 'unhealthy')], nlb(false)),
      expect: [{ messageId: 'singleZone', resource: 'tg-api', severity: 'high', contains: [`The only healthy target of tg-api is in ${A}`] }],
    },
    {
      name: 'target group turns cross-zone off under an ALB',
      inventory: inv(allInA, { crossZoneEnabled: { value: true, source: 'fixed' } }, { protocol: 'HTTP', attributes: { 'load_balancing.cross_zone.enabled': 'false' } }),
      expect: [{ messageId: 'singleZone', resource: 'tg-api', severity: 'high', contains: ['target group attribute'] }],
    },
  ],
  unknown: [
    { name: 'cross-zone setting not collected', inventory: inv(allInA, { ...nlb(undefined), notCollected: [{ input: 'attributes', api: 'elasticloadbalancing:DescribeLoadBalancerAttributes', permission: 'elasticloadbalancing:DescribeLoadBalancerAttributes', code: 'AccessDenied' }] }), expect: [{ resource: 'tg-api', contains: ['grant elasticloadbalancing:DescribeLoadBalancerAttributes'] }] },
    { name: 'target health not collected', inventory: inv(undefined, nlb(false)), expect: [{ resource: 'tg-api' }] },
    { name: 'zone of a healthy target not collected', inventory: inv([t('i-1', A), t('i-2', undefined)], nlb(false)), expect: [{ resource: 'tg-api', contains: ['i-2:8080'] }] },
  ],
  notApplicable: [
    { name: 'no healthy target', inventory: inv([t('i-1', A, 'unhealthy')], nlb(false)), expect: [{ resource: 'tg-api' }] },
    { name: 'Lambda pool', inventory: inv(allInA, nlb(false), { targetType: 'lambda' }), expect: [{ resource: 'tg-api' }] },
    { name: 'pool not routed', inventory: inventory({ backendPools: [pool('tg-old', { targets: allInA })] }), expect: [{ resource: 'tg-old' }] },
  ],
});
