import type { BackendProfile, ServerKind, Sourced } from './inventory.js';

/**
 * Documented idle keep-alive defaults of common backend servers (CHECKS.md §3.6).
 * `null` = the server never closes idle connections by default (Go net/http without IdleTimeout/ReadTimeout).
 */
export const SERVER_KEEPALIVE_DEFAULT_SECONDS: Readonly<Record<Exclude<ServerKind, 'other'>, number | null>> = {
  node: 5, // http.Server keepAliveTimeout 5000 ms
  gunicorn: 2, // gunicorn/config.py Keepalive default = 2
  uvicorn: 5, // uvicorn timeout_keep_alive = 5
  nginx: 75, // ngx_http_core_module keepalive_timeout 75000 ms (shipped nginx.conf sets 65)
  apache: 5, // KeepAliveTimeout 5 in shipped httpd-default.conf
  tomcat: 20, // keepAliveTimeout = connectionTimeout; shipped server.xml sets 20000 ms
  go: null, // IdleTimeout 0 and ReadTimeout 0: no idle close
};

export const SERVER_KINDS: readonly ServerKind[] = ['node', 'gunicorn', 'uvicorn', 'nginx', 'apache', 'tomcat', 'go', 'other'];

export function isServerKind(value: string): value is ServerKind {
  return (SERVER_KINDS as readonly string[]).includes(value);
}

const TRUST: Record<string, number> = { measured: 3, declared: 2, inferred: 1 };

/**
 * The best keep-alive known for a backend: measured > declared > inferred from the server kind's default.
 * Returns undefined when nothing is known.
 */
export function effectiveKeepAlive(profile: BackendProfile | undefined): Sourced<number | null> | undefined {
  if (!profile) return undefined;
  const candidates: Sourced<number | null>[] = [];
  if (profile.keepAliveSeconds) candidates.push(profile.keepAliveSeconds);
  const server = profile.server?.value;
  if (server && server !== 'other') {
    candidates.push({
      value: SERVER_KEEPALIVE_DEFAULT_SECONDS[server],
      source: 'inferred',
      detail: `default of ${server}${profile.server?.detail ? ` (${profile.server.detail})` : ''}`,
    });
  }
  candidates.sort((a, b) => (TRUST[b.source] ?? 0) - (TRUST[a.source] ?? 0));
  return candidates[0];
}

/** Merge two profiles, keeping the more trusted value of each field (b wins ties). */
export function mergeBackendProfiles(a: BackendProfile | undefined, b: BackendProfile | undefined): BackendProfile | undefined {
  if (!a) return b;
  if (!b) return a;
  const pick = <T>(x: Sourced<T> | undefined, y: Sourced<T> | undefined): Sourced<T> | undefined => {
    if (!x) return y;
    if (!y) return x;
    return (TRUST[x.source] ?? 0) > (TRUST[y.source] ?? 0) ? x : y;
  };
  const server = pick(a.server, b.server);
  const keepAliveSeconds = pick(a.keepAliveSeconds, b.keepAliveSeconds);
  const maxRequestSeconds = pick(a.maxRequestSeconds, b.maxRequestSeconds);
  return {
    ...(server ? { server } : {}),
    ...(keepAliveSeconds ? { keepAliveSeconds } : {}),
    ...(maxRequestSeconds ? { maxRequestSeconds } : {}),
  };
}

/** The server setting that sets the idle keep-alive to `seconds`, in the server's own terms. */
export function keepAliveSetting(server: ServerKind | undefined, seconds: number): string {
  switch (server) {
    case 'node':
      return `Node.js: set server.keepAliveTimeout = ${seconds * 1000} (ms) and server.headersTimeout = ${(seconds + 1) * 1000} (ms), above keepAliveTimeout.`;
    case 'gunicorn':
      return `gunicorn: start with --keep-alive ${seconds} (gthread/async workers; the sync worker keeps no persistent connections).`;
    case 'uvicorn':
      return `uvicorn: start with --timeout-keep-alive ${seconds}.`;
    case 'nginx':
      return `nginx: set keepalive_timeout ${seconds}s; in the http or server block.`;
    case 'apache':
      return `Apache httpd: set KeepAlive On and KeepAliveTimeout ${seconds}.`;
    case 'tomcat':
      return `Tomcat: set keepAliveTimeout="${seconds * 1000}" on the HTTP Connector in server.xml.`;
    case 'go':
      return `Go net/http: set http.Server{IdleTimeout: ${seconds} * time.Second}.`;
    default:
      return (
        `Set the server's idle keep-alive timeout to ${seconds} s (Node server.keepAliveTimeout, gunicorn --keep-alive, uvicorn ` +
        '--timeout-keep-alive, nginx keepalive_timeout, Apache KeepAliveTimeout, Tomcat keepAliveTimeout, Go http.Server.IdleTimeout).'
      );
  }
}
