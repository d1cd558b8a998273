import { describe, expect, it } from 'vitest';
import { adviceFor, countStates, effectiveState, explainHealth, summarizeReasons } from '../../../checks/targets/reason-codes.js';
import { codesFromDescription } from '../../../providers/aws/normalize/health-causes.js';
import { health, targetsWithHealth } from '../../support/builders.js';

describe('reason codes', () => {
  it.each([
    ['Target.Timeout', 'health-check-timeout', /port is blocked .* too slowly/],
    ['Target.FailedHealthChecks', 'connection-failed', /connection error or malformed response/],
    ['Target.ResponseCodeMismatch', 'response-code-mismatch', /path or the success codes/],
    ['Elb.InternalError', 'provider-internal', /provider's side/],
    ['Target.NotInUse', 'not-in-use', /zone the load balancer does not serve/],
    ['Target.InvalidState', 'stopped', /stopped, deallocated or terminated/],
  ])('maps %s', (reason, category, cause) => {
    const e = explainHealth(health('unhealthy', reason));
    expect(e).toMatchObject({ code: reason, category });
    expect(e.likelyCause).toMatch(cause);
  });

  it.each([
    ['Instance has failed at least the UnhealthyThreshold number of health checks consecutively.', 'health-check-failed', 'unhealthy'],
    ['Instance is in stopped state.', 'stopped', 'unused'],
    ['Instance is in terminated state.', 'stopped', 'unused'],
    ['Instance is in the EC2 Availability Zone for which LoadBalancer is not configured to route traffic to.', 'not-in-use', 'unused'],
    ['Instance deregistration currently in progress.', 'draining', 'draining'],
    ['Instance registration is still in progress.', 'initial', 'initial'],
    ['A transient error occurred. Please try again later.', 'provider-internal', 'unhealthy'],
  ])('reads the Classic description "%s"', (description, category, state) => {
    const h = health('unhealthy', 'Instance', description);
    expect(explainHealth(h)).toMatchObject({ code: 'OutOfService (Instance)', category });
    expect(effectiveState(h)).toBe(state);
  });

  it('keeps unknown codes verbatim and never reclassifies a healthy target', () => {
    expect(explainHealth(health('unhealthy', 'Target.Future', 'something new'))).toMatchObject({ code: 'Target.Future', category: 'unknown', likelyCause: 'provider says: something new' });
    expect(explainHealth(health('unhealthy'))).toMatchObject({ code: 'no reason code', category: 'unknown' });
    expect(effectiveState(health('healthy', undefined, 'Instance is in stopped state.'))).toBe('healthy');
  });

  it('counts and summarizes, most frequent reason first', () => {
    const targets = targetsWithHealth([
      health('unhealthy', 'Target.Timeout'),
      health('unhealthy', 'Target.ResponseCodeMismatch'),
      health('unhealthy', 'Target.Timeout'),
      health('healthy'),
      health('unused', 'Target.NotInUse'),
    ]);
    expect(countStates(targets)).toEqual({ total: 5, healthy: 1, unhealthy: 3, unused: 1, draining: 0, initial: 0, other: 0 });
    expect(summarizeReasons(targets.slice(0, 3))).toMatch(/^Target\.Timeout on 2 targets \(.*\); Target\.ResponseCodeMismatch on 1 target \(/);
  });

  it('parses status codes from the description', () => {
    expect(codesFromDescription('Health checks failed with these codes: [301]')).toEqual([301]);
    expect(codesFromDescription('Health checks failed with these codes: [302, 404]')).toEqual([302, 404]);
    expect(codesFromDescription('Request timed out')).toEqual([]);
    expect(codesFromDescription(undefined)).toEqual([]);
  });

  it('gives advice by kind of code', () => {
    expect(adviceFor([301], false)).toMatch(/redirects.*200-399/);
    expect(adviceFor([401], false)).toMatch(/unauthenticated/);
    expect(adviceFor([404], false)).toMatch(/fix the health-check path/);
    expect(adviceFor([400], false)).toMatch(/vhost/);
    expect(adviceFor([503], false)).toMatch(/application fails/);
    expect(adviceFor([12], true)).toMatch(/gRPC/);
    expect(adviceFor([], false)).toMatch(/no status code/);
  });
});
