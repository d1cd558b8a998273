/**
 * A fake Azure Resource Manager on 127.0.0.1 (http, or https with a test certificate) serving an ArmWorld to the
 * real SDK clients: paged listings with absolute nextLinks to itself, the long-running health POSTs (202 + Location,
 * polled at operationResults), Azure Monitor metrics (400 when the $filter names a dimension a requested metric lacks,
 * as Azure does) per resource and through the data plane's `metrics:getBatch` (the same server stands for the
 * regional metrics endpoint), faults (429 + Retry-After, 403 AuthorizationFailed naming the action), and a record of
 * every request.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ArmResource, ArmWorld, Json, MetricSpec, SubscriptionWorld } from './arm.js';
import { metricsBody, vmWithStatus } from './arm.js';

export interface Fault {
  method?: string;
  /** Matched against the path (no query). */
  path: RegExp;
  status: number;
  code?: string;
  message?: string;
  headers?: Record<string, string>;
  /** How many requests it answers; unlimited when absent. */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  status: number;
  /** The JSON body of a POST, when it had one. */
  body?: Json;
}

export interface FakeArmOptions {
  /** Items per page of every listing (default 50). */
  pageSize?: number;
  /** Polls answered 202 before the health result (default 1). */
  pollsBeforeDone?: number;
  /** Retry-After on the 202s, seconds (default none). */
  lroRetryAfterSeconds?: number;
  tls?: { key: string; cert: string };
  faults?: Fault[];
}

export interface FakeArm {
  url: string;
  requests: RecordedRequest[];
  faults: Fault[];
  close(): Promise<void>;
}

/** Dimensions of each metric (Azure Monitor supported-metrics reference), to refuse filters as Azure does. */
export const METRIC_DIMENSIONS: Readonly<Record<string, readonly string[]>> = {
  unhealthyhostcount: ['backendsettingspool'],
  healthyhostcount: ['backendsettingspool'],
  backendresponsestatus: ['backendserver', 'backendpool', 'backendhttpsetting', 'httpstatusgroup'],
  backendlastbyteresponsetime: ['listener', 'backendserver', 'backendpool', 'backendhttpsetting'],
  responsestatus: ['httpstatusgroup'],
  failedrequests: ['backendsettingspool'],
  applicationgatewaytotaltime: ['listener'],
  dipavailability: ['protocoltype', 'backendport', 'frontendipaddress', 'frontendport', 'backendipaddress'],
  vipavailability: ['frontendipaddress', 'frontendport'],
};

/** `A eq 'x' and B eq '*'` → [[a, x], [b, *]]. */
export function parseMetricFilter(filter: string | null): Array<[string, string]> {
  if (!filter) return [];
  return filter.split(/\s+and\s+/i).map((part) => {
    const m = /^\s*(\w+)\s+eq\s+'([^']*)'\s*$/i.exec(part);
    if (!m) throw new Error(`unreadable filter part "${part}"`);
    return [m[1]!.toLowerCase(), m[2]!];
  });
}

/** The metrics answer for one query, or the 400 Azure gives when a filter dimension is missing on a metric. */
export function answerMetrics(specs: MetricSpec[], names: string[], filter: string | null, timespan: string, interval: string): { status: number; body: Json } {
  const parts = parseMetricFilter(filter);
  for (const name of names) {
    const dims = METRIC_DIMENSIONS[name.toLowerCase()] ?? [];
    const missing = parts.find(([d]) => !dims.includes(d));
    if (missing) return { status: 400, body: { code: 'BadRequest', message: `Metric ${name} has no dimension ${missing[0]}` } };
  }
  const matching = specs.filter((s) => {
    const dims = Object.fromEntries(Object.entries(s.dims ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    // A series is split exactly by the filtered dimensions, and matches their values ('*' = any).
    if (Object.keys(dims).length !== parts.length) return false;
    return parts.every(([d, v]) => dims[d] !== undefined && (v === '*' || dims[d]!.toLowerCase() === v.toLowerCase()));
  });
  return { status: 200, body: metricsBody(matching, names, timespan, interval) };
}

const NETWORK_LISTS: Readonly<Record<string, keyof SubscriptionWorld>> = {
  applicationgateways: 'applicationGateways',
  loadbalancers: 'loadBalancers',
  networksecuritygroups: 'networkSecurityGroups',
  networkinterfaces: 'networkInterfaces',
  virtualnetworks: 'virtualNetworks',
  routetables: 'routeTables',
  publicipaddresses: 'publicIPAddresses',
};

function lower(s: string): string {
  return s.toLowerCase();
}

function sameId(a: string, b: string): boolean {
  return lower(a) === lower(b);
}

export async function startFakeArm(world: ArmWorld, options: FakeArmOptions = {}): Promise<FakeArm> {
  const requests: RecordedRequest[] = [];
  const faults = [...(options.faults ?? [])];
  const pageSize = options.pageSize ?? 50;
  const operations = new Map<string, { remaining: number; body: Json }>();
  let base = '';

  const send = (res: ServerResponse, status: number, body?: Json, headers: Record<string, string> = {}): number => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
    return status;
  };
  const error = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) => send(res, status, { error: { code, message } }, headers);

  const page = (res: ServerResponse, url: URL, items: unknown[]): number => {
    const start = Number(url.searchParams.get('$skiptoken') ?? '0');
    const slice = items.slice(start, start + pageSize);
    // Like Azure's, the nextLink keeps the query of the listing (statusOnly, $filter) and carries its own position.
    const query = new URLSearchParams(url.searchParams);
    query.delete('api-version');
    query.set('$skiptoken', String(start + pageSize));
    const next = start + pageSize < items.length ? `${base}${url.pathname}?${query.toString()}` : undefined;
    return send(res, 200, { value: slice, ...(next ? { nextLink: next } : {}) });
  };

  const subscriptionOf = (id: string | undefined): SubscriptionWorld | undefined => world.subscriptions.find((s) => id !== undefined && sameId(s.subscriptionId, id));

  const lro = (res: ServerResponse, sub: SubscriptionWorld, body: Json | undefined, notFound: string): number => {
    if (!body) return error(res, 404, 'ResourceNotFound', notFound);
    const op = `op-${operations.size + 1}`;
    operations.set(op, { remaining: options.pollsBeforeDone ?? 1, body });
    return send(res, 202, undefined, {
      location: `${base}/subscriptions/${sub.subscriptionId}/providers/Microsoft.Network/locations/westeurope/operationResults/${op}?api-version=2026-01-01`,
      ...(options.lroRetryAfterSeconds !== undefined ? { 'retry-after': String(options.lroRetryAfterSeconds) } : {}),
    });
  };

  /** `metrics:getBatch`: ≤ 50 resources of this subscription, one type (the namespace) and one location, as Azure requires. */
  const batch = (res: ServerResponse, sub: SubscriptionWorld, url: URL, body: Json | undefined): number => {
    const ids = Array.isArray(body?.resourceids) ? (body.resourceids as string[]) : [];
    const namespace = (url.searchParams.get('metricnamespace') ?? '').toLowerCase();
    if (ids.length === 0 || ids.length > 50) return error(res, 400, 'BadRequest', `a batch takes 1 to 50 resource ids, got ${ids.length}`);
    const all = [...sub.applicationGateways, ...sub.loadBalancers];
    const found = ids.map((id) => all.find((r) => sameId(r.id, id)));
    if (found.some((r, i) => !r || !lower(ids[i]!).startsWith(`/subscriptions/${lower(sub.subscriptionId)}/`) || lower(r.type ?? '') !== namespace)) {
      return error(res, 400, 'BadRequest', 'every resource of a batch must exist in the subscription of the path and be of the metric namespace');
    }
    if (new Set(found.map((r) => lower(r!.location ?? ''))).size > 1) return error(res, 400, 'BadRequest', 'every resource of a batch must be in one region');
    const names = (url.searchParams.get('metricnames') ?? '').split(',').filter((n) => n !== '');
    const starttime = url.searchParams.get('starttime') ?? '';
    const endtime = url.searchParams.get('endtime') ?? '';
    const interval = url.searchParams.get('interval') ?? '';
    const values: Json[] = [];
    for (const r of found) {
      const specs = Object.entries(sub.metrics).find(([id]) => sameId(id, r!.id))?.[1] ?? [];
      const answer = answerMetrics(specs, names, url.searchParams.get('filter'), `${starttime}/${endtime}`, interval);
      if (answer.status !== 200) return error(res, answer.status, String(answer.body.code), String(answer.body.message));
      // The data plane names metrics by their full id and a localized display name ("Unhealthy Host Count").
      const metrics = (answer.body.value as Json[]).map((m) => {
        const name = (m.name as Json).value as string;
        return { ...m, id: `${r!.id}/providers/Microsoft.Insights/metrics/${name}`, name: { value: name, localizedValue: name.replace(/([a-z])([A-Z])/g, '$1 $2') } };
      });
      values.push({ starttime, endtime, interval, namespace: r!.type, resourceregion: r!.location, resourceid: r!.id, value: metrics });
    }
    return send(res, 200, { values });
  };

  const route = (req: IncomingMessage, res: ServerResponse, url: URL, body: Json | undefined): number => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const fault = faults.find((f) => (f.method === undefined || f.method === method) && f.path.test(path) && (f.times === undefined || f.times > 0));
    if (fault) {
      if (fault.times !== undefined) fault.times -= 1;
      return error(res, fault.status, fault.code ?? 'Fault', fault.message ?? 'injected fault', fault.headers);
    }
    const parts = path.split('/').filter((p) => p !== '');
    if (method === 'GET' && parts.length === 1 && lower(parts[0]!) === 'subscriptions') {
      return page(res, url, world.subscriptions.map((s) => ({ id: `/subscriptions/${s.subscriptionId}`, subscriptionId: s.subscriptionId, displayName: s.displayName ?? s.subscriptionId, state: s.state ?? 'Enabled' })));
    }
    if (lower(parts[0] ?? '') !== 'subscriptions') return error(res, 404, 'NotFound', `no route for ${path}`);
    const sub = subscriptionOf(parts[1]);
    if (!sub) return error(res, 404, 'SubscriptionNotFound', `The subscription '${parts[1] ?? ''}' could not be found.`);
    const rest = parts.slice(2).map(lower);
    if (method === 'POST' && rest.length === 1 && rest[0] === 'metrics:getbatch') return batch(res, sub, url, body);
    // Azure Monitor: {resourceId}/providers/Microsoft.Insights/metrics
    if (method === 'GET' && lower(path).endsWith('/providers/microsoft.insights/metrics')) {
      const resourceId = path.slice(0, path.toLowerCase().lastIndexOf('/providers/microsoft.insights/metrics'));
      const specs = Object.entries(sub.metrics).find(([id]) => sameId(id, resourceId))?.[1] ?? [];
      const names = (url.searchParams.get('metricnames') ?? '').split(',').filter((n) => n !== '');
      const { status, body } = answerMetrics(specs, names, url.searchParams.get('$filter'), url.searchParams.get('timespan') ?? '', url.searchParams.get('interval') ?? '');
      return status === 200 ? send(res, 200, body) : error(res, status, String(body.code), String(body.message));
    }
    // Long-running operation results.
    if (method === 'GET' && rest[0] === 'providers' && rest[2] === 'locations' && rest[4] === 'operationresults') {
      const op = operations.get(parts[7] ?? '');
      if (!op) return error(res, 404, 'NotFound', 'unknown operation');
      if (op.remaining > 0) {
        op.remaining -= 1;
        return send(res, 202, undefined, {
          location: `${base}${path}?api-version=2026-01-01`,
          ...(options.lroRetryAfterSeconds !== undefined ? { 'retry-after': String(options.lroRetryAfterSeconds) } : {}),
        });
      }
      return send(res, 200, op.body);
    }
    // Subscription-wide listings.
    if (method === 'GET' && rest[0] === 'providers' && rest.length === 3) {
      if (rest[1] === 'microsoft.network' && NETWORK_LISTS[rest[2]!]) return page(res, url, sub[NETWORK_LISTS[rest[2]!]!] as unknown[]);
      if (rest[1] === 'microsoft.compute' && rest[2] === 'virtualmachines') {
        const statusOnly = url.searchParams.get('statusOnly') === 'true';
        return page(res, url, statusOnly ? sub.virtualMachines.map((vm) => vmWithStatus(vm, sub.vmInstanceViews[vm.id])) : sub.virtualMachines);
      }
      if (rest[1] === 'microsoft.compute' && rest[2] === 'virtualmachinescalesets') return page(res, url, sub.virtualMachineScaleSets);
    }
    // Resource-group scoped paths.
    if (rest[0] === 'resourcegroups') {
      const rg = parts[3] ?? '';
      const after = rest.slice(2);
      const inGroup = (items: ArmResource[]) => items.filter((i) => i.id.toLowerCase().includes(`/resourcegroups/${lower(rg)}/`));
      if (method === 'GET' && after.length === 3 && after[1] === 'microsoft.network' && NETWORK_LISTS[after[2]!]) {
        return page(res, url, inGroup(sub[NETWORK_LISTS[after[2]!]!] as ArmResource[]));
      }
      const scaleSetId = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachineScaleSets/${parts[7] ?? ''}`;
      if (method === 'GET' && after[1] === 'microsoft.compute' && after[2] === 'virtualmachinescalesets' && after.length === 5) {
        const table = after[4] === 'networkinterfaces' ? sub.scaleSetNetworkInterfaces : after[4] === 'virtualmachines' ? sub.scaleSetVms : undefined;
        const items = table ? Object.entries(table).find(([id]) => sameId(id, scaleSetId))?.[1] : undefined;
        return items ? page(res, url, items) : error(res, 404, 'ResourceNotFound', `scale set ${parts[7] ?? ''} not found`);
      }
      if (method === 'POST' && after[2] === 'applicationgateways' && after[4] === 'backendhealth') {
        const id = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/applicationGateways/${parts[7] ?? ''}`;
        return lro(res, sub, Object.entries(sub.backendHealth).find(([k]) => sameId(k, id))?.[1], `application gateway ${parts[7] ?? ''} not found`);
      }
      if (method === 'POST' && after[2] === 'loadbalancers' && after[4] === 'loadbalancingrules' && after[6] === 'health') {
        const id = `/subscriptions/${sub.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/loadBalancers/${parts[7] ?? ''}/loadBalancingRules/${parts[9] ?? ''}`;
        return lro(res, sub, Object.entries(sub.ruleHealth).find(([k]) => sameId(k, id))?.[1], `rule ${parts[9] ?? ''} not found`);
      }
    }
    return error(res, 404, 'NotFound', `no route for ${method} ${path}`);
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://fake');
    // The health POSTs send no body; the metrics batch POST sends its resource ids.
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let status: number;
      let body: Json | undefined;
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        body = text ? (JSON.parse(text) as Json) : undefined;
        status = route(req, res, url, body);
      } catch (err) {
        status = error(res, 500, 'FakeError', err instanceof Error ? err.message : String(err));
      }
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        ...(typeof req.headers.authorization === 'string' ? { authorization: req.headers.authorization } : {}),
        status,
        ...(body !== undefined ? { body } : {}),
      });
    });
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url: base,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        // Refuse new connections first, then drop the open ones (a keep-alive socket would hold close() for seconds).
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
