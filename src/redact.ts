/**
 * Credentials in URLs (`https://user:secret@host`) must never reach a terminal, a log, a snapshot or a report:
 * `--endpoint-url` and AWS_ENDPOINT_URL may carry them (an authenticating proxy, a LocalStack gateway).
 */

/**
 * `scheme://user:password@` and `scheme://token@`: the userinfo of any URL in a text, up to the LAST `@` of the
 * authority (a password may contain `@`; `/ ? #` end the authority).
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/gi;

/** What replaces the userinfo: the scheme and host stay, so the message still says which endpoint it was. */
export const REDACTED_USERINFO = '***@';

/**
 * Replaces the credentials of every URL in `text`.
 * @example redactUrlCredentials('cannot reach http://admin:s3cret@10.0.0.1:4566') // 'cannot reach http://***@10.0.0.1:4566'
 */
export function redactUrlCredentials(text: string): string {
  return text.replace(USERINFO, `$1${REDACTED_USERINFO}`);
}

/** True when `text` holds a URL with credentials. */
export function hasUrlCredentials(text: string): boolean {
  USERINFO.lastIndex = 0;
  const found = USERINFO.test(text);
  USERINFO.lastIndex = 0;
  return found;
}
