/**
 * Typed errors. Each carries a one-line, user-facing message; the CLI prints `cloud502: <message>` and exits 2.
 * Never put a stack trace or an SDK dump into these messages.
 */
export class Cloud502Error extends Error {
  override name = 'Cloud502Error';
  /** Exit code for the CLI. */
  readonly exitCode: number = 2;
}

/** Bad flags, bad config file, unknown check id. */
export class ConfigError extends Cloud502Error {
  override name = 'ConfigError';
}

/** Unknown profile, expired or missing credentials, SSO session expired. */
export class CredentialsError extends Cloud502Error {
  override name = 'CredentialsError';
}

/** A collection that cannot proceed at all (endpoint unreachable, region does not exist). */
export class CollectionError extends Cloud502Error {
  override name = 'CollectionError';
}

/** An audit that audited nothing: every scope's load-balancer listing failed. Not a pass: exit 2. */
export class NothingAuditedError extends CollectionError {
  override name = 'NothingAuditedError';
}

/** A snapshot or report file that cannot be read: not JSON, wrong format, unsupported version. */
export class SnapshotError extends Cloud502Error {
  override name = 'SnapshotError';
}

export function isCloud502Error(err: unknown): err is Cloud502Error {
  return err instanceof Cloud502Error;
}
