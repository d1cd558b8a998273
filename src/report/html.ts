/**
 * The HTML report: one self-contained file (inline CSS and JS, inline SVG charts, no external asset) to attach to a
 * ticket or publish from a scheduled audit. One card per load balancer with its findings and metric charts; filters by
 * severity, family, load balancer and status that need JS, while without JS everything is simply shown.
 *
 * Every dynamic string goes through escape.ts. A Content-Security-Policy allows only this file's own inline script and
 * style (by hash), so even a missed escape could not run an injected script.
 */
import { createHash } from 'node:crypto';
import type { CheckResult, Evidence, MetricEvidence, Severity, Status } from '../engine/result.js';
import { FAMILIES, SEVERITIES, severityRank } from '../engine/result.js';
import type { CoverageGap } from '../model/index.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { describeMetric, metricChartSvg } from './svg.js';
import type { CheckLookup } from './text.js';
import { formatDuration, scopeLabel } from './text.js';
import type { Report } from './types.js';

export interface HtmlOptions {
  /** Document title; defaults to one naming the scopes. */
  title?: string;
  /** Supplies each check's title and rationale for the "why" line; `registry.get` fits. */
  checks?: CheckLookup;
}

/** Order of statuses inside a card: what needs action first. */
const STATUS_ORDER: readonly Status[] = ['fail', 'error', 'unknown', 'suppressed', 'pass', 'not_applicable'];

const STATUS_LABEL: Record<Status, string> = {
  fail: 'fail',
  error: 'error',
  unknown: 'unknown',
  suppressed: 'suppressed',
  pass: 'pass',
  not_applicable: 'n/a',
};

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#fff;--card:#f6f8fa;--line:#d0d7de;
--critical:#8b0000;--high:#cf222e;--medium:#9a6700;--low:#0969da;--info:#57606a;--ok:#1a7f37;--warn:#8250df}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#161b22;--line:#30363d;
--critical:#ff7b72;--high:#f85149;--medium:#d29922;--low:#58a6ff;--info:#9198a1;--ok:#3fb950;--warn:#bc8cff}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:72rem;padding:1rem 1.5rem;font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
[hidden]{display:none!important}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.15rem;margin:0 0 .25rem}h3{font-size:1rem;margin:1rem 0 .25rem}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
pre{background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:.5rem;white-space:pre-wrap}
.meta,.muted{color:var(--muted)}
.banner{border:2px solid var(--medium);border-radius:6px;padding:.5rem .75rem;font-weight:600}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.2rem .6rem;text-align:left;vertical-align:top}
td.n{text-align:right}
.summary{display:flex;flex-wrap:wrap;gap:1.5rem}
.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.5rem 0;border-bottom:1px solid var(--line);margin-bottom:1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
.metrics{display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0}
figure{margin:0;max-width:16rem}figcaption{font-size:11px;color:var(--muted);overflow-wrap:anywhere}
.chart{display:block;background:var(--bg);border:1px solid var(--line);border-radius:3px}
.chart rect{fill:var(--high)}.chart polyline{fill:none;stroke:var(--low);stroke-width:1.5}.chart circle{fill:var(--low)}
.chart .axis{stroke:var(--line)}
.findings{list-style:none;margin:0;padding:0}
.finding{border-top:1px solid var(--line);padding:.5rem 0}
.badge{display:inline-block;min-width:4.5rem;text-align:center;border-radius:3px;padding:0 .35rem;font-size:12px;font-weight:600;color:#fff;background:var(--info)}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.st-pass{background:var(--ok)}.st-unknown,.st-error{background:var(--warn)}.st-suppressed,.st-not_applicable{background:var(--muted)}
.message{margin:.25rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
summary{cursor:pointer;color:var(--low)}
`;

// Plain ES2015 with no dependency. It un-hides the filter form, so without JS the form stays hidden and every finding
// stays visible.
const SCRIPT = `
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  var rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  var problems = ['fail', 'error', 'unknown'];
  function apply() {
    var sev = form.elements.severity.value, fam = form.elements.family.value;
    var lb = form.elements.lb.value, st = form.elements.status.value;
    var shown = 0;
    document.querySelectorAll('.card').forEach(function (card) {
      var inCard = 0;
      var cardMatches = !lb || card.getAttribute('data-lb') === lb;
      card.querySelectorAll('.finding').forEach(function (f) {
        var status = f.getAttribute('data-status');
        var ok = cardMatches &&
          (!sev || rank[f.getAttribute('data-severity')] <= rank[sev]) &&
          (!fam || f.getAttribute('data-family') === fam) &&
          (!st || (st === 'problems' ? problems.indexOf(status) >= 0 : status === st));
        f.hidden = !ok;
        if (ok) inCard++;
      });
      card.hidden = inCard === 0;
      shown += inCard;
    });
    document.getElementById('filter-count').textContent = shown + ' shown';
  }
  form.hidden = false;
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  apply();
})();
`;

function sha256Base64(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

const h = escapeHtml;

interface Card {
  /** Stable element id; never derived from a resource name. */
  key: string;
  name: string;
  id?: string;
  type?: string;
  region?: string;
  account?: string;
  isLoadBalancer: boolean;
  results: CheckResult[];
}

function groupByLoadBalancer(results: readonly CheckResult[]): Card[] {
  const cards = new Map<string, Card>();
  for (const r of results) {
    const lbId = r.resource.loadBalancerId;
    const groupKey = lbId ? `lb:${lbId}` : `scope:${scopeLabel(r.resource)}`;
    let card = cards.get(groupKey);
    if (!card) {
      card = lbId
        ? { key: '', name: r.resource.loadBalancerName ?? lbId, id: lbId, isLoadBalancer: true, results: [] }
        : { key: '', name: `${scopeLabel(r.resource)}: not tied to a load balancer`, isLoadBalancer: false, results: [] };
      cards.set(groupKey, card);
    }
    card.results.push(r);
  }
  for (const card of cards.values()) {
    // The load balancer's own type, region and account come from any result about the load balancer itself.
    const own = card.results.find((r) => r.resource.kind === 'load-balancer' && r.resource.id === card.id);
    const any = own ?? card.results[0];
    if (own) card.type = own.resource.type;
    if (any?.resource.region) card.region = any.resource.region;
    if (any?.resource.account) card.account = any.resource.account;
    card.results.sort(compareResults);
  }
  const sorted = [...cards.values()].sort(compareCards);
  sorted.forEach((c, i) => (c.key = `lb-${i}`));
  return sorted;
}

function compareResults(a: CheckResult, b: CheckResult): number {
  return (
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
    severityRank(a.severity) - severityRank(b.severity) ||
    a.checkId.localeCompare(b.checkId) ||
    a.resource.name.localeCompare(b.resource.name)
  );
}

function failCounts(results: readonly CheckResult[]): Record<Severity, number> {
  const c = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const r of results) if (r.status === 'fail') c[r.severity] += 1;
  return c;
}

/** Worst first: load balancers before scope groups, then by failures per severity, then by name. */
function compareCards(a: Card, b: Card): number {
  if (a.isLoadBalancer !== b.isLoadBalancer) return a.isLoadBalancer ? -1 : 1;
  const ca = failCounts(a.results);
  const cb = failCounts(b.results);
  for (const s of SEVERITIES) if (ca[s] !== cb[s]) return cb[s] - ca[s];
  return a.name.localeCompare(b.name);
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? String(v);
}

function statusBadge(r: CheckResult): string {
  if (r.status === 'fail') return `<span class="badge sev-${r.severity}">${r.severity}</span>`;
  return `<span class="badge st-${r.status}">${STATUS_LABEL[r.status]}</span>`;
}

function evidenceHtml(r: CheckResult, checks: CheckLookup | undefined): string {
  const e: Evidence = r.evidence;
  const rows: Array<[string, string]> = [];
  rows.push(['Resource', `${h(r.resource.type)} <code>${h(r.resource.id)}</code>`]);
  if (r.resource.region || r.resource.account) {
    rows.push(['Scope', h([r.resource.account, r.resource.region].filter(Boolean).join(' · '))]);
  }
  if (e.path !== undefined) rows.push(['Field', `<code>${h(e.path)}</code>`]);
  if (e.observed !== undefined) rows.push(['Observed', h(formatValue(e.observed))]);
  if (e.expected !== undefined) rows.push(['Expected', h(formatValue(e.expected))]);
  if (e.source !== undefined) rows.push(['Source', h(e.source)]);
  for (const m of e.metrics ?? []) rows.push(['Metric', h(describeMetric(m))]);
  for (const [k, v] of Object.entries(e.details ?? {})) rows.push([h(k), h(formatValue(v))]);
  if (r.causes.length) rows.push(['Causes', h(r.causes.join(', '))]);
  rows.push(['Fingerprint', `<code>${h(r.fingerprint)}</code>`]);
  const parts = [`<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`];
  const info = checks?.(r.checkId);
  if (info) parts.push(`<h3>Why</h3><p>${h(info.rationale)}</p>`);
  // An undecided check has nothing to fix yet; its message says what is missing.
  if (r.status === 'unknown') return parts.join('');
  const fix = r.remediation;
  parts.push(`<h3>Fix</h3><p>${h(fix.summary)}</p>`);
  if (fix.cli) parts.push(`<pre><code>${h(fix.cli)}</code></pre>`);
  if (fix.terraform) parts.push(`<p>Terraform: <code>${h(fix.terraform)}</code></p>`);
  if (fix.console) parts.push(`<p>Console: ${h(fix.console)}</p>`);
  // Documentation URLs stay text: the file must not reference anything outside itself.
  if (r.docs.length) parts.push(`<p class="muted">Docs: ${r.docs.map((d) => `<code>${h(d)}</code>`).join(' ')}</p>`);
  return parts.join('');
}

function findingHtml(r: CheckResult, checks: CheckLookup | undefined): string {
  const resource = r.resource.kind === 'load-balancer' ? '' : ` <span class="resource">${h(r.resource.name)}</span>`;
  const head = `<div>${statusBadge(r)} <code>${h(r.checkId)}</code>${resource}</div>`;
  const parts = [head, `<p class="message">${h(r.message)}</p>`];
  if (r.status === 'suppressed' && r.suppression) {
    const until = r.suppression.expires ? ` (until ${h(r.suppression.expires)})` : '';
    parts.push(`<p class="muted">Accepted: ${h(r.suppression.reason)}${until}</p>`);
  }
  if (r.status !== 'pass' && r.status !== 'not_applicable') {
    const label = r.status === 'unknown' ? 'Evidence' : 'Evidence and fix';
    parts.push(`<details><summary>${label}</summary>${evidenceHtml(r, checks)}</details>`);
  }
  const attrs = `data-severity="${h(r.severity)}" data-family="${h(r.family)}" data-status="${h(r.status)}"`;
  return `<li class="finding" ${attrs}>${parts.join('')}</li>`;
}

function chartsHtml(card: Card): string {
  const seen = new Set<string>();
  const figures: string[] = [];
  for (const r of card.results) {
    for (const m of r.evidence.metrics ?? []) {
      // The same series often backs several findings; one chart per resource and metric.
      const key = `${r.resource.id}\u0000${m.name}\u0000${m.statistic}`;
      if (seen.has(key) || !m.points?.length) continue;
      seen.add(key);
      figures.push(figureHtml(r, m));
    }
  }
  return figures.length ? `<div class="metrics">${figures.join('')}</div>` : '';
}

function figureHtml(r: CheckResult, m: MetricEvidence): string {
  const caption = `${r.resource.name}: ${describeMetric(m)}`;
  return `<figure>${metricChartSvg(m, { title: caption })}<figcaption>${h(caption)}</figcaption></figure>`;
}

function cardHtml(card: Card, checks: CheckLookup | undefined): string {
  const counts = failCounts(card.results);
  const badges = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `<span class="badge sev-${s}">${counts[s]} ${s}</span>`);
  const meta = [card.type, card.region, card.account].filter((x): x is string => Boolean(x)).map(h);
  const idLine = card.id ? ` · <code>${h(card.id)}</code>` : '';
  return (
    `<section class="card" id="${card.key}" data-lb="${card.key}">` +
    `<h2>${h(card.name)}</h2>` +
    `<p class="meta">${meta.join(' · ')}${idLine}</p>` +
    (badges.length ? `<p>${badges.join(' ')}</p>` : '<p class="muted">No failures.</p>') +
    chartsHtml(card) +
    `<ol class="findings">${card.results.map((r) => findingHtml(r, checks)).join('')}</ol>` +
    `</section>`
  );
}

function summaryHtml(report: Report): string {
  const s = report.summary;
  const sevRows = SEVERITIES.map((sev) => `<tr><td><span class="badge sev-${sev}">${sev}</span></td><td class="n">${s.failuresBySeverity[sev]}</td></tr>`);
  const statusRows = STATUS_ORDER.map((st) => `<tr><td>${STATUS_LABEL[st]}</td><td class="n">${s.byStatus[st]}</td></tr>`);
  return (
    `<section class="summary" aria-label="Summary">` +
    `<table><thead><tr><th>Severity</th><th>Failures</th></tr></thead><tbody>${sevRows.join('')}</tbody></table>` +
    `<table><thead><tr><th>Status</th><th>Results</th></tr></thead><tbody>${statusRows.join('')}</tbody></table>` +
    `<table><tbody><tr><th>Load balancers</th><td class="n">${s.loadBalancers}</td></tr>` +
    `<tr><th>Checks run</th><td class="n">${s.checksRun}</td></tr>` +
    `<tr><th>Highest severity</th><td>${s.highestSeverity ?? 'none'}</td></tr></tbody></table>` +
    `</section>`
  );
}

function filtersHtml(cards: readonly Card[], report: Report): string {
  const families = FAMILIES.filter((f) => report.results.some((r) => r.family === f));
  const option = (value: string, label: string): string => `<option value="${h(value)}">${h(label)}</option>`;
  return (
    `<form id="filters" class="filters" hidden>` +
    `<label>Severity at least <select name="severity">${option('', 'any')}${SEVERITIES.map((s) => option(s, s)).join('')}</select></label>` +
    `<label>Family <select name="family">${option('', 'all')}${families.map((f) => option(f, f)).join('')}</select></label>` +
    `<label>Load balancer <select name="lb">${option('', 'all')}${cards.map((c) => option(c.key, c.name)).join('')}</select></label>` +
    `<label>Status <select name="status">${option('', 'all')}${option('problems', 'fail, error, unknown')}` +
    `${STATUS_ORDER.map((st) => option(st, STATUS_LABEL[st])).join('')}</select></label>` +
    `<output id="filter-count"></output>` +
    `</form>`
  );
}

function coverageHtml(gaps: readonly CoverageGap[]): string {
  if (gaps.length === 0) return '';
  const rows = gaps.map(
    (g) =>
      `<tr><td><code>${h(g.api)}</code></td><td>${h(scopeLabel(g))}</td><td>${g.permission ? `<code>${h(g.permission)}</code>` : ''}</td>` +
      `<td>${h(g.code)}</td><td>${h(g.impact ?? '')}</td><td>${h(g.message)}</td></tr>`,
  );
  return (
    `<section aria-labelledby="coverage"><h2 id="coverage">Coverage gaps</h2>` +
    `<p>These could not be collected; checks that needed them report <em>unknown</em>, never pass.</p>` +
    `<table><thead><tr><th>API</th><th>Scope</th><th>Missing permission</th><th>Code</th><th>Impact</th><th>Message</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

function headerHtml(report: Report, title: string): string {
  const facts = [
    `Generated ${h(report.generatedAt)}`,
    `data collected ${h(report.collectedAt)}`,
    `source: ${h(report.source.kind)}${report.source.path ? ` <code>${h(report.source.path)}</code>` : ''}`,
    report.metricsWindowSeconds !== undefined ? `metrics window ${h(formatDuration(report.metricsWindowSeconds))}` : 'metrics not collected',
    `cloud502 ${h(report.tool.version)}`,
  ];
  const scopes = report.scopes.map((s) => h(scopeLabel(s))).join(', ') || 'no scope';
  const banner = report.demo
    ? `<p class="banner" role="note">Demo data: this report comes from the bundled demo environment, not from your cloud account.</p>`
    : '';
  return `<header>${banner}<h1>${h(title)}</h1><p class="meta">${facts.join(' · ')}</p><p class="meta">Scopes: ${scopes}</p></header>`;
}

/** Renders the report as one self-contained HTML document. */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const cards = groupByLoadBalancer(report.results);
  const scopes = report.scopes.map((s) => scopeLabel(s)).join(', ');
  const title = options.title ?? `cloud502 report${scopes ? `: ${scopes}` : ''}`;
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256Base64(SCRIPT)}'`,
    `style-src 'sha256-${sha256Base64(STYLE)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const body = cards.length
    ? cards.map((c) => cardHtml(c, options.checks)).join('\n')
    : '<p class="muted">No results: no check applied to the audited scopes.</p>';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${h(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    headerHtml(report, title),
    summaryHtml(report),
    filtersHtml(cards, report),
    `<main>${body}</main>`,
    coverageHtml(report.coverage),
    // The report this page was rendered from, so the file stays the one artifact to archive or re-render.
    `<script type="application/json" id="cloud502-report">${jsonForScript(report)}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
