/**
 * A reverse proxy on 127.0.0.1 in front of moto that answers chosen requests with the error AWS would send: moto
 * enforces no IAM, so "this account denies AssumeRole" and "this object may not be written" are injected here.
 * Everything else is forwarded unchanged (moto does not verify SigV4). Started on port 0 and closed by the test.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeCall, errorAnswer, type ProxiedCall, type ProxyAnswer } from '../../../../bench/throttle-proxy.js';

export interface ProxiedRequest {
  method: string;
  /** Path and query, e.g. `/bucket/key?x-id=PutObject`. */
  path: string;
  call: ProxiedCall;
}

export type FaultRule = (request: ProxiedRequest) => ProxyAnswer | undefined;

export interface FaultProxy {
  url: string;
  /** Requests answered by a rule, as `METHOD path` or the API name. */
  readonly injected: string[];
  close(): Promise<void>;
}

/** AccessDenied for sts:AssumeRole of one role, as STS words it. */
export function denyAssumeRole(roleArn: string): FaultRule {
  return ({ call }) =>
    call.api === 'sts:AssumeRole' && call.params.RoleArn === roleArn
      ? errorAnswer(call, 403, 'AccessDenied', `User: arn:aws:sts::000000000000:assumed-role/cloud502-worker/x is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`)
      : undefined;
}

/** S3's AccessDenied for a PUT whose path ends with `keySuffix` (as a bucket policy or KMS key would refuse it). */
export function denyPut(keySuffix: string): FaultRule {
  return ({ method, path }) =>
    method === 'PUT' && path.split('?')[0]!.endsWith(keySuffix)
      ? {
          status: 403,
          headers: { 'content-type': 'application/xml' },
          body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R1</RequestId><HostId>H1</HostId></Error>',
        }
      : undefined;
}

export async function startFaultProxy(upstream: string, rules: FaultRule[]): Promise<FaultProxy> {
  const target = new URL(upstream);
  const injected: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const request: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', call: describeCall(req.headers, body.toString('utf8')) };
      for (const rule of rules) {
        const answer = rule(request);
        if (answer) {
          injected.push(request.call.api.endsWith(':Unknown') ? `${request.method} ${request.path.split('?')[0]}` : request.call.api);
          res.writeHead(answer.status, answer.headers).end(answer.body);
          return;
        }
      }
      const up = httpRequest(
        { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'content-length': String(body.length) } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      up.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${err.message}`);
      });
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    injected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
