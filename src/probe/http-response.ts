/**
 * A small incremental HTTP/1.x response reader for the keep-alive probe. It keeps only the head and a
 * chunk-size line in memory; the body is counted and discarded. Its job is to know where the response
 * ends, so that the same connection can then be held idle.
 */

export interface ResponseHead {
  /** e.g. `HTTP/1.1`. */
  version: string;
  statusCode: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
}

export type ReaderState =
  /** Needs more bytes. */
  | { state: 'reading' }
  /** The whole response was read; the connection can be reused. */
  | { state: 'done'; head: ResponseHead }
  /** The head was read; the body runs until the server closes (no length, not chunked). */
  | { state: 'until-close'; head: ResponseHead };

export class ResponseFormatError extends Error {
  override name = 'ResponseFormatError';
  constructor(
    message: string,
    readonly code: 'bad-response' | 'max-bytes' = 'bad-response',
  ) {
    super(message);
  }
}

const MAX_LINE_BYTES = 4096;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type BodyMode =
  | { kind: 'length'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'chunk-data-end' }
  | { kind: 'trailers' };

export class ResponseReader {
  private buffered: Buffer = Buffer.alloc(0);
  private head: ResponseHead | undefined;
  private body: BodyMode | undefined;
  private finished: ReaderState = { state: 'reading' };

  /** @param maxHeadBytes largest head accepted; larger heads are a format error. */
  constructor(private readonly maxHeadBytes: number) {}

  /** The head, once read (also while the body is still being read). */
  get responseHead(): ResponseHead | undefined {
    return this.head;
  }

  /** Feeds bytes; returns the state after them. Bytes after the end of the response are ignored. */
  push(chunk: Buffer): ReaderState {
    if (this.finished.state !== 'reading') return this.finished;
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.finished.state === 'reading') {
      if (!this.step()) break;
    }
    return this.finished;
  }

  /** One parsing step; false when more bytes are needed. */
  private step(): boolean {
    if (!this.head || !this.body) return this.readHead();
    const body = this.body;
    switch (body.kind) {
      case 'length':
      case 'chunk-data': {
        const n = Math.min(body.remaining, this.buffered.length);
        body.remaining -= n;
        this.buffered = this.buffered.subarray(n);
        if (body.remaining > 0) return false;
        if (body.kind === 'length') this.finished = { state: 'done', head: this.head };
        else this.body = { kind: 'chunk-data-end' };
        return true;
      }
      case 'chunk-data-end': {
        if (this.buffered.length < 2) return false;
        if (!this.buffered.subarray(0, 2).equals(CRLF)) throw new ResponseFormatError('chunk not followed by CRLF');
        this.buffered = this.buffered.subarray(2);
        this.body = { kind: 'chunk-size' };
        return true;
      }
      case 'chunk-size': {
        const line = this.takeLine();
        if (line === undefined) return false;
        const digits = line.split(';', 1)[0]?.trim() ?? '';
        const size = Number.parseInt(digits, 16);
        if (!/^[0-9a-fA-F]{1,12}$/.test(digits) || !Number.isSafeInteger(size)) {
          throw new ResponseFormatError(`bad chunk size line "${line.slice(0, 40)}"`);
        }
        this.body = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', remaining: size };
        return true;
      }
      case 'trailers': {
        const line = this.takeLine();
        if (line === undefined) return false;
        if (line === '') this.finished = { state: 'done', head: this.head };
        return true;
      }
    }
  }

  private takeLine(): string | undefined {
    const i = this.buffered.indexOf(CRLF);
    if (i < 0) {
      if (this.buffered.length > MAX_LINE_BYTES) throw new ResponseFormatError('line too long in a chunked body');
      return undefined;
    }
    const line = this.buffered.subarray(0, i).toString('latin1');
    this.buffered = this.buffered.subarray(i + 2);
    return line;
  }

  private readHead(): boolean {
    const end = this.buffered.indexOf(HEAD_END);
    if (end < 0) {
      if (this.buffered.length > this.maxHeadBytes) throw new ResponseFormatError(`response head larger than ${this.maxHeadBytes} bytes`, 'max-bytes');
      return false;
    }
    if (end > this.maxHeadBytes) throw new ResponseFormatError(`response head larger than ${this.maxHeadBytes} bytes`, 'max-bytes');
    const text = this.buffered.subarray(0, end).toString('latin1');
    this.buffered = this.buffered.subarray(end + HEAD_END.length);
    const [statusLine = '', ...lines] = text.split('\r\n');
    const m = /^(HTTP\/\d\.\d) (\d{3})(?: .*)?$/.exec(statusLine);
    if (!m) throw new ResponseFormatError(`not an HTTP response: "${statusLine.slice(0, 40)}"`);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ResponseFormatError(`bad header line "${line.slice(0, 40)}"`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const head: ResponseHead = { version: m[1] ?? 'HTTP/1.1', statusCode: Number(m[2]), headers };
    // 1xx responses (100 Continue, 103 Early Hints) precede the real one on the same connection.
    if (head.statusCode >= 100 && head.statusCode < 200) return true;
    this.head = head;
    this.body = bodyMode(head);
    if (!this.body) this.finished = { state: 'until-close', head };
    else if (this.body.kind === 'length' && this.body.remaining === 0) this.finished = { state: 'done', head };
    return true;
  }
}

/** RFC 9112 §6.3 for a response to GET; undefined = delimited by close. */
function bodyMode(head: ResponseHead): BodyMode | undefined {
  if (head.statusCode === 204 || head.statusCode === 304) return { kind: 'length', remaining: 0 };
  const te = head.headers['transfer-encoding'];
  if (te !== undefined) {
    const codings = te.toLowerCase().split(',').map((s) => s.trim());
    return codings[codings.length - 1] === 'chunked' ? { kind: 'chunk-size' } : undefined;
  }
  const cl = head.headers['content-length'];
  if (cl !== undefined) {
    const values = new Set(cl.split(',').map((s) => s.trim()));
    const [only] = [...values];
    if (values.size !== 1 || only === undefined || !/^\d+$/.test(only)) throw new ResponseFormatError(`bad Content-Length "${cl}"`);
    return { kind: 'length', remaining: Number(only) };
  }
  return undefined;
}

/** Whether the server said it will close the connection after this response. */
export function serverWillClose(head: ResponseHead): boolean {
  const tokens = (head.headers['connection'] ?? '').toLowerCase().split(',').map((s) => s.trim());
  if (tokens.includes('close')) return true;
  // HTTP/1.0 closes unless it opts into keep-alive.
  return head.version === 'HTTP/1.0' && !tokens.includes('keep-alive');
}
