/**
 * Backend health → the neutral TargetHealth. Application Gateway reports `Up`/`Down`/`Unknown`/`Partial`/`Draining`
 * per server with a `healthProbeLog` whose fixed texts name the cause; they are matched on distinctive fragments
 * (https://learn.microsoft.com/azure/application-gateway/application-gateway-backend-health-troubleshooting).
 * Load Balancer per-rule health reports `Up`/`Down` per backend address with a reason.
 */
import type { TargetHealth, TargetHealthCause, TargetHealthState } from '../../../src/model/index.js';

/** Application Gateway health probe log fragments (lower case) → cause, most specific first. */
const PROBE_LOG_CAUSES: ReadonlyArray<{ fragment: string; cause: TargetHealthCause }> = [
  { fragment: 'health status could not be retrieved', cause: 'health-unknown' },
  { fragment: 'more than the timeout threshold', cause: 'health-check-timeout' },
  { fragment: 'could not create a probe', cause: 'dns-failure' },
  { fragment: 'could not be resolved', cause: 'dns-failure' },
  { fragment: 'could not connect to the backend', cause: 'connection-failed' },
  { fragment: 'status code of the backend', cause: 'response-code-mismatch' },
  { fragment: 'body of the backend', cause: 'response-code-mismatch' },
  { fragment: 'common name', cause: 'tls-failure' },
  { fragment: 'certificate', cause: 'tls-failure' },
];

export function causeFromProbeLog(log: string | undefined): TargetHealthCause | undefined {
  const text = log?.toLowerCase() ?? '';
  if (text === '') return undefined;
  return PROBE_LOG_CAUSES.find((c) => text.includes(c.fragment))?.cause;
}

/** The status the probe received, from `… Expected:200-399 Received:404.` */
export function receivedStatusCodes(log: string | undefined): number[] {
  const m = /Received:\s*(\d{3})/i.exec(log ?? '');
  return m ? [Number(m[1])] : [];
}

/** Power state of a VM or scale-set instance from its instance view: `running`, `deallocated`, `stopped`, ... */
export function powerState(statuses: Array<{ code?: string }> | undefined): string | undefined {
  const code = statuses?.find((s) => s.code?.toLowerCase().startsWith('powerstate/'))?.code;
  return code ? code.slice('PowerState/'.length).toLowerCase() : undefined;
}

const NOT_RUNNING = new Set(['deallocated', 'deallocating', 'stopped', 'stopping']);

/** A VM that is not running explains a failing backend better than the probe's text does. */
function stoppedCause(instanceState: string | undefined): TargetHealthCause | undefined {
  return instanceState && NOT_RUNNING.has(instanceState) ? 'stopped' : undefined;
}

/** Application Gateway server health → TargetHealth. */
export function appGatewayHealth(health: string | undefined, probeLog: string | undefined, instanceState: string | undefined): TargetHealth {
  const base = { ...(health ? { reason: health } : {}), ...(probeLog ? { description: probeLog } : {}) };
  switch ((health ?? '').toLowerCase()) {
    case 'up':
      return { state: 'healthy', ...base };
    case 'draining':
      return { state: 'draining', cause: 'draining', ...base };
    case 'unknown':
      return { state: 'unknown', cause: causeFromProbeLog(probeLog) ?? 'health-unknown', ...base };
    case 'down':
    case 'partial': {
      const codes = receivedStatusCodes(probeLog);
      return { state: 'unhealthy', cause: stoppedCause(instanceState) ?? causeFromProbeLog(probeLog) ?? 'health-check-failed', ...base, ...(codes.length > 0 ? { observedStatusCodes: codes } : {}) };
    }
    default:
      return { state: 'unknown', cause: 'unknown', ...base };
  }
}

/** Load Balancer per-rule reason texts → cause. */
function causeFromRuleReason(reason: string | undefined): TargetHealthCause | undefined {
  const text = reason?.toLowerCase() ?? '';
  if (/time(d)?\s*out|timeout/.test(text)) return 'health-check-timeout';
  if (/refused|reset|unreachable|connect/.test(text)) return 'connection-failed';
  if (/status code|http/.test(text)) return 'response-code-mismatch';
  return undefined;
}

/** Load Balancer per-rule state → TargetHealth. */
export function ruleHealth(state: string | undefined, reason: string | undefined, instanceState: string | undefined): TargetHealth {
  const base = { ...(state ? { reason: state } : {}), ...(reason ? { description: reason } : {}) };
  const s: TargetHealthState = (state ?? '').toLowerCase() === 'up' ? 'healthy' : (state ?? '').toLowerCase() === 'down' ? 'unhealthy' : 'unknown';
  if (s === 'healthy') return { state: s, ...base };
  if (s === 'unhealthy') return { state: s, cause: stoppedCause(instanceState) ?? causeFromRuleReason(reason) ?? 'health-check-failed', ...base };
  return { state: s, cause: 'unknown', ...base };
}

/** Health of a configured member when the provider's health call was not made or failed. */
export function notCollectedHealth(why: string): TargetHealth {
  return { state: 'unknown', cause: 'unknown', description: why };
}
