/**
 * The HTML report: one self-contained file (inline CSS and JS, inline SVG charts, no external asset) to attach to a
 * ticket or publish from a scheduled audit. Diagnosis first: the verdict, then one card per load balancer, worst
 * first, with what its users see, each root cause with its fix and one chart, and the consequences folded under it;
 * undecided and passing results are collapsed at the end of each card. Filters (severity, family, load balancer,
 * status) need JS; without it everything is simply shown. Readable at phone width.
 *
 * Every dynamic string goes through escape.ts. A Content-Security-Policy allows only this file's own inline script and
 * style (by hash), so even a missed escape could not run an injected script.
 */
import { createHash } from 'node:crypto';
import type { MetricEvidence, Severity, Status } from '../engine/result.js';
import { FAMILIES, SEVERITIES } from '../engine/result.js';
import type { CoverageGap } from '../model/index.js';
import type { Diagnosed } from './diagnosis.js';
import { diagnosed } from './diagnosis.js';
import { escapeHtml } from './escape.js';
import type { CheckLookup } from './format.js';
import { causesOf, checkMetaOf, describeMetric, docsOf, formatCount, formatDuration, formatValue, scopeLabel } from './format.js';
import { metricChartSvg } from './svg.js';
import { isGroupable } from './passes.js';
import type { CheckMeta, LoadBalancerDiagnosis, Report, ReportResult } from './types.js';

export interface HtmlOptions {
  /** Document title; defaults to one naming the scopes. */
  title?: string;
  /** Check titles and rationales for reports that do not carry them; `registry.get` fits. */
  checks?: CheckLookup;
}

/** Order of statuses among the collapsed results of a card. */
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
body{margin:0 auto;max-width:76rem;padding:.75rem 1rem;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
[hidden]{display:none!important}
h1{font-size:1.35rem;margin:.25rem 0}h2{font-size:1.1rem;margin:0 0 .25rem}h3{font-size:1rem;margin:.75rem 0 .25rem}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
pre{background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:.4rem .5rem;white-space:pre-wrap;margin:.25rem 0}
.meta,.muted{color:var(--muted)}.meta{margin:.1rem 0}
.banner{border:2px solid var(--medium);border-radius:6px;padding:.4rem .75rem;font-weight:600;margin:.25rem 0}
.verdict{font-size:1.05rem;margin:.5rem 0}.verdict p{margin:.15rem 0}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid var(--line);padding:.2rem .6rem;text-align:left;vertical-align:top}
td.n{text-align:right}
.tables{display:flex;flex-wrap:wrap;gap:1.5rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.4rem 0;border-bottom:1px solid var(--line);margin-bottom:.75rem}
.filters select{max-width:12rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem}
.users{margin:.25rem 0 .5rem;font-weight:600}
.findings{list-style:none;margin:0;padding:0}
.finding{border-top:1px solid var(--line);padding:.5rem 0}
.cause{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,22rem);gap:.25rem 1rem;align-items:start}
.cause>*{grid-column:1}.cause>.chart-box{grid-column:2;grid-row:1 / span 4}
.consequence{margin-left:1.5rem;border-top:1px dashed var(--line)}
.consequence .tag{color:var(--muted)}
@media (max-width:720px){body{padding:.5rem}h1{font-size:1.1rem}header .meta{font-size:12px}.verdict{font-size:.95rem}
.cause{display:flex;flex-direction:column}.cause>.chart-box{order:1}.cause>details{order:2}.consequence{margin-left:.75rem}.card{padding:.5rem .6rem}}
.badge{display:inline-block;min-width:4.2rem;text-align:center;border-radius:3px;padding:0 .35rem;font-size:12px;font-weight:600;color:#fff;background:var(--info)}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.st-pass{background:var(--ok)}.st-unknown,.st-error{background:var(--warn)}.st-suppressed,.st-not_applicable{background:var(--muted)}
.message{margin:.2rem 0}
.fix{margin:.2rem 0}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.1rem 1rem;margin:.5rem 0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
summary{cursor:pointer;color:var(--low)}
figure{margin:0}figcaption{font-size:11px;color:var(--muted)}
.chart{display:block;width:100%;max-width:30rem;height:auto;background:var(--bg);border:1px solid var(--line);border-radius:3px}
.chart .bar{fill:var(--high)}.chart .line{fill:none;stroke:var(--low);stroke-width:2}
.chart .axis{stroke:var(--muted)}.chart .grid{stroke:var(--line)}
.chart .threshold{stroke:var(--critical);stroke-width:1.5;stroke-dasharray:5 3}
.chart text{font:11px system-ui,sans-serif;fill:var(--muted)}.chart .value{fill:var(--fg)}.chart .threshold-label{fill:var(--critical)}
`;

// Plain ES2015 with no dependency. It un-hides the filter form, so without JS the form stays hidden and every finding
// stays in the page.
const SCRIPT = `
(function () {
  var form = document.getElementById('filters');
  if (!form) return;
  var rank = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  var problems = ['fail', 'error', 'unknown'];
  function apply() {
    var sev = form.elements.severity.value, fam = form.elements.family.value;
    var lb = form.elements.lb.value, st = form.elements.status.value;
    var filtering = !!(sev || fam || st);
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
      card.querySelectorAll('details.others').forEach(function (d) {
        if (filtering && d.querySelector('.finding:not([hidden])')) d.open = true;
      });
      card.hidden = inCard === 0 && (filtering || !cardMatches);
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

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function sevBadge(sev: Severity, label: string = sev): string {
  return `<span class="badge sev-${sev}">${h(label)}</span>`;
}

function statusBadge(r: ReportResult): string {
  if (r.status === 'fail') return sevBadge(r.severity);
  return `<span class="badge st-${r.status}">${STATUS_LABEL[r.status]}</span>`;
}

/**
 * How telling a metric is for a finding, lower first: the load balancer's own count of a status code the finding
 * causes, then the pool's signals of failing connections and unhealthy targets, latencies, and last the targets' own
 * 5xx (the application's errors, not the load balancer's). A check's own metrics keep their order among equals.
 */
function relevance(m: MetricEvidence, r: ReportResult): number {
  const codes = (r.evidence?.details?.statusCodes as number[] | undefined) ?? r.causes ?? [];
  const code = /^lb\.http\.(\d{3})$/.exec(m.name)?.[1];
  if (code !== undefined) return codes.includes(Number(code)) ? 0 : 6;
  if (m.name === 'lb.http.5xx') return 1;
  if (m.name === 'target.connection-errors' || m.name === 'target.tls-errors' || m.name === 'lb.tcp.resets') return 2;
  if (m.name.startsWith('pool.')) return 3;
  if (m.name.startsWith('target.latency')) return 4;
  if (m.name === 'target.http.5xx') return 7;
  return 5;
}

/** Charts drawn so far on the page, by series, so no chart appears twice. */
class ChartLedger {
  readonly #drawn = new Map<string, string>();

  static key(m: MetricEvidence, r: ReportResult): string {
    return `${m.resourceId ?? r.resource.loadBalancerId ?? r.resource.id}\u0000${m.name}\u0000${m.statistic}`;
  }

  /**
   * The one chart of a finding: its first metric not drawn yet, preferring one with a signal (a non-zero value or
   * data points) over a flat one. Returns '' with a pointer when every metric it has was drawn for another finding.
   */
  chartFor(r: ReportResult, where: string): string {
    const metrics = r.evidence?.metrics ?? [];
    if (metrics.length === 0) return '';
    const fresh = metrics.filter((m) => !this.#drawn.has(ChartLedger.key(m, r))).sort((a, b) => relevance(a, r) - relevance(b, r));
    const pick = fresh.find((m) => m.value > 0) ?? fresh.find((m) => (m.datapoints ?? 1) > 0) ?? fresh[0];
    if (!pick) {
      const first = metrics.find((m) => m.value > 0) ?? metrics[0]!;
      const at = this.#drawn.get(ChartLedger.key(first, r));
      return `<p class="muted chart-ref">${h(first.name)}: chart under ${h(at ?? 'an earlier finding')}.</p>`;
    }
    this.#drawn.set(ChartLedger.key(pick, r), where);
    const caption = `${r.resource.name}: ${describeMetric(pick)}`;
    return `<figure class="chart-box">${metricChartSvg(pick, { title: caption })}<figcaption>${h(caption)}</figcaption></figure>`;
  }
}

interface Ctx {
  report: Report;
  dd: Diagnosed;
  checks: CheckLookup | undefined;
  charts: ChartLedger;
}

function evidenceHtml(r: ReportResult, ctx: Ctx): string {
  const e = r.evidence ?? {};
  const rows: Array<[string, string]> = [];
  rows.push(['Resource', `${h(r.resource.type)} <code>${h(r.resource.id)}</code>`]);
  if (r.resource.region || r.resource.account) rows.push(['Scope', h([r.resource.account, r.resource.region].filter(Boolean).join(' · '))]);
  if (e.path !== undefined) rows.push(['Field', `<code>${h(e.path)}</code>`]);
  if (e.observed !== undefined) rows.push(['Observed', h(formatValue(e.observed))]);
  if (e.expected !== undefined) rows.push(['Expected', h(formatValue(e.expected))]);
  if (e.source !== undefined) rows.push(['Source', h(e.source)]);
  for (const m of e.metrics ?? []) rows.push(['Metric', h(describeMetric(m))]);
  for (const [k, v] of Object.entries(e.details ?? {}).filter(([, v]) => v !== undefined)) rows.push([h(k), h(formatValue(v))]);
  const causes = causesOf(ctx.report, r);
  if (causes.length) rows.push(['Causes', h(causes.join(', '))]);
  for (const fp of r.causedBy ?? []) rows.push(['Consequence of', linkText(fp, ctx)]);
  for (const fp of r.explains ?? []) rows.push(['Explains', linkText(fp, ctx)]);
  rows.push(['Fingerprint', `<code>${h(r.fingerprint)}</code>`]);
  const parts = [`<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`];
  const info = checkMetaOf(ctx.report, r.checkId, ctx.checks);
  if (info) parts.push(`<h3>Why</h3><p>${h(info.rationale)}</p>`);
  const fix = r.remediation;
  if (fix && r.status !== 'unknown' && r.status !== 'pass' && r.status !== 'not_applicable') {
    if (fix.terraform) parts.push(`<p>Terraform: <code>${h(fix.terraform)}</code></p>`);
    if (fix.console) parts.push(`<p>Console: ${h(fix.console)}</p>`);
  }
  // Documentation URLs stay text: the file must not reference anything outside itself.
  const docs = docsOf(ctx.report, r, ctx.checks);
  if (docs.length) parts.push(`<p class="muted">Docs: ${docs.map((d) => `<code>${h(d)}</code>`).join(' ')}</p>`);
  return parts.join('');
}

function linkText(fp: string, ctx: Ctx): string {
  const o = ctx.dd.byFingerprint.get(fp);
  return o ? `<code>${h(fp.slice(0, 8))}</code> <code>${h(o.checkId)}</code> on ${h(o.resource.name)}` : `<code>${h(fp)}</code>`;
}

function attrs(r: ReportResult): string {
  return `data-severity="${h(r.severity)}" data-family="${h(r.family)}" data-status="${h(r.status)}" data-fingerprint="${h(r.fingerprint)}"`;
}

function headHtml(r: ReportResult, badge: string): string {
  const resource = r.resource.kind === 'load-balancer' ? '' : ` <span class="resource">${h(r.resource.name)}</span>`;
  return `<div class="head">${badge} <code>${h(r.checkId)}</code>${resource}</div>`;
}

function fixHtml(r: ReportResult): string {
  const fix = r.remediation;
  if (!fix) return '';
  return `<div class="fix"><strong>Fix:</strong> ${h(fix.summary)}${fix.cli ? `<pre><code>${h(fix.cli)}</code></pre>` : ''}</div>`;
}

function causeHtml(r: ReportResult, impact: Severity, ctx: Ctx): string {
  const own = impact !== r.severity ? ` <span class="muted">(${h(r.severity)} on its own; ${h(impact)} through what it causes)</span>` : '';
  return (
    `<li class="finding cause" ${attrs(r)}>` +
    `${headHtml(r, sevBadge(impact))}` +
    ctx.charts.chartFor(r, `${r.checkId} on ${r.resource.name}`) +
    `<p class="message">${h(r.message)}${own}</p>` +
    fixHtml(r) +
    `<details><summary>Evidence and why</summary>${evidenceHtml(r, ctx)}</details>` +
    `</li>`
  );
}

function consequenceHtml(r: ReportResult, ctx: Ctx): string {
  return (
    `<li class="finding consequence" ${attrs(r)}>` +
    `${headHtml(r, `<span class="tag">↳ consequence</span> ${statusBadge(r)}`)}` +
    `<p class="message">${h(r.message)}</p>` +
    `<details><summary>Evidence</summary>${ctx.charts.chartFor(r, `${r.checkId} on ${r.resource.name}`)}${evidenceHtml(r, ctx)}</details>` +
    `</li>`
  );
}

function otherHtml(r: ReportResult, ctx: Ctx): string {
  const parts = [headHtml(r, statusBadge(r)), `<p class="message">${h(r.message)}</p>`];
  if (r.status === 'suppressed' && r.suppression) {
    const until = r.suppression.expires ? ` (until ${h(r.suppression.expires)})` : '';
    parts.push(`<p class="muted">Accepted: ${h(r.suppression.reason)}${until}</p>`);
  }
  if (r.status !== 'pass' && r.status !== 'not_applicable') {
    parts.push(`<details><summary>${r.status === 'unknown' ? 'What is missing' : 'Evidence and fix'}</summary>${fixHtml(r)}${evidenceHtml(r, ctx)}</details>`);
  }
  return `<li class="finding" ${attrs(r)}>${parts.join('')}</li>`;
}

/** One line per status for a card's plain passes / not-applicable results: how many, and of which checks. */
function foldedHtml(results: readonly ReportResult[], meta: Readonly<Record<string, CheckMeta>>): string {
  return (['pass', 'not_applicable'] as const)
    .map((status) => {
      const byCheck = new Map<string, number>();
      for (const r of results) if (r.status === status) byCheck.set(r.checkId, (byCheck.get(r.checkId) ?? 0) + 1);
      if (byCheck.size === 0) return '';
      const total = [...byCheck.values()].reduce((a, n) => a + n, 0);
      const checks = [...byCheck].map(([id, n]) => `<span title="${h(meta[id]?.title ?? id)}">${h(id)}${n > 1 ? ` ×${n}` : ''}</span>`).join(', ');
      return `<li class="folded"><span class="badge st-${status}">${STATUS_LABEL[status]}</span> ${total}: ${checks}</li>`;
    })
    .join('');
}

function cardHtml(d: LoadBalancerDiagnosis, key: string, ctx: Ctx): string {
  const own = ctx.dd.allOf(d);
  const title = d.loadBalancerId === undefined ? `${d.provider} ${d.name}: not tied to a load balancer` : d.name;
  const meta = [d.type, d.region, d.account].filter((x): x is string => Boolean(x)).map(h);
  const idLine = d.loadBalancerId ? ` · <code>${h(d.loadBalancerId)}</code>` : '';
  const verdict = d.worst ? `${sevBadge(d.worst)} ${plural(d.causes.length, 'cause')}` : '<span class="badge st-pass">no cause</span>';
  const items: string[] = [];
  const shown = new Set<string>();
  for (const c of d.causes) {
    const r = ctx.dd.byFingerprint.get(c.fingerprint);
    if (!r) continue;
    items.push(causeHtml(r, c.impact, ctx));
    shown.add(c.fingerprint);
    for (const fp of c.consequences) {
      const cr = ctx.dd.byFingerprint.get(fp);
      if (!cr) continue;
      items.push(consequenceHtml(cr, ctx));
      shown.add(fp);
    }
  }
  const rest = own.filter((r) => !shown.has(r.fingerprint)).sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
  const counts = STATUS_ORDER.map((s) => [s, rest.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  // Plain passes and not-applicable results are named by check, not listed one by one (as the JSON report groups them).
  const checkMeta = ctx.report.checks ?? {};
  const listed = rest.filter((r) => !isGroupable(r, checkMeta));
  const folded = rest.filter((r) => isGroupable(r, checkMeta));
  const others = rest.length
    ? `<details class="others"><summary>${counts.map(([s, n]) => `${n} ${STATUS_LABEL[s]}`).join(', ')}</summary><ol class="findings">${listed.map((r) => otherHtml(r, ctx)).join('')}${foldedHtml(folded, checkMeta)}</ol></details>`
    : '';
  const users = d.usersSee ? `<p class="users">Users see: ${h(d.usersSee.summary)}</p>` : '';
  return (
    `<section class="card" id="${key}" data-lb="${key}">` +
    `<h2>${h(title)} ${verdict}</h2>` +
    `<p class="meta">${meta.join(' · ')}${idLine}</p>` +
    users +
    (items.length ? `<ol class="findings">${items.join('')}</ol>` : '') +
    others +
    `</section>`
  );
}

function verdictHtml(report: Report, dd: Diagnosed): string {
  const lbs = dd.diagnosis.filter((d) => d.loadBalancerId !== undefined);
  const failing = lbs.filter((d) => d.worst !== null);
  const worst = SEVERITIES.map((s) => [s, failing.filter((d) => d.worst === s).length] as const).filter(([, n]) => n > 0);
  const causes = SEVERITIES.map((s) => [s, dd.diagnosis.reduce((a, d) => a + d.causes.filter((c) => c.impact === s).length, 0)] as const);
  const total = causes.reduce((a, [, n]) => a + n, 0);
  const s = report.summary.byStatus;
  const verdict =
    report.summary.loadBalancers === 0
      ? 'No load balancers found in the audited scopes.'
      : failing.length === 0
        ? `No cause of 5xx found on ${plural(report.summary.loadBalancers, 'load balancer')}.`
        : `${failing.length} of ${plural(report.summary.loadBalancers, 'load balancer')} ${failing.length === 1 ? 'has' : 'have'} a cause of 5xx — worst: ${worst.map(([sev, n]) => sevBadge(sev, `${n} ${sev}`)).join(' ')}`;
  const counts =
    `${plural(total, 'cause')}${total ? ` (${causes.filter(([, n]) => n > 0).map(([sev, n]) => `${n} ${sev}`).join(', ')})` : ''} behind ${plural(s.fail, 'failing check')} · ` +
    `${formatCount(s.pass)} passed · ${formatCount(s.unknown)} unknown · ${plural(s.error, 'error')}${s.suppressed ? ` · ${formatCount(s.suppressed)} suppressed` : ''}`;
  return `<section class="verdict" aria-label="Verdict"><p><strong>${verdict}</strong></p><p class="counts">${h(counts)}</p></section>`;
}

function summaryTablesHtml(report: Report): string {
  const s = report.summary;
  const sevRows = SEVERITIES.map((sev) => `<tr><td>${sevBadge(sev)}</td><td class="n">${s.failuresBySeverity[sev]}</td></tr>`);
  const statusRows = STATUS_ORDER.map((st) => `<tr><td>${STATUS_LABEL[st]}</td><td class="n">${s.byStatus[st]}</td></tr>`);
  return (
    `<section aria-labelledby="totals"><h2 id="totals">Totals</h2><div class="tables">` +
    `<table><thead><tr><th>Severity</th><th>Failing checks</th></tr></thead><tbody>${sevRows.join('')}</tbody></table>` +
    `<table><thead><tr><th>Status</th><th>Results</th></tr></thead><tbody>${statusRows.join('')}</tbody></table>` +
    `<table><tbody><tr><th>Load balancers</th><td class="n">${s.loadBalancers}</td></tr>` +
    `<tr><th>Checks run</th><td class="n">${s.checksRun}</td></tr>` +
    `<tr><th>Highest severity</th><td>${s.highestSeverity ?? 'none'}</td></tr></tbody></table>` +
    `</div></section>`
  );
}

function filtersHtml(entries: ReadonlyArray<{ key: string; name: string }>, report: Report): string {
  // The checks' metadata covers every result, grouped passes included; results name theirs in version 1 reports.
  const present = new Set([...report.results.map((r) => r.family), ...Object.values(report.checks ?? {}).map((m) => m.family)]);
  const families = FAMILIES.filter((f) => present.has(f));
  const option = (value: string, label: string): string => `<option value="${h(value)}">${h(label)}</option>`;
  return (
    `<form id="filters" class="filters" hidden>` +
    `<label>Severity at least <select name="severity">${option('', 'any')}${SEVERITIES.map((s) => option(s, s)).join('')}</select></label>` +
    `<label>Family <select name="family">${option('', 'all')}${families.map((f) => option(f, f)).join('')}</select></label>` +
    `<label>Load balancer <select name="lb">${option('', 'all')}${entries.map((c) => option(c.key, c.name)).join('')}</select></label>` +
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
    `<div class="scroll"><table><thead><tr><th>API</th><th>Scope</th><th>Missing permission</th><th>Code</th><th>Impact</th><th>Message</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div></section>`
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
  return `<header>${banner}<h1>${h(title)}</h1><p class="meta">${facts.join(' · ')} · scopes: ${scopes}</p></header>`;
}

/** Renders the report as one self-contained HTML document. */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const dd = diagnosed(report);
  const ctx: Ctx = { report, dd, checks: options.checks, charts: new ChartLedger() };
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
  const entries = dd.diagnosis.map((d, i) => ({ d, key: `lb-${i}`, name: d.loadBalancerId === undefined ? `${d.provider} ${d.name} (no load balancer)` : d.name }));
  const body = entries.length
    ? entries.map((e) => cardHtml(e.d, e.key, ctx)).join('\n')
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
    verdictHtml(report, dd),
    filtersHtml(entries, report),
    `<main>${body}</main>`,
    summaryTablesHtml(report),
    coverageHtml(report.coverage),
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
