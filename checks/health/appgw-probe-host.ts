import type { Severity } from '../../src/engine/index.js';
import type { HealthCheckChanges } from '../../src/engine/fix.js';
import { defineCheck } from '../../src/engine/index.js';
import type { BackendPool } from '../../src/model/index.js';

/** The ARM properties of the pool's backend settings and probe, as the Azure normalizer records them. */
interface ProbeFacts {
  probe: string;
  custom: boolean;
  probeHost?: string;
  pickFromSettings: boolean;
  probePath?: string;
  settingsHost?: string;
  pickFromBackendAddress: boolean;
  generation?: string;
}

function factsOf(pool: BackendPool): ProbeFacts | undefined {
  const a = pool.attributes;
  if (a.probe === undefined || a.backendHttpSettings === undefined) return undefined;
  const custom = a.probe !== '(default probe)';
  return {
    probe: a.probe,
    custom,
    ...(a['probe.host'] ? { probeHost: a['probe.host'] } : {}),
    pickFromSettings: a['probe.pickHostNameFromBackendHttpSettings'] === 'true',
    ...(a['probe.path'] !== undefined ? { probePath: a['probe.path'] } : {}),
    ...(a['backendHttpSettings.hostName'] ? { settingsHost: a['backendHttpSettings.hostName'] } : {}),
    pickFromBackendAddress: a['backendHttpSettings.pickHostNameFromBackendAddress'] === 'true',
    ...(a.generation ? { generation: a.generation } : {}),
  };
}

interface Problem {
  messageId: 'pickNothing' | 'noHost' | 'defaultProbeNoHost' | 'defaultProbeHostDiffers' | 'badPath';
  severity: Severity;
  data: Record<string, string>;
}

/** What makes the probe's Host (and, on v2 HTTPS, its SNI) or path unable to succeed; undefined when nothing does. */
function problemOf(f: ProbeFacts, pool: BackendPool): Problem | undefined {
  const https = pool.protocol === 'HTTPS';
  const sendsHost = f.settingsHost ?? (f.pickFromBackendAddress ? 'the backend address' : undefined);
  if (f.custom) {
    if (f.probePath !== undefined && !f.probePath.startsWith('/')) return { messageId: 'badPath', severity: 'high', data: { path: f.probePath } };
    if (f.probeHost) return undefined;
    if (f.pickFromSettings) return sendsHost ? undefined : { messageId: 'pickNothing', severity: 'high', data: {} };
    // Neither a host nor one taken from the settings: the probe goes out as 127.0.0.1.
    return { messageId: 'noHost', severity: https && f.generation === 'v2' ? 'high' : sendsHost ? 'high' : 'medium', data: { traffic: sendsHost ?? 'the client\'s Host header' } };
  }
  if (f.generation === 'v2') {
    // The v2 default probe takes the settings' host name; without one an HTTPS probe has no name to check the certificate against.
    return https && !sendsHost ? { messageId: 'defaultProbeNoHost', severity: 'high', data: {} } : undefined;
  }
  // v1 default probe: always 127.0.0.1, whatever host the traffic carries.
  return sendsHost ? { messageId: 'defaultProbeHostDiffers', severity: 'medium', data: { traffic: sendsHost } } : undefined;
}

/** The probe change that fixes the problem: a path that starts with "/", or a host (empty when only the backends' owners know it). */
function changesFor(problem: Problem, f: ProbeFacts): HealthCheckChanges {
  if (problem.messageId === 'badPath') return { path: `/${f.probePath ?? ''}` };
  return { host: f.settingsHost ?? '' };
}

export const appgwProbeHost = defineCheck({
  id: 'health/appgw-probe-host',
  title: 'Application Gateway probes send a host name and path the backends answer',
  family: 'health',
  severity: 'high',
  causes: [502],
  kinds: ['azure-appgw'],
  fixes: ['set-health-check'],
  rationale:
    'An Application Gateway probe is a GET to <protocol>://<host>:<port><path>. The default probe and a custom probe with no ' +
    'host (and not picking one from the backend settings) send 127.0.0.1: a host-routed backend answers 404 or redirects, and ' +
    'on v2 an HTTPS probe also checks the backend certificate against that name ("The Common Name of the leaf certificate ' +
    'does not match the Probe or Backend Setting hostname"). A probe told to pick its host from backend settings that set ' +
    'none, or a path that does not start with "/", cannot succeed either. Every server is then marked unhealthy and the ' +
    'gateway answers 502.',
  remediation: {
    summary:
      'Give the probe the host the backends serve: set the probe host, or "pick host name from backend settings" with a host ' +
      'name (or pick-from-backend-address) on the settings; on v2 the default probe uses the settings host name. Paths start with "/".',
  },
  docs: [
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-probe-overview',
    'https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting#common-name-cn-doesnt-match',
    'https://learn.microsoft.com/azure/application-gateway/configuration-http-settings#pick-host-name-from-backend-address',
  ],
  thresholds: {},
  messages: {
    pickNothing:
      'Probe {{probe}} of {{pool}} on {{lb}} takes its host name from backend settings {{settings}}, which set none: the probe has no host to send and every server fails it (502).',
    noHost:
      'Probe {{probe}} of {{pool}} on {{lb}} has no host and does not pick one from backend settings, so it sends Host 127.0.0.1 while traffic carries {{traffic}}: host-routed backends fail the probe{{tlsNote}} and the gateway answers 502.',
    defaultProbeNoHost:
      '{{pool}} on {{lb}} uses the default probe over HTTPS with backend settings {{settings}} that name no host: the v2 probe has no name to match the backend certificate against, servers are marked unhealthy and the gateway answers 502.',
    defaultProbeHostDiffers:
      '{{pool}} on {{lb}} uses the v1 default probe, which sends Host 127.0.0.1, while backend settings {{settings}} send {{traffic}}: the probe tests a different virtual host than the traffic reaches.',
    badPath: 'Probe {{probe}} of {{pool}} on {{lb}} has path "{{path}}", which does not start with "/": the probe cannot succeed and the gateway answers 502.',
  },
  evaluate(inv, ctx) {
    for (const pool of inv.backendPools) {
      if (pool.ref.type !== 'azure-appgw-backend') continue;
      const lb = ctx.index.loadBalancersOf(pool)[0];
      if (!lb) {
        ctx.notApplicable(pool.ref, 'no routing rule uses this backend pool.');
        continue;
      }
      const where = { ref: pool.ref, loadBalancer: lb };
      const opts = { discriminator: lb.ref.id };
      if (pool.protocol !== 'HTTP' && pool.protocol !== 'HTTPS') {
        ctx.notApplicable(where, `probes host names only matter for HTTP(S) backend settings (${pool.protocol ?? 'protocol not collected'}).`, opts);
        continue;
      }
      const facts = factsOf(pool);
      if (!facts || pool.healthCheck === undefined) {
        ctx.unknown(where, `the probe of ${pool.ref.name} is not known (the backend settings name a probe the gateway does not have, or the gateway was not collected).`, opts);
        continue;
      }
      if (!facts.custom && !facts.generation) {
        ctx.unknown(where, `whether ${lb.ref.name} is v1 or v2 is not known, and their default probes choose the host differently.`, opts);
        continue;
      }
      const problem = problemOf(facts, pool);
      if (!problem) {
        ctx.pass(where, opts);
        continue;
      }
      const targets = pool.targets ?? [];
      const failing = targets.filter((t) => t.health.cause === 'response-code-mismatch' || t.health.cause === 'tls-failure');
      // Every server failing on status codes or TLS: the probe is what takes the pool down.
      const severity: Severity = targets.length > 0 && failing.length === targets.length ? 'critical' : problem.severity;
      const settings = pool.attributes.backendHttpSettings ?? '';
      ctx.fail(
        where,
        problem.messageId,
        {
          probe: facts.probe,
          pool: pool.ref.name,
          lb: lb.ref.name,
          settings,
          traffic: '',
          tlsNote: pool.protocol === 'HTTPS' && facts.generation === 'v2' ? ' and the certificate name check fails' : '',
          ...problem.data,
        },
        {
          ...opts,
          severity,
          fix: { kind: 'set-health-check', lbId: lb.ref.id, poolId: pool.ref.id, changes: changesFor(problem, facts) },
          evidence: {
            path: facts.custom ? 'backendPool.healthCheck.host' : 'backendPool.healthCheck',
            observed: { probe: facts.probe, host: pool.healthCheck.host ?? '(none)', path: pool.healthCheck.path ?? '(none)', pickHostNameFromBackendHttpSettings: facts.pickFromSettings },
            expected: 'a probe host (or one picked from settings that have one) the backends serve, and a path starting with "/"',
            source: 'api',
            details: {
              generation: facts.generation ?? 'unknown',
              backendSettings: settings,
              settingsHostName: facts.settingsHost ?? '(none)',
              pickHostNameFromBackendAddress: facts.pickFromBackendAddress,
              ...(failing.length > 0 ? { serversFailingOnStatusOrTls: failing.map((t) => `${t.key}: ${t.health.description ?? t.health.reason ?? ''}`) } : {}),
            },
          },
        },
      );
    }
  },
});
