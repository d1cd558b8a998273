/**
 * Classifies Azure SDK and credential errors. Permission and per-API failures are recorded in the raw snapshot and
 * collection goes on; credentials that do not work, an unreachable endpoint and a subscription that does not exist end
 * the scope (and the run, when every scope ends that way) with one clear line.
 */
import { CollectionError, CredentialsError } from '../../src/errors.js';
import type { AzureApi } from './apis.js';
import type { AzureCollectionError } from './raw.js';

export type AzureErrorKind = 'access-denied' | 'throttled' | 'transient' | 'credentials' | 'unreachable' | 'no-subscription' | 'aborted' | 'service';

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  cause?: unknown;
  response?: { headers?: { get?: (name: string) => string | undefined } };
}

function asErrorLike(err: unknown): ErrorLike {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : { message: String(err) };
}

const CREDENTIAL_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AggregateAuthenticationError', 'AuthenticationRequiredError']);
const CREDENTIAL_CODES = new Set(['InvalidAuthenticationToken', 'ExpiredAuthenticationToken', 'InvalidAuthenticationTokenAudience', 'InvalidAuthenticationTokenTenant', 'AuthenticationFailed']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']);
const TRANSIENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'REQUEST_SEND_ERROR']);

export function httpStatusOf(err: unknown): number | undefined {
  const s = asErrorLike(err).statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** The ARM error code, the Node system code or the error name. */
export function azureErrorCode(err: unknown): string {
  const e = asErrorLike(err);
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  const cause = asErrorLike(e.cause);
  if (typeof cause.code === 'string' && cause.code !== '') return cause.code;
  if (typeof e.name === 'string' && e.name !== 'Error' && e.name !== '') return e.name;
  const status = httpStatusOf(err);
  return status !== undefined ? `HTTP${status}` : 'UnknownError';
}

/** The first line of the message; the SDK's "Pagination failed with unexpected statusCode 403" says less than the code. */
export function azureErrorMessage(err: unknown): string {
  const e = asErrorLike(err);
  const text = (typeof e.message === 'string' ? e.message : String(err)).split('\n')[0]!.trim();
  if (/^Pagination failed with unexpected statusCode/.test(text)) return `the listing was answered with HTTP ${httpStatusOf(err) ?? '?'}`;
  return text;
}

/** The action Azure names in an AuthorizationFailed message: `… perform action 'Microsoft.Network/…/action' over scope …`. */
export function deniedAction(err: unknown): string | undefined {
  return /perform action '([^']+)'/i.exec(azureErrorMessage(err))?.[1];
}

/** Seconds to wait from a Retry-After header (seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(err: unknown, now: number = Date.now()): number | undefined {
  const value = asErrorLike(err).response?.headers?.get?.('retry-after');
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

export function classifyAzureError(err: unknown): AzureErrorKind {
  const e = asErrorLike(err);
  const name = typeof e.name === 'string' ? e.name : '';
  const code = azureErrorCode(err);
  const status = httpStatusOf(err);
  if (name === 'AbortError' || code === 'ABORT_ERR') return 'aborted';
  if (CREDENTIAL_ERRORS.has(name) || CREDENTIAL_CODES.has(code) || status === 401) return 'credentials';
  if (code === 'SubscriptionNotFound' || code === 'InvalidSubscriptionId' || code === 'SubscriptionNotRegistered' || code === 'DisallowedOperation') return 'no-subscription';
  if (status === 403 || code === 'AuthorizationFailed' || code === 'LinkedAuthorizationFailed') return 'access-denied';
  if (status === 429 || code === 'TooManyRequests' || code === 'RateLimitExceeded') return 'throttled';
  if (UNREACHABLE.has(code)) return 'unreachable';
  if (TRANSIENT.has(code) || (status !== undefined && status >= 500 && status !== 501)) return 'transient';
  return 'service';
}

/** The entry recorded in the snapshot's `errors` for a failed call. */
export function toCollectionError(err: unknown, api: AzureApi, subscriptionId: string, resourceId?: string): AzureCollectionError {
  const status = httpStatusOf(err);
  const kind = classifyAzureError(err);
  return {
    api: api.operation,
    subscriptionId,
    code: azureErrorCode(err),
    message: azureErrorMessage(err),
    ...(kind === 'access-denied' ? { permission: deniedAction(err) ?? api.action } : {}),
    ...(resourceId !== undefined ? { resourceId } : {}),
    ...(status !== undefined ? { httpStatus: status } : {}),
  };
}

/** The whole message on one line (credential chains put the useful part after the first line). */
function flatMessage(err: unknown): string {
  const e = asErrorLike(err);
  const text = typeof e.message === 'string' ? e.message : String(err);
  return text.replace(/\s+/g, ' ').trim();
}

/** One line saying what failed and what to run. */
export function credentialsError(err: unknown): CredentialsError {
  const message = flatMessage(err);
  const code = azureErrorCode(err);
  let fix = 'run "az login" (or set AZURE_CLIENT_ID / AZURE_TENANT_ID with a secret or certificate, or use a managed identity); AZURE_TOKEN_CREDENTIALS=dev|prod|<credential> chooses the credential';
  if (/az login/i.test(message)) fix = 'run "az login" (your Azure CLI login is missing or has expired)';
  if (/could not be found|not installed/i.test(message)) fix = 'install the Azure CLI and run "az login", or use another credential (AZURE_TOKEN_CREDENTIALS)';
  if (code === 'InvalidAuthenticationTokenAudience') fix = 'the token is for another cloud: pass --azure-cloud (AzureCloud, AzureUSGovernment, AzureChinaCloud) matching your login';
  if (code === 'InvalidAuthenticationTokenTenant') fix = 'log in to the tenant of the subscription: az login --tenant <tenant-id>';
  const reason = message.length > 300 ? `${message.slice(0, 297)}...` : message;
  return new CredentialsError(`Azure credentials cannot be used (${code}: ${reason}); ${fix}`, { cause: err });
}

/** One line naming the endpoint that could not be reached. */
export function unreachableError(err: unknown, endpoint: string, overridden: boolean): CollectionError {
  const code = azureErrorCode(err);
  const tls = /CERT|SSL|EPROTO|SELF_SIGNED/.test(code);
  const hint = tls
    ? 'the endpoint does not present a certificate Node.js trusts (NODE_EXTRA_CA_CERTS adds a CA)'
    : overridden
      ? 'check --endpoint-url / AZURE_RESOURCE_MANAGER_ENDPOINT'
      : 'check the network, proxy (HTTPS_PROXY) and --azure-cloud';
  return new CollectionError(`cannot reach Azure Resource Manager at ${endpoint} (${code}); ${hint}`, { cause: err });
}

/** One line for a subscription that does not exist or that the identity cannot see. */
export function subscriptionError(err: unknown, subscriptionId: string): CollectionError {
  return new CollectionError(
    `subscription ${subscriptionId} cannot be audited (${azureErrorCode(err)}: ${azureErrorMessage(err).slice(0, 200)}); check --subscription / AZURE_SUBSCRIPTION_ID and "az account list"`,
    { cause: err },
  );
}
