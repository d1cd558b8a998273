/**
 * A disk-backed stand-in for the S3 calls the merge makes (path-style GetObject, HeadObject, PutObject, CopyObject,
 * multipart upload), on 127.0.0.1, so the merge benchmark measures the merge and not an emulator: moto answers each
 * call in a few milliseconds of Python, which over 20,000 partial reports would be most of the wall time.
 * Objects are files under `root`; nothing is kept in memory but the multipart uploads' part lists.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface S3Counters {
  get: number;
  head: number;
  put: number;
  copy: number;
  multipart: number;
  notFound: number;
  bytesIn: number;
  bytesOut: number;
}

export interface FakeS3 {
  url: string;
  root: string;
  counters: S3Counters;
  /** The file an object is stored in (the benchmark writes its fixtures straight there). */
  pathOf(bucket: string, key: string): string;
  close(): Promise<void>;
}

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fake</RequestId></Error>`);
}

/** Decodes an `aws-chunked` body (`<hex size>[;ext]\r\n<data>\r\n … 0\r\n<trailers>\r\n`) as it streams into `out`. */
async function readBody(req: IncomingMessage, out: NodeJS.WritableStream): Promise<number> {
  const chunked = String(req.headers['content-encoding'] ?? '').includes('aws-chunked');
  let written = 0;
  if (!chunked) {
    req.on('data', (d: Buffer) => (written += d.length));
    await pipeline(req, out);
    return written;
  }
  let buffer = Buffer.alloc(0);
  let remaining = -1;
  for await (const piece of req as AsyncIterable<Buffer>) {
    buffer = Buffer.concat([buffer, piece]);
    for (;;) {
      if (remaining === -1) {
        const eol = buffer.indexOf('\r\n');
        if (eol === -1) break;
        remaining = Number.parseInt(buffer.subarray(0, eol).toString().split(';')[0]!, 16);
        buffer = buffer.subarray(eol + 2);
        if (remaining === 0) {
          buffer = Buffer.alloc(0);
          break;
        }
      }
      if (remaining > 0) {
        const take = Math.min(remaining, buffer.length);
        if (take === 0) break;
        out.write(buffer.subarray(0, take));
        written += take;
        remaining -= take;
        buffer = buffer.subarray(take);
      }
      if (remaining === 0) {
        if (buffer.length < 2) break;
        buffer = buffer.subarray(2);
        remaining = -1;
      }
    }
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return written;
}

export async function startFakeS3(root: string): Promise<FakeS3> {
  const counters: S3Counters = { get: 0, head: 0, put: 0, copy: 0, multipart: 0, notFound: 0, bytesIn: 0, bytesOut: 0 };
  const uploads = new Map<string, { bucket: string; key: string; parts: Map<number, string> }>();
  const pathOf = (bucket: string, key: string): string => {
    if (key.split('/').includes('..') || bucket.includes('/')) throw new Error(`refused key ${key}`);
    return join(root, 'objects', bucket, key);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const [, bucket = '', ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    if (method === 'POST' && q.has('uploads')) {
      const id = randomUUID();
      uploads.set(id, { bucket, key, parts: new Map() });
      counters.multipart += 1;
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
      return;
    }
    if (method === 'PUT' && q.has('uploadId')) {
      const upload = uploads.get(q.get('uploadId')!);
      if (!upload) return xmlError(res, 404, 'NoSuchUpload', 'no such upload');
      const part = join(root, 'parts', `${q.get('uploadId')}-${q.get('partNumber')}`);
      await mkdir(dirname(part), { recursive: true });
      counters.bytesIn += await readBody(req, createWriteStream(part));
      upload.parts.set(Number(q.get('partNumber')), part);
      res.writeHead(200, { etag: `"${q.get('partNumber')}"` }).end();
      return;
    }
    if (method === 'POST' && q.has('uploadId')) {
      for await (const _ of req) void _;
      const upload = uploads.get(q.get('uploadId')!);
      if (!upload) return xmlError(res, 404, 'NoSuchUpload', 'no such upload');
      const target = pathOf(upload.bucket, upload.key);
      await mkdir(dirname(target), { recursive: true });
      const out = createWriteStream(`${target}.tmp`);
      for (const n of [...upload.parts.keys()].sort((a, b) => a - b)) {
        for await (const chunk of createReadStream(upload.parts.get(n)!)) if (!out.write(chunk)) await once(out, 'drain');
      }
      await new Promise<void>((resolve) => out.end(() => resolve()));
      await rename(`${target}.tmp`, target);
      for (const p of upload.parts.values()) await rm(p, { force: true });
      uploads.delete(q.get('uploadId')!);
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`<CompleteMultipartUploadResult><Bucket>${upload.bucket}</Bucket><Key>${upload.key}</Key><ETag>"done"</ETag></CompleteMultipartUploadResult>`);
      return;
    }
    if (method === 'DELETE' && q.has('uploadId')) {
      const upload = uploads.get(q.get('uploadId')!);
      for (const p of upload?.parts.values() ?? []) await rm(p, { force: true });
      uploads.delete(q.get('uploadId')!);
      res.writeHead(204).end();
      return;
    }
    const file = pathOf(bucket, key);
    if (method === 'PUT') {
      await mkdir(dirname(file), { recursive: true });
      const source = req.headers['x-amz-copy-source'];
      if (typeof source === 'string') {
        for await (const _ of req) void _;
        const [fromBucket, ...fromKey] = decodeURIComponent(source.replace(/^\//, '')).split('/');
        try {
          await copyFile(pathOf(fromBucket!, fromKey.join('/')), file);
        } catch {
          return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        }
        counters.copy += 1;
        res.writeHead(200, { 'content-type': 'application/xml' }).end(`<CopyObjectResult><ETag>"copy"</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyObjectResult>`);
        return;
      }
      counters.put += 1;
      counters.bytesIn += await readBody(req, createWriteStream(file));
      res.writeHead(200, { etag: '"put"' }).end();
      return;
    }
    if (method === 'GET' || method === 'HEAD') {
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch {
        counters.notFound += 1;
        if (method === 'HEAD') return void res.writeHead(404).end();
        return xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      }
      if (method === 'HEAD') {
        counters.head += 1;
        res.writeHead(200, { 'content-length': String(size), etag: '"x"' }).end();
        return;
      }
      counters.get += 1;
      counters.bytesOut += size;
      res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream', etag: '"x"' });
      await pipeline(createReadStream(file), res);
      return;
    }
    xmlError(res, 501, 'NotImplemented', `${method} is not implemented by the benchmark's S3`);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) xmlError(res, 500, 'InternalError', String(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    counters,
    pathOf,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
