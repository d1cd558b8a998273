import { describe, expect, it } from 'vitest';
import { escapeMarkdown, markdownCode, markdownCodeBlock } from '../../src/report/escape.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { sampleReport } from '../fixtures/report/sample.js';

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
    expect(md.split('\n')[0]).toBe('# cloud502: 7 failing checks on 3 load balancers');
    expect(md).toContain('> **Demo data**');
    expect(renderMarkdown({ ...report, demo: false })).not.toContain('Demo data');
  });

  it('summarizes failures by severity and results by status', () => {
    for (const [sev, n] of Object.entries(report.summary.failuresBySeverity)) expect(md).toContain(`| ${sev} | ${n} |`);
    for (const [st, n] of Object.entries(report.summary.byStatus)) expect(md).toContain(`| ${st} | ${n} |`);
  });

  it('lists failures by severity, critical first, each with a collapsible evidence-and-fix block', () => {
    const headings = [...md.matchAll(/^### (\w+) \((\d+)\)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(headings).toEqual(['Critical 1', 'High 1', 'Medium 2', 'Low 2', 'Info 1']);
    expect(md.match(/^<details>$/gm)).toHaveLength(7);
    expect(md.match(/^<\/details>$/gm)).toHaveLength(7);
    // GitHub only renders Markdown inside <details> after a blank line.
    expect(md.match(/<\/summary>\n\n/g)).toHaveLength(7);
    expect(md.indexOf('targets/all-targets-unhealthy')).toBeLessThan(md.indexOf('timeouts/backend-keepalive-exceeds-idle-timeout'));
    expect(md).toContain('```sh\naws elbv2 describe-target-health --target-group-arn arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg-checkout/0f1e2d3c4b5a6978\n```');
  });

  it('keeps every table intact: each row has as many cells as its header', () => {
    const all = tables(md);
    expect(all.length).toBeGreaterThanOrEqual(9);
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
    expect(md).toContain('"long" requests run up to 30 s');
  });

  it('lists undecided checks, accepted findings and coverage gaps', () => {
    const section = (title: string) => md.slice(md.indexOf(`## ${title}`)).split('\n## ')[0] ?? '';
    expect(section('Not decided').match(/^\| (unknown|error) \|/gm)).toHaveLength(3);
    expect(section('Accepted (baseline)')).toContain('Batch reporting runs in one AZ by design \\| OPS-1234 &lt;b&gt;ok&lt;/b&gt; | 2026-12-31 |');
    expect(section('Coverage gaps').match(/^\| `/gm)).toHaveLength(2);
    expect(section('Coverage gaps')).toContain('`elasticloadbalancing:DescribeTargetHealth` | AccessDenied');
  });

  it('says so when nothing fails and omits empty sections', () => {
    const clean = renderMarkdown({
      ...report,
      results: report.results.filter((r) => r.status === 'pass'),
      coverage: [],
      summary: { ...report.summary, byStatus: { ...report.summary.byStatus, fail: 0 } },
    });
    expect(clean.split('\n')[0]).toBe('# cloud502: no failing checks on 3 load balancers');
    expect(clean).toContain('No failing checks.');
    expect(clean).not.toMatch(/## (Not decided|Accepted|Coverage gaps)/);
  });

  it('adds the check rationale when a catalog lookup is given', () => {
    const withWhy = renderMarkdown(report, { checks: (id) => (id === 'targets/all-targets-unhealthy' ? { title: 't', rationale: 'No <healthy> target | 503.' } : undefined) });
    expect(withWhy).toContain('**Why**: No &lt;healthy&gt; target \\| 503.');
    expect(withWhy.match(/\*\*Why\*\*/g)).toHaveLength(1);
  });
});
