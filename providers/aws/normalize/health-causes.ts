/**
 * AWS target-health reasons → neutral causes.
 *
 * ELBv2 reason codes: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html
 * Classic `DescribeInstanceHealth` has no such codes (`ReasonCode` is only `ELB`, `Instance` or `N/A`); the cause is in
 * the fixed `Description` texts (https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_InstanceState.html),
 * matched here on a distinctive fragment.
 */
import type { TargetHealthCause } from '../../../src/model/index.js';

export const ELBV2_REASON_CAUSES: Readonly<Record<string, TargetHealthCause>> = {
  'Target.Timeout': 'health-check-timeout',
  'Target.FailedHealthChecks': 'connection-failed',
  'Target.ResponseCodeMismatch': 'response-code-mismatch',
  'Elb.InternalError': 'provider-internal',
  'Target.NotInUse': 'not-in-use',
  'Target.InvalidState': 'stopped',
  'Target.NotRegistered': 'not-registered',
  'Target.IpUnusable': 'address-unusable',
  'Target.DeregistrationInProgress': 'draining',
  'Elb.RegistrationInProgress': 'initial',
  'Elb.InitialHealthChecking': 'initial',
  'Target.HealthCheckDisabled': 'health-check-disabled',
};

const CLASSIC_DESCRIPTION_CAUSES: ReadonlyArray<{ fragment: string; cause: TargetHealthCause }> = [
  { fragment: 'failed at least the unhealthythreshold', cause: 'health-check-failed' },
  { fragment: 'has not passed the configured healthythreshold', cause: 'initial' },
  { fragment: 'registration is still in progress', cause: 'initial' },
  { fragment: 'pending state', cause: 'initial' },
  { fragment: 'availability zone for which loadbalancer is not configured', cause: 'not-in-use' },
  { fragment: 'disable availability zone is currently in progress', cause: 'not-in-use' },
  { fragment: 'not currently registered', cause: 'not-registered' },
  { fragment: 'deregistration currently in progress', cause: 'draining' },
  { fragment: 'stopped state', cause: 'stopped' },
  { fragment: 'terminated state', cause: 'stopped' },
  { fragment: 'transient error', cause: 'provider-internal' },
];

export function elbv2Cause(reason: string | undefined): TargetHealthCause {
  return (reason && ELBV2_REASON_CAUSES[reason]) || 'unknown';
}

export function classicCause(description: string | undefined): TargetHealthCause {
  const d = description?.toLowerCase() ?? '';
  return (d && CLASSIC_DESCRIPTION_CAUSES.find((c) => d.includes(c.fragment))?.cause) || 'unknown';
}

/** Status codes from an ELBv2 description such as `Health checks failed with these codes: [301]`. */
export function codesFromDescription(description: string | undefined): number[] {
  const list = description?.match(/\[([^\]]*)\]/)?.[1];
  if (!list) return [];
  return list
    .split(/[,\s]+/)
    .filter((s) => /^\d{1,3}$/.test(s))
    .map(Number);
}
