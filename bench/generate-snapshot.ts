/**
 * Generated AWS raw snapshots of any size for the report benchmark, made from the records of the bundled demo
 * (real SDK shapes), shaped like a large estate:
 *
 * - accounts of `targetGroupsPerAccount` target groups (default 250), one region each, each with the demo's network
 *   (VPC, subnets, network ACLs, the security groups of its healthy `catalog` service) and certificate;
 * - in them, services cloned from the demo's healthy `catalog`: an ALB with HTTP→HTTPS redirect and an HTTPS listener
 *   whose default action and two path rules forward to three target groups, two instances, its interfaces, tags,
 *   attributes and CloudWatch series;
 * - one account in `brokenEvery` target groups (default 1,000) is the whole demo region instead, with its 34 failing
 *   checks, so findings, folding and evidence are measured too.
 *
 * Metrics are the demo's, thinned to one period in `pointsEvery` (default 12: hourly points over the day). Every copy
 * gets its own account id and its own resource ids. The file is written one account at a time.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';

export interface GenerateOptions {
  /** Target groups wanted (the last account is filled up to it, so a little more may come). */
  targetGroups: number;
  demoPath: string;
  /** Target groups per account (default 250). */
  targetGroupsPerAccount?: number;
  /** One whole demo region, with its findings, per this many target groups (default 1,000); 0 for none. */
  brokenEvery?: number;
  /** Keep one metric period in this many (default 12). */
  pointsEvery?: number;
}

export interface GeneratedFacts {
  accounts: number;
  brokenAccounts: number;
  loadBalancers: number;
  targetGroups: number;
  bytes: number;
}

type Json = Record<string, unknown>;

interface Region extends Json {
  region: string;
  account: string;
  elbv2: Json & { loadBalancers: Json[]; targetGroups: Json[]; tags: Json[] };
  elb: Json & { loadBalancers: Json[] };
  ec2: Json & { securityGroups: Json[]; instances: Json[]; networkInterfaces: Json[] };
  cloudwatch: { window?: unknown; queries: Json[]; results: Array<{ Id: string; Timestamps: string[]; Values: number[] } & Json> };
  acm: Json & { certificates: Json };
  errors: unknown[];
}

/** The demo service every healthy service is cloned from. */
const TEMPLATE = 'catalog';
const PATHS = ['/b/*', '/c/*'];

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * Rewrites the last four digits of every hex id (8+ hex digits with a letter, so numbers are left alone, or after an
 * EC2 resource prefix such as `subnet-`, whose digits may happen to be all decimal) with `tag`, and the account id, so
 * that a copy's ids are its own: AWS ids are unique, and the audit looks resources up by id.
 */
function retag(text: string, tag: number, fromAccount: string, toAccount: string): string {
  const hex = (tag & 0xffff).toString(16).padStart(4, '0');
  return text
    .split(fromAccount)
    .join(toAccount)
    .replace(/\b((?:subnet|vpc|sg|acl|eni|i|rtb)-)?([0-9a-f]{4,})([0-9a-f]{4})\b/g, (whole, prefix: string | undefined, head: string) =>
      prefix !== undefined || /[a-f]/.test(whole) ? `${prefix ?? ''}${head}${hex}` : whole,
    );
}

/**
 * Replaces each of the template's hex ids with one unique to service `n`: six middle digits encode the service and
 * which id it is; the last four are left for the account tag ({@link retag}).
 */
function renumber(text: string, ids: readonly string[], n: number): string {
  let out = text;
  ids.forEach((id, i) => {
    const middle = `${(n & 0xffff).toString(16).padStart(4, '0')}${(i & 0xff).toString(16).padStart(2, '0')}`;
    out = out.split(id).join(`${id.slice(0, id.length - 10)}${middle}${id.slice(-4)}`);
  });
  return out;
}

function thin(results: Region['cloudwatch']['results'], every: number): void {
  if (every <= 1) return;
  for (const r of results) {
    r.Timestamps = r.Timestamps.filter((_, i) => i % every === 0);
    r.Values = r.Values.filter((_, i) => i % every === 0);
  }
}

interface Service {
  lbs: Json[];
  lbAttributes: Record<string, unknown>;
  listeners: Record<string, unknown>;
  rules: Record<string, unknown>;
  listenerCertificates: Record<string, unknown>;
  tgs: Json[];
  tgAttributes: Record<string, unknown>;
  targetHealth: Record<string, unknown>;
  tags: Json[];
  instances: Json[];
  interfaces: Json[];
  queries: Json[];
  results: Region['cloudwatch']['results'];
}

/** The template service: the demo's catalog ALB with its one target group grown to three, as JSON text. */
function serviceTemplate(demo: Region): { text: string; ids: string[] } {
  const lb = demo.elbv2.loadBalancers.find((l) => l.LoadBalancerName === TEMPLATE)!;
  const lbArn = String(lb.LoadBalancerArn);
  const tg = demo.elbv2.targetGroups.find((t) => t.TargetGroupName === TEMPLATE)!;
  const tgArn = String(tg.TargetGroupArn);
  const listeners = (demo.elbv2.listeners as Record<string, Json[]>)[lbArn]!;
  const listenerArns = listeners.map((l) => String(l.ListenerArn));
  const https = listeners.find((l) => l.Protocol === 'HTTPS')!;
  const health = (demo.elbv2.targetHealth as Record<string, Json[]>)[tgArn]!;
  const instanceIds = new Set(health.map((h) => String((h.Target as Json).Id)));
  const s: Service = {
    lbs: [lb],
    lbAttributes: { [lbArn]: (demo.elbv2.loadBalancerAttributes as Json)[lbArn] },
    listeners: { [lbArn]: listeners },
    rules: Object.fromEntries(listenerArns.map((a) => [a, (demo.elbv2.rules as Json)[a]])),
    listenerCertificates: Object.fromEntries(listenerArns.filter((a) => (demo.elbv2.listenerCertificates as Json)[a]).map((a) => [a, (demo.elbv2.listenerCertificates as Json)[a]])),
    tgs: [tg],
    tgAttributes: { [tgArn]: (demo.elbv2.targetGroupAttributes as Json)[tgArn] },
    targetHealth: { [tgArn]: health },
    tags: demo.elbv2.tags.filter((t) => t.ResourceArn === lbArn || t.ResourceArn === tgArn),
    instances: demo.ec2.instances.filter((i) => instanceIds.has(String(i.InstanceId))),
    interfaces: demo.ec2.networkInterfaces.filter((n) => String(n.Description ?? '').includes(`/${TEMPLATE}/`)),
    queries: demo.cloudwatch.queries.filter((q) => q.resourceArn === lbArn || q.resourceArn === tgArn),
    results: [],
  };
  const queryIds = new Set(s.queries.map((q) => String(q.id)));
  s.results = demo.cloudwatch.results.filter((r) => queryIds.has(r.Id));

  // Two more target groups behind path rules of the HTTPS listener, on the same instances.
  const tgQueries = s.queries.filter((q) => q.resourceArn === tgArn);
  const defaultRule = ((s.rules[String(https.ListenerArn)] as Json[]) ?? []).find((r) => r.IsDefault)!;
  ['b', 'c'].forEach((suffix, i) => {
    const arn = tgArn.replace(`/${TEMPLATE}/`, `/${TEMPLATE}-${suffix}/`).replace(/.{4}$/, `${i + 1}`.repeat(4));
    const swap = <T>(v: T): T => JSON.parse(JSON.stringify(v).split(tgArn).join(arn)) as T;
    s.tgs.push({ ...swap(tg), TargetGroupName: `${TEMPLATE}-${suffix}` });
    s.tgAttributes[arn] = clone(s.tgAttributes[tgArn]);
    s.targetHealth[arn] = clone(health);
    s.tags.push(...swap(s.tags.filter((t) => t.ResourceArn === tgArn)));
    const rule = swap(defaultRule);
    rule.RuleArn = String(defaultRule.RuleArn).replace(/.{4}$/, `${i + 1}`.repeat(4));
    rule.Priority = String(10 * (i + 1));
    rule.IsDefault = false;
    rule.Conditions = [{ Field: 'path-pattern', Values: [PATHS[i]], PathPatternConfig: { Values: [PATHS[i]] } }];
    (s.rules[String(https.ListenerArn)] as Json[]).push(rule);
    for (const q of tgQueries) {
      const copy = swap(q);
      copy.id = `${String(q.id)}${suffix}`;
      s.queries.push(copy);
      const result = s.results.find((r) => r.Id === q.id);
      if (result) s.results.push({ ...clone(result), Id: String(copy.id) });
    }
  });
  const text = JSON.stringify(s);
  // The ids that belong to the service (not to the shared network): renumbered per service.
  const shared = new Set<string>();
  for (const v of [JSON.stringify(demo.ec2.securityGroups), JSON.stringify(demo.ec2.subnets), JSON.stringify(demo.ec2.vpcs), JSON.stringify(demo.ec2.networkAcls), JSON.stringify(demo.acm)]) {
    for (const m of v.matchAll(/\b[0-9a-f]*[a-f][0-9a-f]*\b/g)) if (m[0].length >= 12) shared.add(m[0]);
  }
  const ids = [...new Set([...text.matchAll(/\b[0-9a-f]{12,}\b/g)].map((m) => m[0]).filter((id) => /[a-f]/.test(id) && !shared.has(id)))];
  return { text, ids };
}

/** An account of healthy services, as JSON text. */
function healthyAccount(demo: Region, template: { text: string; ids: string[] }, services: number, pointsEvery: number): Region {
  const region: Region = {
    region: demo.region,
    account: demo.account,
    elbv2: { loadBalancers: [], loadBalancerAttributes: {}, listeners: {}, listenerAttributes: {}, listenerCertificates: {}, rules: {}, targetGroups: [], targetGroupAttributes: {}, targetHealth: {}, tags: [] },
    elb: { loadBalancers: [], attributes: {}, instanceHealth: {}, tags: [] },
    ec2: { ...clone(demo.ec2), instances: [], networkInterfaces: [] },
    cloudwatch: { window: demo.cloudwatch.window, queries: [], results: [] },
    acm: clone(demo.acm),
    errors: [],
  };
  for (let n = 0; n < services; n++) {
    const text = renumber(template.text, template.ids, n + 1)
      .split(`/${TEMPLATE}/`)
      .join(`/svc${n}/`)
      .split(`/${TEMPLATE}-`)
      .join(`/svc${n}-`)
      .split(`"${TEMPLATE}`)
      .join(`"svc${n}`)
      .split(`${TEMPLATE}-`)
      .join(`svc${n}-`)
      .replace(/"(id|Id)":"m(\d+)(b|c)?"/g, `"$1":"s${n}m$2$3"`);
    const s = JSON.parse(text) as Service;
    region.elbv2.loadBalancers.push(...s.lbs);
    Object.assign(region.elbv2.loadBalancerAttributes as Json, s.lbAttributes);
    Object.assign(region.elbv2.listeners as Json, s.listeners);
    Object.assign(region.elbv2.rules as Json, s.rules);
    Object.assign(region.elbv2.listenerCertificates as Json, s.listenerCertificates);
    region.elbv2.targetGroups.push(...s.tgs);
    Object.assign(region.elbv2.targetGroupAttributes as Json, s.tgAttributes);
    Object.assign(region.elbv2.targetHealth as Json, s.targetHealth);
    region.elbv2.tags.push(...s.tags);
    region.ec2.instances.push(...s.instances);
    region.ec2.networkInterfaces.push(...s.interfaces);
    region.cloudwatch.queries.push(...s.queries);
    thin(s.results, pointsEvery);
    region.cloudwatch.results.push(...s.results);
  }
  return region;
}

/** Writes a generated snapshot to `path` and returns what it holds. */
export async function generateSnapshot(path: string, options: GenerateOptions): Promise<GeneratedFacts> {
  const demoFile = JSON.parse(readFileSync(options.demoPath, 'utf8')) as { regions: Region[]; collectedAt: string; options: unknown; tool: unknown };
  const demo = demoFile.regions[0]!;
  const template = serviceTemplate(demo);
  const perAccount = Math.max(3, options.targetGroupsPerAccount ?? 250);
  const brokenEvery = options.brokenEvery ?? 1_000;
  const pointsEvery = options.pointsEvery ?? 12;
  const broken = clone(demo);
  thin(broken.cloudwatch.results, pointsEvery);
  const brokenText = JSON.stringify(broken);
  const brokenTgs = demo.elbv2.targetGroups.length;
  const brokenLbs = demo.elbv2.loadBalancers.length + demo.elb.loadBalancers.length;

  const out = createWriteStream(path, { encoding: 'utf8' });
  let bytes = 0;
  const write = async (s: string): Promise<void> => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  const envelope = { format: 'cloud502-raw-snapshot', schemaVersion: 1, provider: 'aws', tool: demoFile.tool, collectedAt: demoFile.collectedAt, options: demoFile.options };
  await write(`${JSON.stringify(envelope).slice(0, -1)},"regions":[`);
  const facts: GeneratedFacts = { accounts: 0, brokenAccounts: 0, loadBalancers: 0, targetGroups: 0, bytes: 0 };
  let sinceBroken = 0;
  while (facts.targetGroups < options.targetGroups) {
    const account = String(100_000_000_000 + facts.accounts).padStart(12, '0');
    let text: string;
    if (brokenEvery > 0 && (facts.accounts === 0 || sinceBroken >= brokenEvery)) {
      text = retag(brokenText, facts.accounts, demo.account, account);
      facts.brokenAccounts += 1;
      facts.targetGroups += brokenTgs;
      facts.loadBalancers += brokenLbs;
      sinceBroken = 0;
    } else {
      const services = Math.max(1, Math.min(Math.floor(perAccount / 3), Math.ceil((options.targetGroups - facts.targetGroups) / 3)));
      const region = healthyAccount(demo, template, services, pointsEvery);
      // One coverage gap for the whole estate: the demo's, in its first account.
      text = retag(JSON.stringify(region), facts.accounts, demo.account, account);
      facts.targetGroups += services * 3;
      facts.loadBalancers += services;
      sinceBroken += services * 3;
    }
    if (facts.accounts > 0 && text.includes('"errors":[{')) text = text.replace(/"errors":\[[^\]]*\]\}$/, '"errors":[]}');
    await write(`${facts.accounts ? ',' : ''}${text}`);
    facts.accounts += 1;
  }
  await write(']}\n');
  out.end();
  await once(out, 'finish');
  return { ...facts, bytes };
}
