/**
 * A fake Compute Engine + Cloud Monitoring + STS server on 127.0.0.1, started by the test on port 0. It serves
 * raw project snapshots (GcpProjectSnapshot) the way the REST API does: aggregated lists grouped by scope with
 * warnings, `nextPageToken` paging, POST `listInstances` / `listNetworkEndpoints` / `getHealth`, and
 * regional `getEffectiveFirewalls`; it records every call by API method name, and can deny a method (403 naming the
 * permission in its text, as Compute does) or throttle it (429 + Retry-After, or 403 rateLimitExceeded).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GCP_METHOD_PERMISSIONS, type GcpMethod } from '../../../../providers/gcp/iam.js';
import type { GcpProjectSnapshot } from '../../../../providers/gcp/raw.js';

export interface RecordedCall {
  method: string;
  path: string;
  body: string;
  authorization?: string;
}

export interface FakeGoogleOptions {
  projects: GcpProjectSnapshot[];
  /** Items per page (small values force paging). */
  pageSize?: number;
  /** Methods answered with 403 PERMISSION_DENIED. */
  deny?: GcpMethod[];
  /** Methods answered `count` times with a throttling error first. */
  throttle?: Partial<Record<GcpMethod, { count: number; retryAfter?: string; as?: '429' | '403' }>>;
  /** Aggregated-list scopes answered with a warning other than "no results", per method. */
  unreachableScopes?: Partial<Record<GcpMethod, string>>;
}

export interface FakeGoogle {
  url: string;
  port: number;
  calls: RecordedCall[];
  /** Calls of one method. */
  count(method: GcpMethod | 'sts.token'): number;
  close(): Promise<void>;
}

const API = 'https://www.googleapis.com/compute/v1/';

const AGGREGATED: Record<string, keyof GcpProjectSnapshot['compute']> = {
  backendServices: 'backendServices',
  urlMaps: 'urlMaps',
  targetHttpProxies: 'targetHttpProxies',
  targetHttpsProxies: 'targetHttpsProxies',
  targetTcpProxies: 'targetTcpProxies',
  forwardingRules: 'forwardingRules',
  healthChecks: 'healthChecks',
  instanceGroups: 'instanceGroups',
  networkEndpointGroups: 'networkEndpointGroups',
  instances: 'instances',
  subnetworks: 'subnetworks',
  sslCertificates: 'sslCertificates',
};

const GLOBAL_LISTS: Record<string, { field: keyof GcpProjectSnapshot['compute']; method: GcpMethod }> = {
  targetSslProxies: { field: 'targetSslProxies', method: 'compute.targetSslProxies.list' },
  forwardingRules: { field: 'forwardingRules', method: 'compute.globalForwardingRules.list' },
  firewalls: { field: 'firewalls', method: 'compute.firewalls.list' },
  networks: { field: 'networks', method: 'compute.networks.list' },
};

interface Item {
  selfLink?: string;
  zone?: string;
  region?: string;
}

/** `zones/z`, `regions/r` or `global`, from the item's own link. */
function scopeOf(item: Item): string {
  const m = /\/(zones|regions)\/([^/]+)\/[A-Za-z]+\/[^/]+$/.exec(item.selfLink ?? '');
  return m ? `${m[1]}/${m[2]}` : 'global';
}

function page<T>(items: T[], token: string | null, size: number): { items: T[]; next?: string } {
  const start = token ? Number(token.replace('p', '')) : 0;
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, next: `p${start + size}` } : { items: slice };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });
}

export async function startFakeGoogle(options: FakeGoogleOptions): Promise<FakeGoogle> {
  const calls: RecordedCall[] = [];
  const size = options.pageSize ?? 500;
  const projects = new Map(options.projects.map((p) => [p.project, p]));
  const throttled = new Map<string, number>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const token = url.searchParams.get('pageToken');
    const record = (method: string): void => {
      calls.push({ method, path: `${path}${url.search}`, body, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    };

    if (path === '/token' && req.method === 'POST') {
      record('sts.token');
      return send(res, 200, { access_token: 'fake-federated-token', issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: 3600 });
    }

    let method: GcpMethod | undefined;
    let answer: (() => unknown) | undefined;
    const compute = /^\/compute\/v1\/projects\/([^/]+)\/(.+)$/.exec(path);
    const monitoring = /^\/v3\/projects\/([^/]+)\/timeSeries$/.exec(path);
    const project = projects.get((compute ?? monitoring)?.[1] ?? '');
    const rest = compute?.[2] ?? '';
    let m: RegExpExecArray | null;
    if (compute && (m = /^aggregated\/([A-Za-z]+)$/.exec(rest))) {
      const collection = m[1] ?? '';
      method = `compute.${collection}.aggregatedList` as GcpMethod;
      answer = () => {
        let items = ((project?.compute[AGGREGATED[collection] ?? 'instances'] ?? []) as Item[]).slice();
        // The aggregated forwarding-rule list leaves global rules out, as the real API does.
        if (collection === 'forwardingRules') items = items.filter((i) => scopeOf(i) !== 'global');
        const p = page(items, token, size);
        const grouped: Record<string, unknown> = {};
        for (const item of p.items) ((grouped[scopeOf(item)] ??= { [collection]: [] }) as Record<string, unknown[]>)[collection]?.push(item);
        if (!token) grouped['regions/us-east9'] = { warning: { code: 'NO_RESULTS_ON_PAGE', message: 'There are no results for scope regions/us-east9 on this page.' } };
        const unreachable = options.unreachableScopes?.[method as GcpMethod];
        if (unreachable && !token) grouped[unreachable] = { warning: { code: 'UNREACHABLE', message: `scope ${unreachable} is unreachable` } };
        return { items: grouped, ...(p.next ? { nextPageToken: p.next } : {}) };
      };
    } else if (compute && (m = /^global\/([A-Za-z]+)$/.exec(rest)) && GLOBAL_LISTS[m[1] ?? '']) {
      const spec = GLOBAL_LISTS[m[1] ?? ''];
      method = spec?.method;
      answer = () => {
        let items = ((project?.compute[spec?.field ?? 'firewalls'] ?? []) as Item[]).slice();
        if (m?.[1] === 'forwardingRules') items = items.filter((i) => scopeOf(i) === 'global');
        const p = page(items, token, size);
        return { items: p.items, ...(p.next ? { nextPageToken: p.next } : {}) };
      };
    } else if (compute && (m = /^(zones|regions)\/([^/]+)\/instanceGroups\/([^/]+)\/listInstances$/.exec(rest))) {
      method = m[1] === 'zones' ? 'compute.instanceGroups.listInstances' : 'compute.regionInstanceGroups.listInstances';
      const key = `projects/${compute[1]}/${m[1]}/${m[2]}/instanceGroups/${m[3]}`;
      answer = () => {
        const members = project?.compute.groupInstances[key];
        if (!members) return undefined;
        const p = page(members, token, size);
        return { items: p.items, ...(p.next ? { nextPageToken: p.next } : {}) };
      };
    } else if (compute && (m = /^zones\/([^/]+)\/networkEndpointGroups\/([^/]+)\/listNetworkEndpoints$/.exec(rest))) {
      method = 'compute.networkEndpointGroups.listNetworkEndpoints';
      const key = `projects/${compute[1]}/zones/${m[1]}/networkEndpointGroups/${m[2]}`;
      answer = () => {
        const endpoints = project?.compute.negEndpoints[key];
        return endpoints ? { items: endpoints } : undefined;
      };
    } else if (compute && (m = /^(global|regions\/[^/]+)\/backendServices\/([^/]+)\/getHealth$/.exec(rest))) {
      method = m[1] === 'global' ? 'compute.backendServices.getHealth' : 'compute.regionBackendServices.getHealth';
      const service = `projects/${compute[1]}/${m[1]}/backendServices/${m[2]}`;
      answer = () => {
        const group = String((JSON.parse(body || '{}') as { group?: string }).group ?? '').replace(API, '');
        const h = project?.compute.backendHealth.find((x) => x.backendService === service && x.group === group);
        return h ? { healthStatus: h.healthStatus, kind: 'compute#backendServiceGroupHealth' } : undefined;
      };
    } else if (compute && (m = /^regions\/([^/]+)\/firewallPolicies\/getEffectiveFirewalls$/.exec(rest))) {
      method = 'compute.regionNetworkFirewallPolicies.getEffectiveFirewalls';
      const key = `projects/${compute[1]}/global/networks/${url.searchParams.get('network') ?? ''}@${m[1]}`;
      answer = () => project?.compute.effectiveFirewalls[key];
    } else if (monitoring) {
      method = 'monitoring.timeSeries.list';
      answer = () => {
        const type = /metric\.type\s*=\s*"([^"]+)"/.exec(url.searchParams.get('filter') ?? '')?.[1];
        const queryIds = new Set((project?.monitoring.queries ?? []).filter((q) => q.metricType === type).map((q) => q.id));
        const series = (project?.monitoring.series ?? []).filter((s) => queryIds.has(s.queryId)).map(({ queryId: _q, ...s }) => s);
        const p = page(series, token, size);
        return { timeSeries: p.items, ...(p.next ? { nextPageToken: p.next } : {}) };
      };
    }

    if (!method || !answer) {
      record('unknown');
      return send(res, 404, { error: { code: 404, message: `fake: no route for ${req.method} ${path}`, status: 'NOT_FOUND' } });
    }
    record(method);
    if (options.deny?.includes(method)) {
      return send(res, 403, {
        error: {
          code: 403,
          message: `Required '${GCP_METHOD_PERMISSIONS[method]}' permission for 'projects/${(compute ?? monitoring)?.[1]}'`,
          errors: [{ message: 'forbidden', domain: 'global', reason: 'forbidden' }],
        },
      });
    }
    const t = options.throttle?.[method];
    if (t && (throttled.get(method) ?? 0) < t.count) {
      throttled.set(method, (throttled.get(method) ?? 0) + 1);
      const headers: Record<string, string> = t.retryAfter !== undefined ? { 'retry-after': t.retryAfter } : {};
      if (t.as === '403') return send(res, 403, { error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ message: 'Rate Limit Exceeded', domain: 'usageLimits', reason: 'rateLimitExceeded' }] } }, headers);
      return send(res, 429, { error: { code: 429, message: 'Rate Limit Exceeded', errors: [{ message: 'Rate Limit Exceeded', domain: 'usageLimits', reason: 'rateLimitExceeded' }] } }, headers);
    }
    if (!project) return send(res, 404, { error: { code: 404, message: `The resource 'projects/${(compute ?? monitoring)?.[1]}' was not found`, status: 'NOT_FOUND' } });
    const result = answer();
    if (result === undefined) return send(res, 404, { error: { code: 404, message: 'fake: resource not found', status: 'NOT_FOUND' } });
    return send(res, 200, result);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { error: { code: 500, message: String(err) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    count: (method) => calls.filter((c) => c.method === method).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
