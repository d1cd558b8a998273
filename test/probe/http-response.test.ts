import { describe, expect, it } from 'vitest';
import { ResponseReader, serverWillClose, type ReaderState, type ResponseHead } from '../../src/probe/http-response.js';

/** Feeds `text` in pieces of `size` bytes and returns every state seen. */
function feed(text: string | Buffer, size = Number.MAX_SAFE_INTEGER, maxHead = 16 * 1024): ReaderState[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const reader = new ResponseReader(maxHead);
  const states: ReaderState[] = [];
  for (let i = 0; i < bytes.length; i += size) states.push(reader.push(bytes.subarray(i, i + size)));
  return states;
}

const last = (states: ReaderState[]): ReaderState | undefined => states[states.length - 1];

describe('ResponseReader', () => {
  it.each([1, 3, 1000])('Content-Length body, fed %i bytes at a time', (size) => {
    const states = feed('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: timeout=5\r\n\r\nhello', size);
    expect(last(states)).toEqual({ state: 'done', head: { version: 'HTTP/1.1', statusCode: 200, headers: { 'content-length': '5', 'keep-alive': 'timeout=5' } } });
    // Not done before the last body byte.
    expect(states.slice(0, -1).every((s) => s.state === 'reading')).toBe(true);
  });

  it.each([1, 7, 1000])('chunked body with extensions and trailers, fed %i bytes at a time', (size) => {
    const body = '4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n';
    const states = feed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}`, size);
    expect(last(states)?.state).toBe('done');
    expect(states.slice(0, -1).every((s) => s.state === 'reading')).toBe(true);
  });

  it('skips 1xx responses', () => {
    const s = last(feed('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\nServer: nginx\r\n\r\n'));
    expect(s).toMatchObject({ state: 'done', head: { statusCode: 204, headers: { server: 'nginx' } } });
  });

  it('304 and zero-length bodies end with the head', () => {
    expect(last(feed('HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n'))?.state).toBe('done');
    expect(last(feed('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'))?.state).toBe('done');
  });

  it('a body without length or chunking runs until close', () => {
    expect(last(feed('HTTP/1.0 200 OK\r\nServer: x\r\n\r\nabc'))).toMatchObject({ state: 'until-close', head: { version: 'HTTP/1.0' } });
  });

  it('joins repeated headers', () => {
    expect(last(feed('HTTP/1.1 200 OK\r\nVia: a\r\nVia: b\r\nContent-Length: 0\r\n\r\n'))).toMatchObject({ head: { headers: { via: 'a, b' } } });
  });

  it('ignores bytes after the end of the response', () => {
    const reader = new ResponseReader(1024);
    expect(reader.push(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE')).state).toBe('done');
    expect(reader.push(Buffer.from('more')).state).toBe('done');
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n', 'bad-response'],
    ['bad header line', 'HTTP/1.1 200 OK\r\nno colon\r\n\r\n', 'bad-response'],
    ['conflicting lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n', 'bad-response'],
    ['bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'bad-response'],
  ])('rejects %s', (_name, text, code) => {
    expect(() => feed(text)).toThrow(expect.objectContaining({ code }));
  });

  it('bounds the head', () => {
    const head = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(2000)}\r\n\r\n`;
    expect(() => feed(head, 100, 1024)).toThrow(expect.objectContaining({ code: 'max-bytes' }));
    // Still bounded when no end of head ever arrives.
    expect(() => feed(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(5000)}`, 100, 1024)).toThrow(expect.objectContaining({ code: 'max-bytes' }));
  });
});

describe('serverWillClose', () => {
  const head = (version: string, connection?: string): ResponseHead => ({ version, statusCode: 200, headers: connection ? { connection } : {} });
  it.each([
    [head('HTTP/1.1'), false],
    [head('HTTP/1.1', 'close'), true],
    [head('HTTP/1.1', 'Keep-Alive, Close'), true],
    [head('HTTP/1.0'), true],
    [head('HTTP/1.0', 'keep-alive'), false],
  ])('%j → %s', (h, expected) => {
    expect(serverWillClose(h)).toBe(expected);
  });
});
