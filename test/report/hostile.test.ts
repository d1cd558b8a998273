/**
 * Hostile data stays inert in every format: resource names, tags and messages come from whoever can name a load
 * balancer. Bidi overrides (U+202E) would reverse what a line says, zero-width and other format characters hide text,
 * control characters drive terminals, line breaks forge lines, and URLs would become links.
 */
import { describe, expect, it } from 'vitest';
import { renderCsv } from '../../src/report/csv.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import type { Report } from '../../src/report/types.js';
import { SAMPLE_CATALOG, sampleReport } from '../fixtures/report/sample.js';

/** Format characters, separators and controls a hostile name may carry (U+E0041 is a tag character, outside the BMP). */
const INVISIBLE = ['\u202E', '\u202A', '\u2066', '\u2069', '\u200B', '\u200F', '\uFEFF', '\u061C', '\u00AD', '\u2028', '\u{E0041}', '\u0085', '\u001B', '\u0007'];
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const RAW = /[\p{Cf}\u2028\u2029\u0080-\u009F\u001B\u0007]/u;

function hostile(): Report {
  const r = sampleReport();
  const bad = `lb\u202Eexe.txt\u2066\u200B\uFEFF\u061C\u00AD\u2028\u{E0041}\u0085\u001B[2J\u0007`;
  r.results = r.results.map((x) => ({
    ...x,
    message: `${x.message} ${bad}\n■ forged line`,
    resource: { ...x.resource, name: `name-${bad}`, ...(x.resource.loadBalancerId ? { loadBalancerName: `https://evil.example/${bad}` } : {}) },
    evidence: { ...x.evidence, details: { [`key\n${bad}`]: `value ${bad}` } },
  }));
  r.coverage = r.coverage.map((g) => ({ ...g, message: `gap ${bad}` }));
  return r;
}

const formats: Array<[string, (r: Report) => string]> = [
  ['text', (r) => renderText(r)],
  ['text --verbose', (r) => renderText(r, { verbose: true })],
  ['markdown', (r) => renderMarkdown(r)],
  ['html', (r) => renderHtml(r)],
  ['sarif', (r) => renderSarif(r, { checks: SAMPLE_CATALOG, includeUnknown: true })],
  ['junit', (r) => renderJunit(r)],
  ['csv', (r) => renderCsv(r)],
  ['json', (r) => renderJson(r)],
];

describe.each(formats)('%s', (name, render) => {
  const out = render(hostile());

  it('writes no bidi override, zero-width, format, separator or control character', () => {
    const hit = RAW.exec(out);
    expect(hit?.[0].codePointAt(0)?.toString(16), `raw character in ${name}`).toBeUndefined();
  });

  it('shows them instead as a visible notation (or, in JSON, as the same data escaped)', () => {
    if (name === 'json') {
      expect(out).toContain('\\u202e');
      expect(out).toContain('\\udb40\\udc41');
      // Same data once parsed.
      expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(hostile())));
    } else {
      expect(out).toContain('\\u{202E}');
      expect(out).toContain('\\u{E0041}');
    }
  });
});

describe('line breaks and links', () => {
  it('keep a forged line out of the text report, evidence keys included', () => {
    for (const text of [renderText(hostile()), renderText(hostile(), { verbose: true })]) {
      expect(text).not.toMatch(/^■ forged line/m);
      expect(text.split('\n').filter((l) => l.includes('forged line')).every((l) => l.includes('\\u{A}■ forged line'))).toBe(true);
    }
  });

  it('keep URLs in names from becoming links in Markdown (GFM autolinks) and HTML', () => {
    expect(renderMarkdown(hostile())).toContain('https\\://evil.example/');
    expect(renderHtml(hostile())).not.toMatch(/<a\s/);
  });

  it('covers every invisible character listed here', () => {
    for (const c of INVISIBLE) expect(RAW.test(c) || c === '\u2028', c.codePointAt(0)!.toString(16)).toBe(true);
  });
});
