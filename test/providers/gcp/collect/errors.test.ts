/**
 * SDK errors → the code cloud502 records: access denials (the only ones whose permission the coverage names),
 * throttling, disabled APIs, missing resources, and connection failures (which stop the run).
 */
import { describe, expect, it } from 'vitest';
import { errorCode, oneLine } from '../../../../providers/gcp/collect/context.js';

describe('errorCode', () => {
  it.each([
    [{ code: 7, httpStatusCode: 403, message: "Required 'compute.firewalls.list' permission for 'projects/p'" }, 'PERMISSION_DENIED', false],
    [{ code: 7, httpStatusCode: 403, message: 'Rate Limit Exceeded' }, 'rateLimitExceeded', false],
    [{ code: 8, httpStatusCode: 429, message: 'Too many requests' }, 'rateLimitExceeded', false],
    [{ code: 7, httpStatusCode: 403, message: 'Cloud Monitoring API has not been used in project 123 before or it is disabled.' }, 'SERVICE_DISABLED', false],
    [{ code: 5, httpStatusCode: 404, message: "The resource 'projects/x' was not found" }, 'NOT_FOUND', false],
    [{ code: 16, httpStatusCode: 401, message: 'Request had invalid authentication credentials.' }, 'UNAUTHENTICATED', false],
    [{ code: 14, message: 'request to http://127.0.0.1:9/compute/v1/... failed, reason: connect ECONNREFUSED 127.0.0.1:9' }, 'UNAVAILABLE', true],
    [{ code: 4, message: 'Deadline exceeded' }, 'DEADLINE_EXCEEDED', false],
    [new Error('getaddrinfo ENOTFOUND compute.example.invalid'), 'UNKNOWN', true],
  ] as const)('%j → %s', (err, code, connection) => {
    expect(errorCode(err)).toMatchObject({ code, connection });
  });

  it('keeps one bounded line of a message', () => {
    expect(oneLine('first\nsecond')).toBe('first');
    expect(oneLine('x'.repeat(400))).toHaveLength(301);
  });
});
