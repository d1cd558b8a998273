/**
 * Classifies AWS SDK errors. Permission and per-API failures are recorded in the raw snapshot and collection
 * goes on; credential problems and an unreachable endpoint stop the run with one clear line.
 */
import { STATUS_CODES } from 'node:http';
import { CollectionError, CredentialsError } from '../../src/errors.js';
import { redactUrlCredentials } from '../../src/redact.js';
import type { AwsCollectionError } from './raw.js';

/**
 * - `server`: an HTTP 5xx that is not throttling (retried);
 * - `malformed`: an answer that is not an AWS response at all (a web page, truncated XML/JSON, a missing result);
 * - `service`: any other AWS error code (not retried).
 */
export type AwsErrorKind = 'access-denied' | 'throttling' | 'credentials' | 'network' | 'aborted' | 'server' | 'malformed' | 'service';

/**
 * An answer that parsed but is not what the API returns: a plain web server behind --endpoint-url answers HTTP 200
 * with an HTML page, which the SDK reads as an empty result ("no load balancers") instead of failing.
 */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponse';
  constructor(
    message: string,
    readonly $metadata: { httpStatusCode?: number } = {},
  ) {
    super(message);
  }
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess']);

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
]);

const CREDENTIALS = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  // EC2's answer to unknown or malformed access keys.
  'AuthFailure',
  // SSO GetRoleCredentials with an expired or revoked access token.
  'UnauthorizedException',
]);

const NETWORK = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'EPIPE',
  // A TLS endpoint spoken to in plain HTTP or the reverse.
  'EPROTO',
  // @smithy/node-http-handler's connection and socket timeouts.
  'TimeoutError',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function asErrorLike(err: unknown): ErrorLike {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : { message: String(err) };
}

/** The AWS error code (`AccessDenied`), the Node system error code (`ECONNREFUSED`) or the error name. */
export function awsErrorCode(err: unknown): string {
  const e = asErrorLike(err);
  // Node system errors keep the useful part in `code`; their `name` is the generic `Error`.
  if (typeof e.code === 'string' && /^E[A-Z_]+$/.test(e.code)) return e.code;
  if (typeof e.name === 'string' && e.name !== 'Error' && e.name.length > 0) return e.name;
  if (typeof e.Code === 'string') return e.Code;
  if (typeof e.code === 'string') return e.code;
  return 'UnknownError';
}

/** The first line of the error message, without SDK noise and without credentials of URLs. */
export function awsErrorMessage(err: unknown): string {
  const e = asErrorLike(err);
  const text = typeof e.message === 'string' ? e.message : String(err);
  return redactUrlCredentials(text.split('\n')[0]!.trim());
}

export function httpStatusOf(err: unknown): number | undefined {
  const status = asErrorLike(err).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The SDK could not parse the answer: a JSON protocol gets `SyntaxError: Unexpected token '<'`, an XML one
 * `@aws-sdk XML parse error`; both carry the hint "Deserialization error" on a later line of the message.
 */
function isDeserializationError(err: unknown): boolean {
  const e = asErrorLike(err);
  const message = typeof e.message === 'string' ? e.message : '';
  return e.name === 'SyntaxError' || /Deserialization error|XML parse error/.test(message);
}

/** An error the SDK built from an answer without an AWS error code: its name and message say only "Unknown". */
function isCodeless(err: unknown): boolean {
  const e = asErrorLike(err);
  const placeholder = (v: unknown) => v === undefined || v === '' || v === 'Unknown' || v === 'UnknownError';
  return placeholder(e.message) && httpStatusOf(err) !== undefined;
}

/**
 * The answer did not come from the AWS API at all: a page instead of XML/JSON, an HTTP error without an AWS error
 * code, or a result without its mandatory field. On the first call to an endpoint this means a wrong endpoint.
 */
export function isForeignAnswer(err: unknown): boolean {
  return awsErrorCode(err) === 'MalformedResponse' || isDeserializationError(err) || isCodeless(err);
}

export function classifyAwsError(err: unknown): AwsErrorKind {
  const code = awsErrorCode(err);
  if (code === 'AbortError') return 'aborted';
  if (ACCESS_DENIED.has(code)) return 'access-denied';
  if (THROTTLING.has(code)) return 'throttling';
  if (NETWORK.has(code)) return 'network';
  if (CREDENTIALS.has(code)) return 'credentials';
  const message = awsErrorMessage(err);
  if (/could not (load|resolve) credentials|sso session .*(expired|invalid)|token .*expired/i.test(message)) return 'credentials';
  const status = httpStatusOf(err);
  if (status !== undefined && status >= 500) return 'server';
  if (code === 'MalformedResponse' || isDeserializationError(err) || isCodeless(err)) return 'malformed';
  return 'service';
}

function statusText(status: number): string {
  const phrase = STATUS_CODES[status];
  return phrase ? `HTTP ${status} (${phrase})` : `HTTP ${status}`;
}

/**
 * What to record for a failed call: the AWS error code and the first line of its message, except for answers that are
 * not AWS errors at all, which the SDK reports as `Unknown — Unknown` or `SyntaxError: Unexpected token '<'…`. Those
 * are named by their HTTP status (`HTTP500`), so nobody is sent to grant a permission for a broken endpoint.
 */
export function describeAwsFailure(err: unknown): { code: string; message: string } {
  const status = httpStatusOf(err);
  if (isDeserializationError(err)) {
    const parse = awsErrorMessage(err).replace(/^@aws-sdk /, '');
    // The parser's complaint about an error page ("Unexpected token '<'") says nothing the status does not.
    if (status !== undefined && status >= 300) return { code: `HTTP${status}`, message: `${statusText(status)} with a body that is not an AWS response` };
    return { code: 'MalformedResponse', message: `${status !== undefined ? `the ${statusText(status)}` : 'the'} answer is not a valid AWS response (${parse})` };
  }
  if (isCodeless(err)) {
    return { code: `HTTP${status}`, message: `${statusText(status!)} without an AWS error code` };
  }
  return { code: awsErrorCode(err), message: awsErrorMessage(err) || `${awsErrorCode(err)} (no message)` };
}

/** The entry recorded in the snapshot's `errors` for a failed call. */
export function toCollectionErrorRecord(err: unknown, api: string, region: string, resourceId?: string): AwsCollectionError {
  const record: AwsCollectionError = { api, region, ...describeAwsFailure(err) };
  if (resourceId !== undefined) record.resourceId = resourceId;
  const status = httpStatusOf(err);
  if (status !== undefined) record.httpStatus = status;
  return record;
}

/** One line naming the profile and the command that fixes it. */
export function credentialsError(err: unknown, profile: string | undefined): CredentialsError {
  const code = awsErrorCode(err);
  const reason = awsErrorMessage(err);
  const source = profile ? `profile "${profile}"` : 'the default credential chain (AWS_PROFILE, environment, ~/.aws, SSO, instance role)';
  const fix = profile
    ? `run "aws sso login --profile ${profile}" for an SSO profile, or check [profile ${profile}] in ~/.aws/config and ~/.aws/credentials`
    : 'pass --profile NAME, or run "aws sso login" / "aws configure"';
  const what = /expired/i.test(code) || /expired/i.test(reason) ? 'have expired' : 'cannot be used';
  return new CredentialsError(`AWS credentials from ${source} ${what} (${code}: ${reason}); ${fix}`, { cause: err });
}

/** One line naming the endpoint that answered, but not as the AWS API. */
export function foreignEndpointError(err: unknown, region: string, endpoint: string | undefined, service: string): CollectionError {
  const { code, message } = describeAwsFailure(err);
  const target = redactUrlCredentials(endpoint ?? `the ${service} endpoint`);
  const hint = endpoint ? 'check --endpoint-url / AWS_ENDPOINT_URL' : 'check the network and proxy settings (HTTPS_PROXY)';
  return new CollectionError(`AWS ${service} at ${target} for region ${region} did not answer as the AWS API (${code}: ${message}); ${hint}`, { cause: err });
}

/** One line naming the endpoint and region that could not be reached. */
export function unreachableError(err: unknown, region: string, endpoint: string | undefined, service: string): CollectionError {
  const e = asErrorLike(err);
  const code = awsErrorCode(err);
  let target = endpoint;
  if (!target && typeof e.hostname === 'string') target = e.hostname;
  if (!target && typeof e.address === 'string') target = `${e.address}${typeof e.port === 'number' ? `:${e.port}` : ''}`;
  target ??= `the ${service} endpoint`;
  target = redactUrlCredentials(target);
  const hint = endpoint ? 'check --endpoint-url / AWS_ENDPOINT_URL' : 'check the network, proxy and that the region is enabled for the account';
  return new CollectionError(`cannot reach AWS ${service} at ${target} for region ${region} (${code}); ${hint}`, { cause: err });
}
