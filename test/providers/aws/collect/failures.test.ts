/**
 * How failed calls are named and retried: answers that are not AWS errors are named by their HTTP status (never
 * "Unknown — Unknown" or "SyntaxError"), and retries are decided by time budget and deadline, not by a small count.
 * Errors are shaped exactly as the SDK (3.11xx) throws them for a web page, an error page and truncated XML
 * (observed against a server on 127.0.0.1, see test/e2e/blind-audit.test.ts for the same answers over the wire).
 */
import { describe, expect, it } from 'vitest';
import { classifyAwsError, describeAwsFailure, foreignEndpointError, isForeignAnswer, MalformedResponseError, toCollectionErrorRecord } from '../../../../providers/aws/errors.js';
import { DEFAULT_RETRY_POLICY, maxAttemptsFromEnv, nextDelayMs, retryReason, type RetryPolicy } from '../../../../providers/aws/retry.js';
import { ConfigError } from '../../../../src/errors.js';

const sdkError = (name: string, message: string, status?: number, extra: object = {}) =>
  Object.assign(new Error(message), { name, ...(status !== undefined ? { $metadata: { httpStatusCode: status } } : {}) }, extra);
const HINT = '\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.';

describe('describeAwsFailure', () => {
  it.each([
    ['an HTML 500 (the SDK says Unknown / Unknown)', sdkError('Unknown', 'Unknown', 500), 'HTTP500', 'HTTP 500 (Internal Server Error) without an AWS error code'],
    ['an HTML 404 (the SDK says NotFound / Unknown)', sdkError('NotFound', 'Unknown', 404), 'HTTP404', 'HTTP 404 (Not Found) without an AWS error code'],
    ['an empty 503 (the SDK says Unknown / UnknownError)', sdkError('Unknown', 'UnknownError', 503), 'HTTP503', 'HTTP 503 (Service Unavailable) without an AWS error code'],
    [
      'an HTML 500 to a JSON protocol (SyntaxError)',
      sdkError('SyntaxError', `Unexpected token '<', "<html><bod"... is not valid JSON${HINT}`, 500),
      'HTTP500',
      'HTTP 500 (Internal Server Error) with a body that is not an AWS response',
    ],
    [
      'truncated XML with 200',
      sdkError('Error', `@aws-sdk XML parse error: missing closing tag </member>.${HINT}`, 200),
      'MalformedResponse',
      'the HTTP 200 (OK) answer is not a valid AWS response (XML parse error: missing closing tag </member>.)',
    ],
    ['an answer without its result', new MalformedResponseError('the answer has no Account, which every answer of the AWS API has', { httpStatusCode: 200 }), 'MalformedResponse', 'the answer has no Account, which every answer of the AWS API has'],
    ['a genuine AWS error', sdkError('AccessDenied', 'User is not authorized\nEncoded message', 403), 'AccessDenied', 'User is not authorized'],
    ['a genuine AWS 500', sdkError('InternalFailure', 'We encountered an internal error. Please try again.', 500), 'InternalFailure', 'We encountered an internal error. Please try again.'],
  ])('names %s', (_, err, code, message) => {
    expect(describeAwsFailure(err)).toEqual({ code, message });
  });

  it('never records "Unknown" as code or message', () => {
    for (const err of [sdkError('Unknown', 'Unknown', 500), sdkError('Unknown', 'UnknownError', 502), sdkError('NotFound', 'Unknown', 404)]) {
      const record = toCollectionErrorRecord(err, 'cloudwatch:GetMetricData', 'eu-west-1');
      expect(record.code).not.toMatch(/^Unknown/);
      expect(record.message).not.toMatch(/^Unknown/);
    }
  });

  it('removes credentials of URLs from recorded messages', () => {
    const err = sdkError('Error', 'connect to http://admin:s3cret@127.0.0.1:4566/ failed');
    expect(toCollectionErrorRecord(err, 'sts:GetCallerIdentity', 'eu-west-1').message).toBe('connect to http://***@127.0.0.1:4566/ failed');
    expect(foreignEndpointError(sdkError('Unknown', 'Unknown', 500), 'eu-west-1', 'http://u:p@127.0.0.1:9', 'sts').message).toContain('at http://***@127.0.0.1:9 for region');
  });
});

describe('classifyAwsError and retryReason', () => {
  it.each([
    [sdkError('Unknown', 'Unknown', 500), 'server', 'server', true],
    [sdkError('InternalFailure', 'internal', 500), 'server', 'server', false],
    [sdkError('ServiceUnavailable', 'try later', 503), 'server', 'server', false],
    [sdkError('SyntaxError', `Unexpected token${HINT}`, 200), 'malformed', 'malformed', true],
    [sdkError('NotFound', 'Unknown', 404), 'malformed', 'malformed', true],
    [new MalformedResponseError('no LoadBalancers'), 'malformed', 'malformed', true],
    [sdkError('Throttling', 'Rate exceeded', 400), 'throttling', 'throttling', false],
    [sdkError('RequestLimitExceeded', 'Request limit exceeded.', 503), 'throttling', 'throttling', false],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'network', 'transient', false],
    [sdkError('TimeoutError', 'no answer within 30 s'), 'network', 'transient', false],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'network', undefined, false],
    [sdkError('AccessDenied', 'denied', 403), 'access-denied', undefined, false],
    [sdkError('LoadBalancerNotFound', 'not found', 400), 'service', undefined, false],
  ])('%o is %s, retried as %s', (err, kind, reason, foreign) => {
    expect(classifyAwsError(err)).toBe(kind);
    expect(retryReason(err)).toBe(reason);
    expect(isForeignAnswer(err)).toBe(foreign);
  });
});

describe('nextDelayMs', () => {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, budgetMs: 60_000, baseDelayMs: 200, maxDelayMs: 10_000 };
  const noJitter = () => 1;

  it('backs off exponentially up to the cap for 5xx and dropped connections', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempts) => nextDelayMs('server', { attempts, elapsedMs: 0 }, policy, noJitter));
    expect(delays).toEqual([200, 400, 800, 1600, 3200, 6400, 10_000, 10_000]);
  });

  it('keeps retrying throttling for the whole budget, whatever the count (the rate budget paces it)', () => {
    expect(nextDelayMs('throttling', { attempts: 500, elapsedMs: 59_000 }, policy, noJitter)).toBe(200);
    expect(nextDelayMs('throttling', { attempts: 2, elapsedMs: 60_000 }, policy, noJitter)).toBeUndefined();
  });

  it('gives up when the wait would pass the budget or the deadline (boundary: exactly at it)', () => {
    expect(nextDelayMs('server', { attempts: 1, elapsedMs: 59_799 }, policy, noJitter)).toBe(200);
    expect(nextDelayMs('server', { attempts: 1, elapsedMs: 59_800 }, policy, noJitter)).toBeUndefined();
    expect(nextDelayMs('server', { attempts: 1, elapsedMs: 0, untilDeadlineMs: 200 }, policy, noJitter)).toBeUndefined();
    expect(nextDelayMs('server', { attempts: 1, elapsedMs: 0, untilDeadlineMs: 201 }, policy, noJitter)).toBe(200);
  });

  it('tries an answer that is not AWS at all a few times only', () => {
    expect(nextDelayMs('malformed', { attempts: 2, elapsedMs: 0 }, policy, noJitter)).toBe(400);
    expect(nextDelayMs('malformed', { attempts: 3, elapsedMs: 0 }, policy, noJitter)).toBeUndefined();
  });

  it('honours an attempt cap from CLOUD502_AWS_MAX_ATTEMPTS, and has none by default', () => {
    expect(maxAttemptsFromEnv({})).toBe(Number.POSITIVE_INFINITY);
    expect(maxAttemptsFromEnv({ CLOUD502_AWS_MAX_ATTEMPTS: '3' })).toBe(3);
    expect(nextDelayMs('throttling', { attempts: 3, elapsedMs: 0 }, { ...policy, maxAttempts: 3 }, noJitter)).toBeUndefined();
    expect(() => maxAttemptsFromEnv({ CLOUD502_AWS_MAX_ATTEMPTS: 'many' })).toThrow(ConfigError);
    expect(() => maxAttemptsFromEnv({ CLOUD502_AWS_MAX_ATTEMPTS: '0' })).toThrow('CLOUD502_AWS_MAX_ATTEMPTS must be a whole number from 1 to 100, got "0"');
  });
});
