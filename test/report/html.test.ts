import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, escapeXmlAttr, jsonForScript, sanitizeTerminal } from '../../src/report/escape.js';
import { renderHtml } from '../../src/report/html.js';
import { metricChartSvg, niceMax } from '../../src/report/svg.js';
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
  const base = { providerName: 'AWS/X 502 Sum', statistic: 'Sum', aggregation: 'sum' as const, windowSeconds: 86_400, periodSeconds: 300 };

  it('draws the summary as bars on a labelled value axis, with the threshold as a dashed line', () => {
    const svg = metricChartSvg({ ...base, name: 'target.latency.max', unit: 'seconds', statistic: 'Maximum', aggregation: 'max', value: 59.997, peak: 59.997, p99: 48.5, datapoints: 288, threshold: { value: 60, label: 'idle timeout 60 s: slower responses get 504' } });
    expect(svg).toContain('class="chart"');
    expect(svg).toContain('>peak</text>');
    expect(svg).toContain('>p99 of periods</text>');
    // Axis ticks with the unit, the axis title, and the threshold line and its label.
    expect(svg).toMatch(/>0 s<\/text>/);
    expect(svg).toMatch(/>100 s<\/text>/);
    expect(svg).toContain('>seconds over 24h</text>');
    expect(svg).toMatch(/<line [^>]*class="threshold"\/>/);
    expect(svg).toContain('threshold 60 s: idle timeout 60 s: slower responses get 504');
    expect(svg).toContain('<title>');
  });

  it('draws a series over time when the report carries points: time axis, value axis, threshold', () => {
    const svg = metricChartSvg({ ...base, name: 'lb.http.502', unit: 'count', value: 15, datapoints: 3, points: pts([0, 5, 10]), threshold: { value: 0, label: 'any is a failed request' } });
    const bars = [...svg.matchAll(/<rect [^>]*class="bar"\/>/g)];
    expect(bars).toHaveLength(2);
    expect(svg).toContain('>11-20 00:00</text>');
    expect(svg).toContain('>11-20 02:00</text>');
    expect(svg).toContain('time (UTC), 24h window');
    expect(svg).toContain('>count per 5m</text>');
    expect(svg).toMatch(/<line [^>]*class="threshold"\/>/);
    const line = metricChartSvg({ ...base, name: 'target.latency.p99', unit: 'seconds', statistic: 'p99', aggregation: 'max', value: 3, points: pts([1, 3]) });
    expect(line).toContain('<polyline points=');
  });

  it('says "no data points" instead of drawing a 0, and escapes the title', () => {
    expect(metricChartSvg({ ...base, name: 'lb.http.502', unit: 'count', value: 0, datapoints: 0 })).toContain('no data points in the window');
    const svg = metricChartSvg({ ...base, name: 'lb.http.502', unit: 'count', value: 1, datapoints: 1 }, { title: '<b>"x"</b>' });
    expect(svg).toContain('&lt;b&gt;&quot;x&quot;&lt;/b&gt;');
    expect(svg).not.toContain('<b>');
  });

  it('picks round axis maxima', () => {
    expect([0, 0.4, 1, 3, 7, 12, 2_200, 58_815].map(niceMax)).toEqual([1, 0.5, 1, 5, 10, 20, 2_500, 100_000]);
  });
});

describe('renderHtml', () => {
  const report = sampleReport();
  const html = renderHtml(report);

  it('is one self-contained document: no external URL in src/href, no link or import, one inline script', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/\b(src|href|xlink:href|action)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b|@import|url\(/i);
    const s = scripts(html);
    expect(s).toHaveLength(1);
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
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<b>');
    expect(html).toContain(`<h2>${escapeHtml(HOSTILE_LB)} `);
    expect(html).toContain('Rate exceeded &lt;script&gt;alert(&quot;gap&quot;)&lt;/script&gt;');
  });

  it('puts the diagnosis first: the verdict, then the cards, then the totals', () => {
    const verdict = html.indexOf('class="verdict"');
    const firstCard = html.indexOf('<section class="card"');
    const totals = html.indexOf('id="totals"');
    expect(verdict).toBeGreaterThan(0);
    expect(verdict).toBeLessThan(firstCard);
    expect(firstCard).toBeLessThan(totals);
    expect(html).toMatch(/<p class="counts">7 causes \(1 critical, 1 high, 2 medium, 2 low, 1 info\) behind 7 failing checks · 2 passed · 2 unknown · 1 error · 1 suppressed<\/p>/);
  });

  it('shows a demo banner only for demo data', () => {
    expect(html).toContain('class="banner"');
    expect(renderHtml({ ...report, demo: false, source: { kind: 'live' } })).not.toContain('class="banner"');
  });

  it('draws one card per load balancer, worst first, and one element per result, counts as the summary says', () => {
    const cards = [...html.matchAll(/<section class="card" id="(lb-\d+)" data-lb="\1"><h2>([^<]*) <span/g)].map((m) => m[2]);
    expect(cards).toEqual(['alb-shop-prod', escapeHtml(HOSTILE_LB), 'nlb-payments', 'aws 1234 eu-west-1: not tied to a load balancer'.replace('1234', '123456789012')]);
    const findings = [...html.matchAll(/<li class="finding[^"]*" data-severity="(\w+)" data-family="(\w+)" data-status="(\w+)"/g)];
    expect(findings).toHaveLength(report.results.length);
    for (const [status, n] of Object.entries(report.summary.byStatus)) expect(findings.filter((f) => f[3] === status)).toHaveLength(n);
    expect(html.match(/class="finding cause"/g)).toHaveLength(7);
  });

  it('gives a finding at most one chart, never the same series twice, each with axes, units and the threshold', () => {
    const figures = [...html.matchAll(/<figure class="chart-box">([\s\S]*?)<\/figure>/g)].map((m) => m[1]!);
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) {
      expect(f.match(/<svg /g)).toHaveLength(1);
      expect(f).toMatch(/class="axis"/);
      expect(f).toMatch(/class="unit"/);
    }
    const captions = figures.map((f) => /<figcaption>([^<]*)</.exec(f)?.[1]);
    expect(new Set(captions).size).toBe(captions.length);
    for (const li of html.split('<li class="finding').slice(1)) expect((li.match(/<svg /g) ?? []).length).toBeLessThanOrEqual(1);
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
  querySelector?(selector: string): FakeElement | null;
  open?: boolean;
}

/**
 * Just enough DOM for the filter script, built from the rendered cards and findings (the project ships no browser or
 * DOM library). The script only uses getElementById, querySelectorAll('.card' / '.finding' / 'details.others'), querySelector, getAttribute, hidden,
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
    const own = [...chunk.split('</section>')[0]!.matchAll(/<li class="finding[^"]*" data-severity="(\w+)" data-family="(\w+)" data-status="(\w+)"/g)].map((m) => {
      const f = element({ 'data-severity': m[1] ?? '', 'data-family': m[2] ?? '', 'data-status': m[3] ?? '' });
      f.card = lb;
      return f;
    });
    findings.push(...own);
    const card = element({ 'data-lb': lb }, own);
    // The collapsed "others" list of a card: opened by the script when a filter matches inside it.
    const others: FakeElement = { ...element({}), querySelector: () => own.find((f) => !f.hidden) ?? null };
    card.querySelectorAll = (selector: string) => (selector === 'details.others' ? [others] : own);
    return card;
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
