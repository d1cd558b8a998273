import { describe, expect, it } from 'vitest';
import type { ServerKind } from '../../src/model/index.js';
import { parseKeepAliveHeader, serverKindFromHeader } from '../../src/probe/index.js';

describe('parseKeepAliveHeader', () => {
  it.each<[string, number | undefined]>([
    ['timeout=5', 5],
    ['timeout=5, max=1000', 5],
    ['max=100, timeout=75', 75],
    ['Timeout = 120 ', 120],
    ['timeout="65"', 65],
    ['timeout=0', 0],
    ['max=1000', undefined],
    ['', undefined],
    ['timeout=', undefined],
    ['timeout=5.5', undefined],
    ['timeout=-1', undefined],
    ['timeout=abc', undefined],
    ['timeouts=5', undefined],
  ])('%j → %s', (header, expected) => {
    expect(parseKeepAliveHeader(header)).toBe(expected);
  });
});

describe('serverKindFromHeader', () => {
  it.each<[string, ServerKind | undefined]>([
    ['nginx', 'nginx'],
    ['nginx/1.25.3', 'nginx'],
    ['openresty/1.21.4.1', 'nginx'],
    ['Apache', 'apache'],
    ['Apache/2.4.58 (Unix) OpenSSL/3.0.2', 'apache'],
    ['Apache-Coyote/1.1', 'tomcat'],
    ['Apache Tomcat/9.0.80', 'tomcat'],
    ['gunicorn', 'gunicorn'],
    ['gunicorn/21.2.0', 'gunicorn'],
    ['uvicorn', 'uvicorn'],
    // Unknown or ambiguous products are left alone rather than guessed.
    ['Microsoft-IIS/10.0', undefined],
    ['Kestrel', undefined],
    ['Jetty(9.4.z-SNAPSHOT)', undefined],
    ['Werkzeug/3.0.1 Python/3.12.1', undefined],
    ['Express', undefined],
    ['', undefined],
    ['nginxish', undefined],
  ])('%j → %s', (header, expected) => {
    expect(serverKindFromHeader(header)).toBe(expected);
  });
});
