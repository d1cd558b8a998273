import type { ServerKind } from '../model/index.js';

/**
 * The `timeout` parameter of a `Keep-Alive` response header (RFC 9112 leaves it to the historical
 * draft-thomson-hybi-http-timeout: `Keep-Alive: timeout=5, max=1000`), in seconds.
 * Undefined when absent or not a non-negative integer.
 *
 * @example parseKeepAliveHeader('timeout=5, max=1000') // 5
 */
export function parseKeepAliveHeader(value: string): number | undefined {
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim().toLowerCase() !== 'timeout') continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (!/^\d{1,10}$/.test(raw)) return undefined;
    return Number(raw);
  }
  return undefined;
}

/**
 * The server kind a `Server` response header names, or undefined when it names none we know.
 * Only product tokens the servers send by default map; absent or unknown headers never guess
 * (Node/Express and Go send no `Server` header; Tomcat 9+ sends none either).
 *
 * @example serverKindFromHeader('nginx/1.25.3') // 'nginx'
 * @example serverKindFromHeader('Apache-Coyote/1.1') // 'tomcat'
 */
export function serverKindFromHeader(value: string): ServerKind | undefined {
  const v = value.trim().toLowerCase();
  if (v === '') return undefined;
  // Tomcat's connector calls itself Apache-Coyote: test it before plain Apache.
  if (/^apache-coyote\b/.test(v) || /^apache tomcat\b/.test(v) || /^tomcat\b/.test(v)) return 'tomcat';
  const product = v.split(/[\s/;(]/, 1)[0] ?? '';
  switch (product) {
    case 'nginx':
    case 'openresty': // an nginx distribution: same keepalive_timeout directive and default
      return 'nginx';
    case 'apache':
      return 'apache';
    case 'gunicorn':
      return 'gunicorn';
    case 'uvicorn':
      return 'uvicorn';
    default:
      return undefined;
  }
}
