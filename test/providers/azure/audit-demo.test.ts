/**
 * The whole catalog over the Azure demo, as an audit runs it (checks scoped to their kinds, fixes rendered by the Azure
 * adapter): every planted problem is found in its family, clean resources get no finding at medium or above, every
 * fix for an Azure resource parses with bash -n, and the Azure renderer covers every fix a check claims for Azure kinds.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../../checks/index.js';
import { appgwProbeHost } from '../../../checks/health/appgw-probe-host.js';
import { appgwDefaultRoute } from '../../../checks/network/appgw-default-route.js';
import { appgwInfraPortsBlocked } from '../../../checks/network/appgw-infra-ports-blocked.js';
import { lbTcpResetDisabled } from '../../../checks/timeouts/lb-tcp-reset-disabled.js';
import { AZURE_DEMO_PATH } from '../../../demo/build-azure-demo.js';
import { azureAdapter } from '../../../providers/azure/index.js';
import { atLeast, runChecks, type CheckResult } from '../../../src/engine/index.js';
import { LOAD_BALANCER_KINDS } from '../../../src/model/index.js';
import { FIX_RENDERERS } from '../../support/fix-renderers.js';

const AZURE_CHECKS = [appgwInfraPortsBlocked, appgwDefaultRoute, appgwProbeHost, lbTcpResetDisabled];
// The Azure checks join the catalog when the descriptor is registered; until then they are added here.
const catalog = [...allChecks, ...AZURE_CHECKS.filter((c) => !allChecks.some((a) => a.id === c.id))];
const inventory = azureAdapter.normalize(azureAdapter.validateRaw(JSON.parse(readFileSync(AZURE_DEMO_PATH, 'utf8'))), {});
const results = runChecks(inventory, catalog, {}, { fixRenderers: { ...FIX_RENDERERS, azure: azureAdapter.fixes } });

const failures = (where: (r: CheckResult) => boolean) => results.filter((r) => r.status === 'fail' && where(r)).map((r) => `${r.checkId} ${r.resource.name}`);
const on = (name: string) => (r: CheckResult) => r.resource.name === name || r.resource.loadBalancerName === name;

describe('audit of the Azure demo', () => {
  it('no check errors', () => {
    expect(results.filter((r) => r.status === 'error').map((r) => r.message)).toEqual([]);
  });

  it.each([
    ['pool-search~settings-search', 'targets/no-registered-targets'],
    ['pool-payments~settings-payments', 'targets/all-targets-unhealthy'],
    ['pool-payments~settings-payments', 'health/appgw-probe-host'],
    // A deallocated VM gets no traffic: not counted as failing its health checks.
    ['pool-reports~settings-reports', 'targets/unused-targets'],
    ['pool-orders~settings-orders', 'health/aggressive-ejection'],
    ['pool-orders~settings-orders', 'timeouts/idle-timeout-below-latency'],
    ['pool-cache~rule-redis', 'network/health-check-port-blocked'],
    ['pool-cache~rule-redis', 'targets/all-targets-unhealthy'],
    ['pool-ledger~rule-postgres', 'health/aggressive-ejection'],
    ['agw-legacy', 'network/appgw-infra-ports-blocked'],
    ['agw-legacy', 'network/appgw-default-route'],
    ['lb-ledger/rule-postgres', 'timeouts/lb-tcp-reset-disabled'],
    ['lb-ledger/nat-psql-admin', 'timeouts/lb-tcp-reset-disabled'],
    ['pool-inventory~settings-inventory', 'network/appgw-custom-dns-resolution'],
  ])('%s: %s', (resource, checkId) => {
    expect(failures((r) => r.resource.name === resource)).toContain(`${checkId} ${resource}`);
  });

  it('clean resources have no finding at medium or above', () => {
    const clean = ['agw-shop', 'lb-dns', 'pool-catalog~settings-catalog'];
    const loud = results.filter((r) => r.status === 'fail' && atLeast(r.severity, 'medium') && clean.some((name) => on(name)(r)));
    expect(loud.map((r) => `${r.checkId} ${r.resource.name}: ${r.message}`)).toEqual([]);
  });

  it('every fix for an Azure resource parses with bash -n', () => {
    const commands = results.filter((r) => r.status === 'fail' && r.resource.provider === 'azure' && r.remediation.cli).map((r) => r.remediation.cli as string);
    expect(commands.length).toBeGreaterThan(5);
    for (const cli of commands) {
      const check = spawnSync('bash', ['-n'], { input: cli, encoding: 'utf8' });
      expect(check.status, `${cli}\n${check.stderr}`).toBe(0);
    }
  });

  it('the Azure renderer supports every fix a check claims for an Azure kind', () => {
    const missing = catalog.flatMap((check) =>
      check.kinds.filter((k) => LOAD_BALANCER_KINDS[k].provider === 'azure').flatMap((kind) => check.fixes.filter((f) => !azureAdapter.fixes.supports(f, kind)).map((f) => `${check.id}: ${f} on ${kind}`)),
    );
    expect(missing).toEqual([]);
  });
});
