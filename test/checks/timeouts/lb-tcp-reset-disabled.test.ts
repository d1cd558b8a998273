import { lbTcpResetDisabled } from '../../../checks/timeouts/lb-tcp-reset-disabled.js';
import { checkTester } from '../../support/check-tester.js';
import type { Json, SubscriptionWorld } from '../../providers/azure/support/arm.js';
import { azureInventory, props, resource } from '../../providers/azure/support/inventory.js';
import { IDS } from '../../providers/azure/support/world.js';

/** The API rule with TCP reset off, the given idle timeout, and the scale set's tags replaced. */
function resetOff(minutes: number, tags: Record<string, string> | undefined) {
  return (s: SubscriptionWorld) => {
    const rule = (props(resource(s.loadBalancers, IDS.lb)).loadBalancingRules as Json[])[0]!.properties as Json;
    rule.enableTcpReset = false;
    rule.idleTimeoutInMinutes = minutes;
    const vmss = resource(s.virtualMachineScaleSets, IDS.vmss);
    if (tags) vmss.tags = tags;
    else delete vmss.tags;
    // The gateway's API pool shares the scale set; only the load balancer matters here.
  };
}

checkTester(lbTcpResetDisabled, {
  valid: [
    { name: 'TCP reset on', inventory: azureInventory() },
    { name: 'TCP reset off, but backends close idle connections after 60 s, before the 4 min timeout', inventory: azureInventory(resetOff(4, { 'cloud502:keepalive': '60' })) },
    { name: 'boundary: keep-alive one second shorter than the idle timeout', inventory: azureInventory(resetOff(4, { 'cloud502:keepalive': '239' })) },
  ],
  invalid: [
    {
      name: 'TCP reset off, Go backends that never close idle connections',
      inventory: azureInventory(resetOff(4, { 'cloud502:server': 'go' })),
      expect: [{ messageId: 'silentDrop', resource: 'lb-api/rule-api', severity: 'medium', contains: ['idle for 240 s', 'open indefinitely', 'inferred: default of go'] }],
    },
    {
      name: 'boundary: keep-alive equal to the idle timeout',
      inventory: azureInventory(resetOff(30, { 'cloud502:keepalive': '1800' })),
      expect: [{ messageId: 'silentDrop', resource: 'lb-api/rule-api', contains: ['idle for 1800 s', 'for 1800 s (declared: tag cloud502:keepalive=1800 on scale set vmss-api)'] }],
    },
  ],
  unknown: [
    { name: 'TCP reset off and no backend declaration', inventory: azureInventory(resetOff(4, undefined)), expect: [{ resource: 'lb-api/rule-api', contains: ['TCP reset is off', 'cloud502:keepalive'] }] },
  ],
  notApplicable: [
    {
      name: 'a Basic load balancer',
      inventory: azureInventory((s) => (resource(s.loadBalancers, IDS.lb).sku = { name: 'Basic' })),
      // The engine adds one not-applicable result per kind the check does not claim.
      expect: [{ resource: 'lb-api' }, { resource: 'Application Gateway' }],
    },
    {
      name: 'a UDP rule',
      inventory: azureInventory((s) => (((props(resource(s.loadBalancers, IDS.lb)).loadBalancingRules as Json[])[0]!.properties as Json).protocol = 'Udp')),
      expect: [{ resource: 'lb-api/rule-api' }, { resource: 'Application Gateway' }],
    },
  ],
});
