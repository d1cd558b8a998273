import { describe, expect, it } from 'vitest';
import { escapeMarkdown, markdownCode, markdownCodeBlock } from '../../src/report/escape.js';
import { marked } from 'marked';
import { MARKDOWN_BUDGET, renderMarkdown } from '../../src/report/markdown.js';
import { SAMPLE_CATALOG, sampleReport } from '../fixtures/report/sample.js';

/** Cells of a GFM table row: split on pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/);
}

/** Each table in the document as its rows (header, delimiter, body). */
function tables(md: string): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) current.push(line);
    else if (current.length) {
      out.push(current);
      current = [];
    }
  }
  if (current.length) out.push(current);
  return out;
}

describe('markdown escaping', () => {
  it('escapes emphasis, code, links, pipes and HTML, and keeps a value on one line', () => {
    expect(escapeMarkdown('a|b `c` *d* _e_ [f](g) ~h~ #1 <img src=x> & \\')).toBe(
      'a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\~h\\~ \\#1 &lt;img src=x&gt; &amp; \\\\',
    );
    expect(escapeMarkdown('one\ntwo\r\nthree\u2028four\tfive')).toBe('one two three four five');
  });

  it('fences code spans longer than any backtick run inside, and escapes pipes only in table cells', () => {
    expect(markdownCode('a `b` c')).toBe('``a `b` c``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
    expect(markdownCode('a|b')).toBe('`a|b`');
    expect(markdownCode('a|b', { table: true })).toBe('`a\\|b`');
  });

  it('fences code blocks longer than any fence inside', () => {
    expect(markdownCodeBlock('echo ```\nls', 'sh')).toBe('````sh\necho ```\nls\n````');
    expect(markdownCodeBlock('ls')).toBe('```\nls\n```');
  });
});

describe('renderMarkdown', () => {
  const report = sampleReport();
  const md = renderMarkdown(report);

  it('states the outcome in the title and flags demo data', () => {
    expect(md.split('\n')[0]).toBe('# cloud502: 3 of 3 load balancers have a cause of 5xx (worst: critical)');
    expect(md).toContain('> **Demo data**');
    expect(renderMarkdown({ ...report, demo: false })).not.toContain('Demo data');
  });

  it('opens with the counts and one table row per load balancer, worst first', () => {
    expect(md).toContain('**7 causes** (1 critical, 1 high, 2 medium, 2 low, 1 info) behind 7 failing checks · 2 passed · 2 unknown · 1 error · 1 accepted in the baseline');
    const rows = tables(md)[0]!.slice(2).map((r) => cells(r)[0]?.trim());
    expect(rows).toEqual(['alb-shop-prod', '&lt;img src=x onerror=alert(1)&gt;', 'nlb-payments', 'aws 123456789012 eu-west-1 (not tied to a load balancer)']);
  });

  it('keeps the top causes visible and each cause collapsed in <details> with its fix', () => {
    const top = md.slice(md.indexOf('## Top causes'), md.indexOf('## Diagnosis by load balancer'));
    expect(top.match(/^\d+\. \*\*(critical|high|medium|low|info)\*\*/gm)).toHaveLength(5);
    expect(top).toMatch(/^1\. \*\*critical\*\* alb-shop-prod: All 4 targets of tg-checkout/m);
    expect(md.match(/^<details>$/gm)).toHaveLength(7);
    expect(md.match(/^<\/details>$/gm)).toHaveLength(7);
    // GitHub only renders Markdown inside <details> after a blank line.
    expect(md.match(/<\/summary>\n\n/g)).toHaveLength(7);
    expect(md).toContain('```sh\naws elbv2 describe-target-health --target-group-arn arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg-checkout/0f1e2d3c4b5a6978\n```');
  });

  it('keeps every table intact: each row has as many cells as its header', () => {
    const all = tables(md);
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const t of all) {
      const width = cells(t[0] ?? '').length;
      for (const row of t) expect(cells(row), row).toHaveLength(width);
    }
  });

  it('escapes hostile names and messages: the only raw HTML is details, summary and code', () => {
    const tags = new Set([...md.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => m[1]?.toLowerCase()));
    expect([...tags].sort()).toEqual(['code', 'details', 'summary']);
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(md).toContain('58.2 s \\| \\`/export\\` requests run up to \\*75 s\\*');
  });

  it('lists undecided checks, sums up accepted findings and lists coverage gaps', () => {
    const section = (title: string) => md.slice(md.indexOf(`## ${title}`)).split('\n## ')[0] ?? '';
    expect(section('Not decided').match(/^\| (unknown|error) \|/gm)).toHaveLength(3);
    expect(md).toContain('**Accepted in the baseline**: 1 finding (1 high), listed in the attached report.');
    expect(section('Coverage gaps').match(/^\| `/gm)).toHaveLength(2);
    expect(section('Coverage gaps')).toContain('`elasticloadbalancing:DescribeTargetHealth` | aws 123456789012 eu-west-1 | `elasticloadbalancing:DescribeTargetHealth` | AccessDenied');
  });

  it('says so when nothing fails and omits empty sections', () => {
    const clean = renderMarkdown({
      ...report,
      results: report.results.filter((r) => r.status === 'pass'),
      coverage: [],
      summary: { ...report.summary, byStatus: { ...report.summary.byStatus, fail: 0 } },
    });
    expect(clean.split('\n')[0]).toBe('# cloud502: no cause of 5xx found on 3 load balancers');
    expect(clean).not.toMatch(/## (Top causes|Not decided|Coverage gaps)/);
  });

  it('writes a check rationale once, then refers to it', () => {
    const twice = sampleReport();
    const fail = twice.results.find((r) => r.checkId === 'targets/all-targets-unhealthy')!;
    twice.results.push({ ...fail, fingerprint: 'e'.repeat(32), resource: { ...fail.resource, name: 'tg-other', id: 'arn:tg-other' } });
    const withWhy = renderMarkdown(twice, { checks: (id) => (id === 'targets/all-targets-unhealthy' ? { title: 't', rationale: 'No <healthy> target | 503.' } : undefined) });
    expect(withWhy).toContain('**Why**: No &lt;healthy&gt; target \\| 503.');
    expect(withWhy.match(/\*\*Why\*\*: No/g)).toHaveLength(1);
    expect(withWhy).toContain('**Why**: as for `targets/all-targets-unhealthy` above.');
  });

  it('stays under its size budget, cutting with "N more in the attached report"', () => {
    const big = sampleReport();
    const fail = big.results.find((r) => r.status === 'fail')!;
    for (let i = 0; i < 400; i++) {
      big.results.push({ ...fail, fingerprint: i.toString(16).padStart(32, 'a'), message: `${fail.message} (${i})`, resource: { ...fail.resource, name: `tg-${i}`, id: `arn:tg-${i}`, loadBalancerId: `arn:lb-${i}`, loadBalancerName: `lb-${i}` } });
    }
    const out = renderMarkdown(big, { maxChars: 20_000 });
    expect(out.length).toBeLessThanOrEqual(20_000);
    expect(out).toMatch(/\*\*\d+ more causes( on \d+ more load balancers)? in the attached report\*\*/);
    expect(out).toMatch(/\| \d+ more load balancers in the attached report \|/);
    expect(renderMarkdown(big).length).toBeLessThanOrEqual(MARKDOWN_BUDGET);
  });
});

describe('on a GitHub-flavoured Markdown renderer (marked, gfm)', () => {
  const hostile = sampleReport();
  hostile.results = hostile.results.map((r, i) => ({
    ...r,
    resource: { ...r.resource, name: i % 2 ? 'https://evil.example/x?y' : 'www.evil.example', ...(r.resource.loadBalancerId ? { loadBalancerName: 'ops@evil.example' } : {}) },
    message: `${r.message} see http://evil.example/phish and www.evil.example or mail admin@evil.example \u202Etxt.exe`,
  }));
  const md = renderMarkdown(hostile);
  const html = marked.parse(md, { gfm: true, async: false });
  const docLinks = new Set(Object.values(hostile.checks ?? {}).flatMap((c) => c.docs).concat(SAMPLE_CATALOG.flatMap((c) => c.docs)).concat(hostile.results.flatMap((r) => r.docs ?? [])));

  it('renders the structure: headings, tables, details with Markdown inside, code blocks', () => {
    expect(html).toContain('<h1>cloud502: ');
    expect(html).toMatch(/<table>[\s\S]*<th>Load balancer<\/th>/);
    expect(html.match(/<details>/g)?.length).toBe(md.match(/^<details>$/gm)?.length);
    expect(html).toMatch(/<summary>[^<]*(critical|high|medium|low|info) · <code>/);
    expect(html).toContain('<pre><code class="language-sh">');
    expect(html).toMatch(/<strong>Fix<\/strong>: /);
  });

  it('autolinks no name or message: the only links are the checks’ documentation', () => {
    const hrefs = [...html.matchAll(/<a\s[^>]*href="([^"]*)"/g)].map((m) => m[1]!);
    for (const href of hrefs) expect(docLinks.has(href.replace(/&amp;/g, '&')), href).toBe(true);
    expect(html).not.toMatch(/href="[^"]*evil/);
    expect(html).not.toMatch(/mailto:/);
  });

  it('carries no raw bidi override or injected element', () => {
    expect(html).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(html).toContain('\\u{202E}txt.exe');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
  });
});
