import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, escapeXmlAttr, jsonForScript, sanitizeTerminal } from '../../src/report/escape.js';
import { renderHtml } from '../../src/report/html.js';
import { barChartSvg, metricChartSvg, sparklineSvg } from '../../src/report/svg.js';
import { sampleReport } from '../fixtures/report/sample.js';

const HOSTILE_LB = '<img src=x onerror=alert(1)>';

function scripts(html: string): Array<{ attrs: string; body: string }> {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1] ?? '', body: m[2] ?? '' }));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

describe('escape helpers', () => {
  it('escapes HTML metacharacters, including both quote kinds', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('makes JSON safe inside <script> and still parses back to the same value', () => {
    const value = { a: '</script><script>alert(1)</script>', b: '<!-- x -->', c: 'line\u2028sep\u2029para', d: 'a & b' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/<|>|&|\u2028|\u2029/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('escapes XML and replaces characters XML 1.0 cannot carry with a visible notation', () => {
    expect(escapeXml('a\u0001b\u000bc\uFFFEd\uD800e<&>')).toBe('a\\u{1}b\\u{B}c\\u{FFFE}d\\u{D800}e&lt;&amp;&gt;');
    expect(escapeXml('tab\tand\nnewline 😀')).toBe('tab\tand\nnewline 😀');
    expect(escapeXmlAttr('a"b\'c\td\ne\rf')).toBe('a&quot;b&apos;c&#9;d&#10;e&#13;f');
  });

  it('neutralizes terminal control sequences', () => {
    expect(sanitizeTerminal('x\u001b[2Jy\u0007\tz\n')).toBe('x\\u{1B}[2Jy\\u{7}\tz\n');
  });
});

describe('svg charts', () => {
  const pts = (values: number[]): Array<[string, number]> => values.map((v, i) => [`2026-11-20T0${i}:00:00.000Z`, v]);

  it('draws one bar per point, scaled so the largest fills the height and zero draws nothing', () => {
    const svg = barChartSvg(pts([0, 5, 10]), { title: 't', widthPx: 30, heightPx: 32 });
    const rects = [...svg.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"\/>/g)];
    expect(rects.map((r) => Number(r[4]))).toEqual([0, 14, 28]);
    expect(Number(rects[2]?.[2])).toBe(2);
    expect(rects.map((r) => Number(r[1]))).toEqual([0, 10, 20]);
  });

  it('draws a sparkline through every point with a dot on the peak', () => {
    const svg = sparklineSvg(pts([1, 4, 2, 3]), { title: 't', widthPx: 64, heightPx: 32 });
    const coords = /<polyline points="([^"]+)"/.exec(svg)?.[1]?.split(' ') ?? [];
    expect(coords).toHaveLength(4);
    expect(coords[1]).toBe('22,2');
    expect(svg).toContain('<circle cx="22" cy="2" r="2"/>');
  });

  it('keeps a negative point inside the frame', () => {
    const svg = sparklineSvg(pts([-5, 5, 0]), { title: 't', widthPx: 40, heightPx: 32 });
    const ys = (/<polyline points="([^"]+)"/.exec(svg)?.[1] ?? '').split(' ').map((c) => Number(c.split(',')[1]));
    expect(ys).toEqual([30, 2, 30]);
  });

  it('skips non-finite points, returns nothing without points, and escapes the title', () => {
    expect(barChartSvg([], { title: 'x' })).toBe('');
    expect(sparklineSvg(pts([Number.NaN]), { title: 'x' })).toBe('');
    const svg = barChartSvg(pts([1, Number.POSITIVE_INFINITY, 2]), { title: '<b>"x"</b>' });
    expect([...svg.matchAll(/<rect /g)]).toHaveLength(2);
    expect(svg).toContain('<title>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</title>');
    expect(svg).not.toContain('<b>');
  });

  it('picks bars for counts and a line for durations', () => {
    const base = { providerName: 'p', statistic: 'Sum', value: 3, windowSeconds: 3600, points: pts([1, 2]) };
    expect(metricChartSvg({ ...base, name: 'lb.http.502', unit: 'count' })).toContain('class="chart bars"');
    expect(metricChartSvg({ ...base, name: 'target.latency.p99', unit: 'seconds' })).toContain('class="chart line"');
  });
});

describe('renderHtml', () => {
  const report = sampleReport();
  const html = renderHtml(report);

  it('is one self-contained document: no external URL in src/href, no link or import, only inline scripts', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/\b(src|href|xlink:href|action)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b|@import|url\(/i);
    const s = scripts(html);
    expect(s).toHaveLength(2);
    expect(s.every((x) => !/\bsrc\s*=/.test(x.attrs))).toBe(true);
  });

  it('sets a Content-Security-Policy that allows only its own inline script and style, by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? '';
    const code = scripts(html).find((x) => x.attrs === '');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'sha256-${sha256(code?.body ?? '')}'`);
    expect(csp).toContain(`style-src 'sha256-${sha256(style)}'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/https?:/);
    expect(html).not.toMatch(/\sstyle\s*=/);
  });

  it('escapes every hostile name, tag and message', () => {
    expect(html).not.toContain('<img');
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<\/script/g)).toHaveLength(2);
    expect(html).not.toContain('<b>');
    expect(html).toContain(`<h2>${escapeHtml(HOSTILE_LB)}</h2>`);
    expect(html).toContain('&quot;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Rate exceeded &lt;script&gt;alert(&quot;gap&quot;)&lt;/script&gt;');
  });

  it('embeds the report as JSON that cannot close its script element and parses back to the report', () => {
    const data = scripts(html).find((x) => x.attrs.includes('application/json'));
    expect(data?.attrs).toContain('id="cloud502-report"');
    expect(data?.body).not.toMatch(/<|\u2028|\u2029/);
    expect(JSON.parse(data?.body ?? 'null')).toEqual(report);
  });

  it('folds evidence and fix into details for problems; an unknown gets evidence only, a pass nothing', () => {
    expect(html.match(/<summary>Evidence and fix<\/summary>/g)).toHaveLength(9);
    expect(html.match(/<summary>Evidence<\/summary>/g)).toHaveLength(2);
    expect(html.match(/<h3>Fix<\/h3>/g)).toHaveLength(9);
  });

  it('shows a demo banner only for demo data', () => {
    expect(html).toContain('class="banner"');
    expect(renderHtml({ ...report, demo: false, source: { kind: 'live' } })).not.toContain('class="banner"');
  });

  it('draws one card per load balancer, worst first, then results not tied to one', () => {
    const cards = [...html.matchAll(/<section class="card" id="(lb-\d+)" data-lb="\1"><h2>([^<]*)<\/h2>/g)].map((m) => m[2]);
    expect(cards).toEqual(['alb-shop-prod', escapeHtml(HOSTILE_LB), 'nlb-payments', 'aws 123456789012 eu-west-1: not tied to a load balancer']);
    const findings = [...html.matchAll(/<li class="finding" data-severity="(\w+)" data-family="(\w+)" data-status="(\w+)">/g)];
    expect(findings).toHaveLength(report.results.length);
    for (const [status, n] of Object.entries(report.summary.byStatus)) {
      expect(findings.filter((f) => f[3] === status)).toHaveLength(n);
    }
  });

  it('charts each metric series with points once per resource: bars for counts, a line for durations', () => {
    const svgs = [...html.matchAll(/<svg class="chart (bars|line)"[\s\S]*?<\/svg>/g)];
    // tg-checkout: 2 count series; tg-api: 1 count + 1 duration; alb-shop-prod: 1 duration + 1 count; @SUM(1): 1 count.
    expect(svgs.map((m) => m[1]).sort()).toEqual(['bars', 'bars', 'bars', 'bars', 'bars', 'line', 'line']);
    for (const m of svgs.filter((x) => x[1] === 'bars')) expect(m[0].match(/<rect /g)).toHaveLength(12);
  });

  it('shows everything without JS: the filter form is hidden and nothing else is', () => {
    expect(html).toMatch(/<form id="filters" class="filters" hidden>/);
    expect(html.match(/\shidden\b/g)).toHaveLength(1);
  });

  it('filters by severity, family, load balancer and status once its script runs', () => {
    const dom = fakeDom(html);
    runInNewContext(scripts(html).find((x) => x.attrs === '')?.body ?? '', { document: dom.document });
    expect(dom.form.hidden).toBe(false);
    expect(dom.count.textContent).toBe(`${report.results.length} shown`);

    const shown = (values: Partial<Record<'severity' | 'family' | 'lb' | 'status', string>>) => {
      for (const key of ['severity', 'family', 'lb', 'status'] as const) dom.form.elements[key].value = values[key] ?? '';
      dom.form.fire('change');
      return dom.findings.filter((f) => !f.hidden);
    };
    const severe = shown({ severity: 'high' });
    expect(severe).toHaveLength(report.results.filter((r) => r.severity === 'critical' || r.severity === 'high').length);
    expect(severe.every((f) => ['critical', 'high'].includes(f.attrs['data-severity'] ?? ''))).toBe(true);
    expect(shown({ family: 'timeouts', status: 'fail' })).toHaveLength(3);
    expect(shown({ status: 'problems' })).toHaveLength(10);
    expect(shown({ lb: 'lb-2' }).every((f) => f.card === 'lb-2')).toBe(true);
    expect(dom.cards.filter((c) => !c.hidden).map((c) => c.attrs['data-lb'])).toEqual(['lb-2']);
    expect(dom.count.textContent).toBe('5 shown');
    expect(shown({})).toHaveLength(report.results.length);
  });

  it('renders an empty report without cards', () => {
    const empty = renderHtml({ ...report, results: [], coverage: [] });
    expect(empty).toContain('No results');
    expect(empty).not.toContain('class="card"');
  });
});

interface FakeElement {
  attrs: Record<string, string>;
  hidden: boolean;
  card?: string;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): FakeElement[];
}

/**
 * Just enough DOM for the filter script, built from the rendered cards and findings (the project ships no browser or
 * DOM library). The script only uses getElementById, querySelectorAll('.card' / '.finding'), getAttribute, hidden,
 * form.elements[name].value, textContent and addEventListener.
 */
function fakeDom(html: string) {
  const element = (attrs: Record<string, string>, children: FakeElement[] = []): FakeElement => ({
    attrs,
    hidden: false,
    getAttribute: (name) => attrs[name] ?? null,
    querySelectorAll: () => children,
  });
  const findings: FakeElement[] = [];
  const cards = html.split('<section class="card"').slice(1).map((chunk) => {
    const lb = /data-lb="([^"]+)"/.exec(chunk)?.[1] ?? '';
    const own = [...chunk.split('</section>')[0]!.matchAll(/<li class="finding" data-severity="(\w+)" data-family="(\w+)" data-status="(\w+)">/g)].map((m) => {
      const f = element({ 'data-severity': m[1] ?? '', 'data-family': m[2] ?? '', 'data-status': m[3] ?? '' });
      f.card = lb;
      return f;
    });
    findings.push(...own);
    return element({ 'data-lb': lb }, own);
  });
  const handlers = new Map<string, () => void>();
  const field = () => ({ value: '' });
  const form = {
    hidden: true,
    elements: { severity: field(), family: field(), lb: field(), status: field() },
    addEventListener: (type: string, fn: () => void) => handlers.set(type, fn),
    fire: (type: string) => handlers.get(type)?.(),
  };
  const count = { textContent: '' };
  const document = {
    getElementById: (id: string) => (id === 'filters' ? form : id === 'filter-count' ? count : null),
    querySelectorAll: (selector: string) => (selector === '.card' ? cards : []),
  };
  return { document, form, count, cards, findings };
}
