import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { azureDescriptor } from '../../../providers/azure/descriptor.js';
import { azureRoleDefinition } from '../../../providers/azure/iam.js';
import { parseLocation, parseResourceGroup, parseSubscriptionId, resolveAzureSettings } from '../../../providers/azure/options.js';
import { ConfigError } from '../../../src/errors.js';
import type { CollectOptions } from '../../../src/provider.js';

const SUB = '11111111-1111-1111-1111-111111111111';
const base = (providerOptions: CollectOptions['providerOptions'] = {}, endpointUrl?: string): CollectOptions => ({
  providerOptions,
  ...(endpointUrl !== undefined ? { endpointUrl } : {}),
  metricsWindowSeconds: 0,
  now: new Date('2026-11-20T12:00:00Z'),
});

describe('Azure option parsers', () => {
  it.each([
    [SUB.toUpperCase(), SUB],
    [` ${SUB} `, SUB],
  ])('subscription %s → %s', (input, out) => expect(parseSubscriptionId(input)).toBe(out));

  it.each(['prod', '1111', `${SUB}x`, ''])('rejects subscription "%s" in one line', (input) => {
    expect(() => parseSubscriptionId(input)).toThrow(/is not an Azure subscription id \(expected a GUID/);
  });

  it('resource groups and locations', () => {
    expect(parseResourceGroup('rg-web_1.(x)')).toBe('rg-web_1.(x)');
    expect(() => parseResourceGroup('rg.')).toThrow(/not a resource group name/);
    expect(() => parseResourceGroup('a'.repeat(91))).toThrow(/not a resource group name/);
    expect(parseLocation('West Europe')).toBe('westeurope');
    expect(() => parseLocation('west-europe')).toThrow(/not an Azure location/);
  });

  it('the descriptor names its kinds and options, and loads no SDK', () => {
    expect(azureDescriptor.kinds).toEqual(['azure-appgw', 'azure-lb']);
    expect(azureDescriptor.options.map((o) => o.flags)).toEqual(['--subscription <id>', '--resource-group <name>', '--location <location>', '--azure-cloud <name>', '--azure-metrics-endpoint <url>']);
    expect(() => azureDescriptor.options.find((o) => o.key === 'azureMetricsEndpoint')?.parse?.('http://127.0.0.1:1')).toThrow(/must use https/);
    expect(azureDescriptor.options.find((o) => o.key === 'azureCloud')?.parse?.('azureusgovernment')).toBe('AzureUSGovernment');
    expect(azureDescriptor.demoSnapshot).toBe('demo/azure-demo.json');
  });
});

describe('resolveAzureSettings', () => {
  it('defaults to the public cloud, every listable subscription', () => {
    const s = resolveAzureSettings(base(), {});
    expect(s).toMatchObject({ endpoint: 'https://management.azure.com', scope: 'https://management.azure.com/.default', authorityHost: 'https://login.microsoftonline.com', endpointOverridden: false });
    expect(s.subscriptions).toBeUndefined();
  });

  it.each([
    ['AzureUSGovernment', 'https://management.usgovcloudapi.net', 'https://login.microsoftonline.us'],
    ['AzureChinaCloud', 'https://management.chinacloudapi.cn', 'https://login.chinacloudapi.cn'],
  ])('--azure-cloud %s sets the endpoint, authority and scope together', (cloud, endpoint, authority) => {
    const s = resolveAzureSettings(base({ azureCloud: cloud }), {});
    expect(s).toMatchObject({ endpoint, authorityHost: authority, scope: `${endpoint}/.default` });
  });

  it('the endpoint override wins and the scope follows it; an empty variable is unset', () => {
    expect(resolveAzureSettings(base({}, 'https://arm.contoso.test:8443/'), {}).scope).toBe('https://arm.contoso.test:8443/.default');
    expect(resolveAzureSettings(base(), { AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://127.0.0.1:9443' }).endpoint).toBe('https://127.0.0.1:9443');
    expect(resolveAzureSettings(base(), { AZURE_RESOURCE_MANAGER_ENDPOINT: '' }).endpoint).toBe('https://management.azure.com');
    expect(resolveAzureSettings(base(), { AZURE_AUTHORITY_HOST: 'https://login.example.test' }).authorityHost).toBe('https://login.example.test');
  });

  it.each([
    ['AzureCloud', 'https://westeurope.metrics.monitor.azure.com', 'https://metrics.monitor.azure.com/.default'],
    ['AzureUSGovernment', 'https://westeurope.metrics.monitor.azure.us', 'https://metrics.monitor.azure.us/.default'],
    ['AzureChinaCloud', 'https://westeurope.metrics.monitor.azure.cn', 'https://metrics.monitor.azure.cn/.default'],
  ])('%s: the metrics batch API at the regional data-plane host, with its own token scope', (cloud, endpoint, scope) => {
    const s = resolveAzureSettings(base({ azureCloud: cloud }), {});
    expect(s.metricsBatch?.endpointFor('westeurope')).toBe(endpoint);
    expect(s.metricsBatch).toMatchObject({ scope, overridden: false });
  });

  it('the metrics endpoint override (flag, else AZURE_MONITOR_METRICS_ENDPOINT) serves every location, and the scope follows it', () => {
    const flag = resolveAzureSettings(base({ azureMetricsEndpoint: 'https://127.0.0.1:9444/' }), { AZURE_MONITOR_METRICS_ENDPOINT: 'https://ignored.test' });
    expect(flag.metricsBatch?.endpointFor('eastus')).toBe('https://127.0.0.1:9444');
    expect(flag.metricsBatch).toMatchObject({ scope: 'https://127.0.0.1:9444/.default', overridden: true });
    expect(resolveAzureSettings(base(), { AZURE_MONITOR_METRICS_ENDPOINT: 'https://metrics.contoso.test' }).metricsBatch?.endpointFor('x')).toBe('https://metrics.contoso.test');
  });

  it('boundary: Resource Manager overridden without a metrics endpoint reads metrics per resource through it (no public-cloud host)', () => {
    expect(resolveAzureSettings(base({}, 'https://127.0.0.1:9443'), {}).metricsBatch).toBeUndefined();
    expect(resolveAzureSettings(base(), { AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://127.0.0.1:9443' }).metricsBatch).toBeUndefined();
    expect(resolveAzureSettings(base({ azureMetricsEndpoint: 'https://127.0.0.1:9444' }, 'https://127.0.0.1:9443'), {}).metricsBatch?.overridden).toBe(true);
  });

  it('subscriptions come from the flag (lists, commas), else AZURE_SUBSCRIPTION_ID', () => {
    const other = '33333333-3333-3333-3333-333333333333';
    expect(resolveAzureSettings(base({ subscription: [`${SUB},${other}`, SUB] }), {}).subscriptions).toEqual([SUB, other]);
    expect(resolveAzureSettings(base(), { AZURE_SUBSCRIPTION_ID: SUB }).subscriptions).toEqual([SUB]);
  });

  it.each([
    [base({ subscription: ['prod'] }), {}, /^--subscription: "prod" is not an Azure subscription id/],
    [base(), { AZURE_SUBSCRIPTION_ID: 'prod' }, /^AZURE_SUBSCRIPTION_ID: "prod" is not/],
    [base({ azureCloud: 'Mars' }), {}, /^--azure-cloud: unknown Azure cloud "Mars" \(expected AzureCloud, AzureUSGovernment, AzureChinaCloud\)$/],
    [base({}, 'http://127.0.0.1:8080'), {}, /must use https: the Azure SDK sends tokens only over TLS$/],
    [base({}, 'not a url'), {}, /^Azure Resource Manager endpoint "not a url" is not a URL$/],
    [base({ resourceGroup: 'rg.' }), {}, /^--resource-group: "rg\." is not a resource group name/],
    [base(), { AZURE_MONITOR_METRICS_ENDPOINT: 'http://127.0.0.1:9444' }, /^Azure Monitor metrics endpoint "http:\/\/127\.0\.0\.1:9444" must use https/],
    [base({ azureMetricsEndpoint: 'metrics' }), {}, /^Azure Monitor metrics endpoint "metrics" is not a URL$/],
  ])('bad input is one ConfigError line (%#)', (options, env, message) => {
    expect(() => resolveAzureSettings(options, env)).toThrow(ConfigError);
    expect(() => resolveAzureSettings(options, env)).toThrow(message);
  });
});

describe('the README Azure section, as a new user reads it', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Azure (`--provider azure`)'), readme.indexOf('## Google Cloud'));

  it('documents every Azure option and its environment variables', () => {
    for (const o of azureDescriptor.options) expect(section).toContain(`\`${o.flags.split(' ')[0]!}`);
    for (const v of ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_MANAGER_ENDPOINT', 'AZURE_MONITOR_METRICS_ENDPOINT', 'AZURE_TOKEN_CREDENTIALS']) expect(section).toContain(v);
  });

  it('shows the commands, and the role with the actions Reader lacks and the data action', () => {
    for (const c of ['cloud502 audit --provider azure', 'cloud502 collect --provider azure', 'cloud502 iam-policy --provider azure', 'az role definition create --role-definition @cloud502-role.json']) expect(section).toContain(c);
    const role = azureRoleDefinition();
    for (const a of [...role.Actions.filter((x) => x.endsWith('/action')), ...role.DataActions]) expect(section).toContain(a);
  });

  it('providers/azure/README-section.md is the same text', () => {
    expect(readFileSync('providers/azure/README-section.md', 'utf8')).toBe(`#${section.trimEnd()}\n`);
  });
});

describe('lazy SDK', () => {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

  it('no Azure SDK is imported at load time (types only); the clients load with import() in collect/clients.ts', () => {
    const offenders = files('providers/azure').filter((f) => /^import (?!type)[^;]*from '@azure\//m.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
    const clients = readFileSync('providers/azure/collect/clients.ts', 'utf8');
    // The metrics batch client loads on its first call only, not with the Resource Manager clients.
    expect(clients).toMatch(/import\('@azure\/monitor-query-metrics'\)/);
    expect(/async function loadAzureSdk[\s\S]*?\n}/.exec(clients)?.[0]).not.toContain('monitor-query-metrics');
    expect(readFileSync('providers/azure/index.ts', 'utf8')).toMatch(/await import\('\.\/collect\/index\.js'\)/);
  });
});
