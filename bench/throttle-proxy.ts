/**
 * A reverse proxy on 127.0.0.1 in front of moto that behaves like AWS under load: it adds a fixed latency to every
 * call, enforces a server-side token bucket per access key × region × API, and answers calls over the bucket with
 * the throttling error AWS sends for that protocol. It counts calls, throttled answers and upstream errors per API.
 *
 * Wire formats of the throttling answers (what the real SDK clients parse):
 * - ELBv2, Classic ELB, STS (awsQuery): HTTP 400, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>…`.
 * - EC2 (ec2Query): HTTP 503, `<Response><Errors><Error><Code>RequestLimitExceeded</Code>…` (EC2 answers throttling
 *   with 503 Service Unavailable, as SDK error reports show: "Status Code: 503; Error Code: RequestLimitExceeded").
 * - CloudWatch (JSON 1.0, awsQueryCompatible): HTTP 400, `{"__type":"Throttling",…}` and `x-amzn-query-error: Throttling;Sender`.
 * - ACM (JSON 1.1): HTTP 400, `{"__type":"ThrottlingException",…}`.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiRateLimit } from '../src/provider.js';

/** A server-side token bucket: starts full, refills continuously, a call takes one token or is throttled. */
export class ServerTokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: ApiRateLimit,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = limit.burst;
    this.last = now();
  }

  tryTake(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((t - this.last) / 1000) * this.limit.ratePerSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export type WireProtocol = 'query' | 'ec2' | 'json1.0' | 'json1.1';

/** What the proxy understood of a request. */
export interface ProxiedCall {
  /** The bucket name, as the collector's rate budget names it: `elasticloadbalancing:DescribeTargetHealth`, `elasticloadbalancing-classic:DescribeTags`, `cloudwatch:GetMetricData`. */
  api: string;
  /** The SigV4 signing name: elasticloadbalancing, ec2, monitoring, acm, sts. */
  signingName: string;
  region: string;
  accessKeyId: string;
  protocol: WireProtocol;
  /** Form parameters (query protocols) or the parsed JSON body. */
  params: Record<string, unknown>;
}

export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ThrottleProxyOptions {
  /** The server requests are forwarded to, e.g. moto's `http://127.0.0.1:PORT`. */
  upstream: string;
  /** Added to every call that is not throttled, before it is forwarded. */
  latencyMs?: number;
  /** The server bucket of an API; undefined = not throttled. */
  limitFor?: (api: string) => ApiRateLimit | undefined;
  /**
   * What one server bucket covers: one API (`elasticloadbalancing:DescribeTargetHealth`, the default), or every action
   * of a service (`elasticloadbalancing`), as when AWS shares one bucket between all the non-mutating calls of an API.
   */
  bucketPer?: 'api' | 'service';
  /** Answers a call instead of moto (fault injection, e.g. AccessDenied for one role); undefined = forward. */
  fault?: (call: ProxiedCall) => ProxyAnswer | undefined;
  /** Never answers a call for which this is true (a hung API); the request is dropped when the proxy closes. */
  stall?: (call: ProxiedCall) => boolean;
}

export interface ApiCounters {
  /** Every request that arrived, throttled ones included. */
  calls: number;
  throttled: number;
  /** Answered by `fault`. */
  injected: number;
  /** Forwarded calls that moto answered with an error status. */
  upstreamErrors: number;
  /** Held without an answer (`stall`). */
  stalled: number;
}

const SIGNING_TO_IAM: Record<string, string> = { monitoring: 'cloudwatch' };

/** Names the call the way the collector's budget does. */
export function describeCall(headers: IncomingHttpHeaders, body: string): ProxiedCall {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(headers.authorization ?? '');
  const accessKeyId = scope?.[1] ?? 'anonymous';
  const region = scope?.[2] ?? 'unknown';
  const signingName = scope?.[3] ?? 'unknown';
  const target = headers['x-amz-target'];
  const contentType = String(headers['content-type'] ?? '');
  if (typeof target === 'string' && target.includes('.')) {
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(body || '{}') as Record<string, unknown>;
    } catch {
      // not JSON: leave the parameters empty
    }
    const action = target.slice(target.lastIndexOf('.') + 1);
    const protocol: WireProtocol = contentType.includes('1.1') ? 'json1.1' : 'json1.0';
    return { api: `${SIGNING_TO_IAM[signingName] ?? signingName}:${action}`, signingName, region, accessKeyId, protocol, params };
  }
  const form = new URLSearchParams(body);
  const params = Object.fromEntries(form.entries());
  const action = form.get('Action') ?? 'Unknown';
  let service = SIGNING_TO_IAM[signingName] ?? signingName;
  // Classic ELB (API version 2012-06-01) has buckets of its own.
  if (signingName === 'elasticloadbalancing' && form.get('Version') === '2012-06-01') service = 'elasticloadbalancing-classic';
  return { api: `${service}:${action}`, signingName, region, accessKeyId, protocol: signingName === 'ec2' ? 'ec2' : 'query', params };
}

/** The throttling answer AWS gives in the call's protocol. */
export function throttlingAnswer(call: ProxiedCall): ProxyAnswer {
  const requestId = randomUUID();
  switch (call.protocol) {
    case 'ec2':
      return {
        status: 503,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
      };
    case 'json1.0':
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'Throttling;Sender', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: 'Throttling', message: 'Rate exceeded' }),
      };
    case 'json1.1':
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
      };
    default:
      return {
        status: 400,
        headers: { 'content-type': 'text/xml' },
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
  }
}

/** An error answer in the call's protocol (fault injection). */
export function errorAnswer(call: ProxiedCall, status: number, code: string, message: string): ProxyAnswer {
  const answer = throttlingAnswer(call);
  const body =
    call.protocol === 'json1.0' || call.protocol === 'json1.1'
      ? JSON.stringify({ __type: code, message })
      : answer.body.replace(/<Code>[^<]*<\/Code><Message>[^<]*<\/Message>/, `<Code>${code}</Code><Message>${message}</Message>`);
  const headers = { ...answer.headers };
  if (headers['x-amzn-query-error']) headers['x-amzn-query-error'] = `${code};Sender`;
  return { status, headers, body };
}

export class ThrottleProxy {
  private server: Server | undefined;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly buckets = new Map<string, ServerTokenBucket>();
  private readonly counters = new Map<string, ApiCounters>();
  /** Calls per `accessKeyId|region|api`: the unit the server's buckets apply to. */
  private readonly perKey = new Map<string, number>();
  private readonly upstream: URL;
  url = '';

  constructor(private readonly options: ThrottleProxyOptions) {
    this.upstream = new URL(options.upstream);
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** Counters per API, sorted by API name. */
  stats(): Record<string, ApiCounters> {
    return Object.fromEntries([...this.counters.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, { ...v }]));
  }

  /** Calls per access key × region × API. */
  keyStats(): Array<{ accessKeyId: string; region: string; api: string; calls: number }> {
    return [...this.perKey.entries()].map(([key, calls]) => {
      const [accessKeyId, region, api] = key.split('|') as [string, string, string];
      return { accessKeyId, region, api, calls };
    });
  }

  /** Forgets counters and buckets (between benchmark phases). */
  reset(): void {
    this.counters.clear();
    this.perKey.clear();
    this.buckets.clear();
  }

  private count(api: string): ApiCounters {
    let c = this.counters.get(api);
    if (!c) {
      c = { calls: 0, throttled: 0, injected: 0, upstreamErrors: 0, stalled: 0 };
      this.counters.set(api, c);
    }
    return c;
  }

  private admit(call: ProxiedCall): boolean {
    const limit = this.options.limitFor?.(call.api);
    if (!limit) return true;
    const scope = this.options.bucketPer === 'service' ? call.api.split(':')[0]! : call.api;
    const key = `${call.accessKeyId}|${call.region}|${scope}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new ServerTokenBucket(limit);
      this.buckets.set(key, bucket);
    }
    return bucket.tryTake();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = describeCall(req.headers, body.toString('utf8'));
      const counters = this.count(call.api);
      counters.calls += 1;
      const key = `${call.accessKeyId}|${call.region}|${call.api}`;
      this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1);
      if (this.options.stall?.(call)) {
        counters.stalled += 1;
        return;
      }
      const injected = this.options.fault?.(call);
      if (injected) {
        counters.injected += 1;
        res.writeHead(injected.status, injected.headers).end(injected.body);
        return;
      }
      if (!this.admit(call)) {
        counters.throttled += 1;
        const answer = throttlingAnswer(call);
        res.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      }
      const forward = () => this.forward(req, body, res, counters);
      const latency = this.options.latencyMs ?? 0;
      if (latency > 0) setTimeout(forward, latency);
      else forward();
    });
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse, counters: ApiCounters): void {
    const upstream = httpRequest(
      {
        protocol: this.upstream.protocol,
        hostname: this.upstream.hostname,
        port: this.upstream.port,
        method: req.method,
        path: req.url,
        // SigV4 is not verified by moto, so the signed headers go through unchanged.
        headers: { ...req.headers, 'content-length': String(body.length) },
        agent: this.agent,
      },
      (up) => {
        if ((up.statusCode ?? 500) >= 400) counters.upstreamErrors += 1;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      counters.upstreamErrors += 1;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: upstream error ${err.message}`);
    });
    upstream.end(body);
  }
}
