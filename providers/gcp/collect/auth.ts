/**
 * Application Default Credentials, resolved once before any API client is built: `GOOGLE_APPLICATION_CREDENTIALS`
 * (service-account keys, workload identity federation / `external_account` files), gcloud's application-default
 * login, the metadata server on Google Cloud. Resolving first turns a credential failure into one catchable error;
 * without it every client raises its own unhandled rejection.
 */
import { CredentialsError } from '../../../src/errors.js';
import type { GcpSdk } from './sdk.js';

type AuthClient = InstanceType<GcpSdk['auth']['AuthClient']>;

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

const LOGIN_HINT = 'run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a credentials file';

export interface ResolvedAuth {
  client: AuthClient;
  /** The credentials' project (ADC), when they name one. */
  projectId?: string;
}

/** One line, no stack: the library's own messages can be long and multi-line. */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/**
 * Runs `fn` without the metadata-server probe's process warnings: off Google Cloud the probe fails by design, and a
 * missing credential must read as one line, not a Node warning plus a line.
 */
export async function withoutMetadataWarnings<T>(fn: () => Promise<T>): Promise<T> {
  const original = process.emitWarning;
  process.emitWarning = function filtered(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'MetadataLookupWarning' || (warning instanceof Error && warning.name === 'MetadataLookupWarning')) return;
    (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return await fn();
  } finally {
    process.emitWarning = original;
  }
}

/**
 * Resolves ADC and checks that a token can be had.
 * @throws CredentialsError with one line that says how to log in.
 */
export async function resolveAuth(sdk: GcpSdk, universeDomain: string | undefined): Promise<ResolvedAuth> {
  const auth = new sdk.auth.GoogleAuth({ scopes: [CLOUD_PLATFORM_SCOPE], ...(universeDomain ? { universeDomain } : {}) });
  let client: AuthClient;
  try {
    client = (await withoutMetadataWarnings(() => auth.getClient())) as AuthClient;
  } catch (err) {
    // The library's "Could not load the default credentials" adds nothing to ours; a broken credentials file does.
    const why = /Could not load the default credentials/.test(firstLine(err)) ? '' : ` (${firstLine(err)})`;
    throw new CredentialsError(`no Google Cloud credentials found${why}: ${LOGIN_HINT}`);
  }
  // Service-account keys would fetch tokens from the fixed oauth2.googleapis.com endpoint; self-signed JWTs need no
  // token endpoint, so they also work with an overridden API endpoint (Private Service Connect, tests).
  if (client instanceof sdk.auth.JWT) client.useJWTAccessWithScope = true;
  try {
    await client.getRequestHeaders();
  } catch (err) {
    throw new CredentialsError(`Google Cloud credentials did not give an access token (${firstLine(err)}): ${LOGIN_HINT}`);
  }
  let projectId: string | undefined;
  try {
    projectId = (await withoutMetadataWarnings(() => auth.getProjectId())) || undefined;
  } catch {
    // No project in the credentials: --project is then required, which the caller reports.
  }
  return { client, ...(projectId ? { projectId } : {}) };
}
