/**
 * The network plants of the bundled demo (demo/README.md, "network") are found, and nothing else fails: the checks
 * run end to end on the normalized AWS demo snapshot, not only on builder inventories.
 */
import { expect, it } from 'vitest';
import { runAudit } from '../../../src/audit.js';

it('finds exactly the planted network problems of the demo environment', async () => {
  const { report } = await runAudit({ source: { kind: 'demo' }, include: ['network'] });
  // The AWS demo's plants; the Azure and Google demos have their own tests.
  const aws = report.results.filter((r) => r.resource.provider === 'aws');
  const fails = aws
    .filter((r) => r.status === 'fail')
    .map((r) => `${r.checkId} ${r.resource.loadBalancerName ?? '?'}/${r.resource.name} ${r.messageId}`)
    .sort();
  expect(fails).toEqual([
    'network/health-check-port-blocked admin/admin allBlocked',
    'network/health-check-port-blocked payments/payments-ledger allBlocked',
    'network/health-check-port-blocked shop-web/shop-web someBlocked',
    'network/nacl-return-path-blocked shop-web/shop-web blocked',
    'network/nlb-security-specifics payments/payments-ledger hcEgressBlocked',
    'network/nlb-security-specifics payments/payments-ledger trafficEgressBlocked',
    'network/traffic-port-blocked payments/payments-ledger blocked',
    'network/traffic-port-blocked shop-web/shop-web blocked',
  ]);
  // Every path of the demo is decidable from what it collected: no unknown hides a gap.
  expect(aws.filter((r) => r.status === 'unknown' || r.status === 'error').map((r) => r.message)).toEqual([]);
}, 60_000);
