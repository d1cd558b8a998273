import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine/index.js';
import { buildReport } from '../../src/report/json.js';
import { renderReport } from '../../src/report/render.js';
import { DEMO_BANNER, formatDuration, renderText, summaryLine } from '../../src/report/text.js';
import type { Report } from '../../src/report/types.js';
import { brokenInventory, cleanInventory, fakeChecks, fakeRegistry } from '../cli/support/fakes.js';
import { sampleReport } from '../fixtures/report/sample.js';
import { FIX_RENDERERS } from '../support/fix-renderers.js';

const registry = fakeRegistry();
const lookup = (id: string) => registry.get(id);

function report(inv = brokenInventory(), source: Report['source'] = { kind: 'snapshot', path: 'prod.json' }): Report {
  return buildReport({ inventory: inv, results: runChecks(inv, fakeChecks, {}, { fixRenderers: FIX_RENDERERS }), checksRun: fakeChecks.length, source, generatedAt: new Date('2026-11-20T12:01:00Z'), toolVersion: '9.9.9' });
}

const ESC = '\u001b[';

describe('renderText', () => {
  const text = renderText(report(), { checks: lookup });
  const lines = text.split('\n');

  it('prints the header: source, scopes, collection time and metrics window', () => {
    expect(text).toContain('cloud502 9.9.9');
    expect(text).toMatch(/source\s+snapshot prod\.json/);
    expect(text).toMatch(/scopes\s+aws 123456789012 eu-west-1/);
    expect(text).toMatch(/collected\s+2026-11-20T12:00:00\.000Z/);
    expect(text).toMatch(/window\s+24h of metrics/);
    expect(text).not.toContain(DEMO_BANNER);
  });

  it('groups findings by load balancer, worst first, and puts findings without one under their scope', () => {
    const web = lines.findIndex((l) => l.startsWith('■ alb-web'));
    const quiet = lines.findIndex((l) => l.startsWith('■ alb-quiet'));
    const scope = lines.findIndex((l) => l.startsWith('■ aws 123456789012 eu-west-1 (not tied to a load balancer)'));
    expect(web).toBeGreaterThan(-1);
    expect(quiet).toBeGreaterThan(web);
    expect(scope).toBeGreaterThan(quiet);
    expect(lines[web]).toContain('1 critical, 1 medium');
    // Inside alb-web, the critical finding comes before the medium one.
    const critical = lines.findIndex((l) => l.includes('CRITICAL') && l.includes('targets/fake-pool-has-targets · tg-empty'));
    const medium = lines.findIndex((l) => l.includes('MEDIUM') && l.includes('timeouts/fake-idle-timeout'));
    expect(web < critical && critical < medium && medium < quiet).toBe(true);
  });

  it('explains each finding: message, why it causes the 5xx (rationale from the registry), evidence and fix', () => {
    const start = lines.findIndex((l) => l.includes('targets/fake-pool-has-targets · tg-empty'));
    const block = lines.slice(start, start + 16).join('\n');
    expect(block).toContain('Target group tg-empty has 0 registered targets.');
    expect(block).toContain('Why it causes 503: With no registered targets the load balancer answers every request with 503.');
    expect(block).toMatch(/field\s+targetGroup\.targets/);
    expect(block).toMatch(/observed\s+0/);
    expect(block).toMatch(/expected\s+>= 1/);
    expect(block).toMatch(/source\s+api/);
    expect(block).toContain('lb.http.503 = 42, total over 24h (AWS/ApplicationELB HTTPCode_ELB_503_Count Sum)');
    expect(block).toContain('Fix: Register healthy targets in tg-empty.');
    expect(block).toMatch(/cli\s+# replace TARGET_ID/);
    expect(block).toMatch(/aws elbv2 register-targets --target-group-arn arn:aws:test:eu-west-1:123456789012:aws-target-group\/tg-empty --targets Id=TARGET_ID/);
    expect(block).toMatch(/terraform\s+aws_lb_target_group_attachment/);
  });

  it('counts passes and not-applicable results per load balancer unless verbose', () => {
    expect(text).not.toContain('PASS ');
    expect(text).toContain('✓ 2 passed');
    expect(text).toContain('✓ 1 passed · 1 not applicable');
    const verbose = renderText(report(), { checks: lookup, verbose: true });
    expect(verbose).toMatch(/PASS\s+targets\/fake-pool-has-targets · tg-api/);
    expect(verbose).toMatch(/N\/A\s+health\/fake-health-check-known · tg-quiet — tg-quiet: health checks disabled/);
    expect(verbose).not.toContain('✓ 2 passed');
  });

  it('lists unknown and error results with what is missing', () => {
    expect(text).toMatch(/UNKNOWN\s+health\/fake-health-check-known · tg-empty\n\s+tg-empty: health check not collected/);
    expect(text).toMatch(/ERROR\s+tls\/fake-throws/);
    expect(text).toContain('Check tls/fake-throws failed to evaluate: boom');
  });

  it('lists coverage gaps with api, permission and impact', () => {
    expect(text).toContain('Coverage gaps (1)');
    expect(text).toContain('acm:DescribeCertificate in 123456789012 eu-west-1: AccessDeniedException — not authorized');
    expect(text).toContain('missing permission: acm:DescribeCertificate');
    expect(text).toContain('impact: expiry of listener certificates');
  });

  it('ends with the summary line', () => {
    expect(lines.at(-2)).toBe('1 critical, 0 high, 1 medium, 0 low · 4 passed · 1 unknown · 1 error');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('says clearly when the data is the demo environment', () => {
    const demo = renderText(report({ ...cleanInventory(), demo: true }, { kind: 'demo' }), { checks: lookup });
    expect(demo).toMatch(/source\s+bundled demo environment/);
    expect(demo).toContain(`*** ${DEMO_BANNER} ***`);
    expect(demo.trimEnd().split('\n').at(-1)).toContain(DEMO_BANNER);
  });

  it('says when no load balancer was found', () => {
    const empty = renderText(report({ ...cleanInventory(), loadBalancers: [], backendPools: [] }), {});
    expect(empty).toContain('No load balancers found in the audited scopes.');
  });
});

describe('colors', () => {
  it('uses ANSI colors only when asked', () => {
    const plain = renderText(report(), { checks: lookup, color: false });
    const colored = renderText(report(), { checks: lookup, color: true });
    expect(plain).not.toContain(ESC);
    expect(colored).toContain(`${ESC}1m${ESC}31mCRITICAL`);
    // Same content once the escapes are stripped.
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('colors the summary line only when asked', () => {
    expect(summaryLine(report(), false)).not.toContain(ESC);
    expect(summaryLine(report(), true)).toContain(ESC);
  });
});

describe('renderReport and formatDuration', () => {
  it('dispatches by format', () => {
    const r = report();
    expect(JSON.parse(renderReport(r, 'json'))).toEqual(JSON.parse(JSON.stringify(r)));
    expect(renderReport(r, 'text', { checks: lookup })).toBe(renderText(r, { checks: lookup }));
  });

  it.each([
    [86_400, '24h'],
    [604_800, '7d'],
    [1800, '30m'],
    [90, '90s'],
    [3600, '1h'],
    [0, '0s'],
  ])('formats %i s as %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

describe('terminal control characters', () => {
  const HOSTILE = 'x\u001b[31mred\u0007';
  const VISIBLE = 'x\\u{1B}[31mred\\u{7}';

  /** The sample report with a hostile string in every kind of dynamic field the text report prints. */
  function hostileReport(): Report {
    const r = sampleReport();
    r.source = { kind: 'snapshot', path: `snap-${HOSTILE}.json` };
    r.scopes = r.scopes.map((s) => ({ ...s, account: `acct-${HOSTILE}` }));
    r.coverage = r.coverage.map((g) => ({ ...g, api: `api-${HOSTILE}`, message: `msg-${HOSTILE}`, permission: `perm-${HOSTILE}`, impact: `impact-${HOSTILE}` }));
    r.results = r.results.map((x) => ({
      ...x,
      message: `message-${HOSTILE}`,
      resource: { ...x.resource, name: `name-${HOSTILE}`, id: `id-${HOSTILE}`, ...(x.resource.loadBalancerId ? { loadBalancerName: `lb-${HOSTILE}` } : {}) },
      evidence: { ...x.evidence, observed: `observed-${HOSTILE}`, source: `source-${HOSTILE}`, details: { [`key-${HOSTILE}`]: `value-${HOSTILE}` } },
      remediation: { summary: `fix-${HOSTILE}`, cli: `cli-${HOSTILE}\nsecond line` },
      docs: [`https://example.com/${HOSTILE}`],
      ...(x.suppression ? { suppression: { ...x.suppression, reason: `reason-${HOSTILE}` } } : {}),
    }));
    return r;
  }

  it.each([false, true])('shows them as visible text and never sends them (color %s)', (color) => {
    const text = renderText(hostileReport(), { verbose: true, color, checks: () => ({ title: 't', rationale: `why-${HOSTILE}` }) });
    for (const field of ['snap', 'acct', 'api', 'msg', 'perm', 'impact', 'message', 'name', 'lb', 'observed', 'source', 'key', 'value', 'fix', 'cli', 'reason', 'why']) {
      expect(text, field).toContain(`${field}-${VISIBLE}`);
    }
    expect(text).toContain(`https://example.com/${VISIBLE}`);
    expect(text).not.toContain('\u0007');
    expect(text).not.toContain('\u001b[31mred');
    // Without color, no escape character at all; with color, only the renderer's own SGR sequences.
    // eslint-disable-next-line no-control-regex
    const stray = color ? text.replace(/\u001b\[(?:0|1|2|3[1-6]|7)m/g, '') : text;
    // eslint-disable-next-line no-control-regex
    expect(stray.match(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g) ?? []).toEqual([]);
  });

  it('keeps a line break in a name or message from forging a line of its own', () => {
    const r = sampleReport();
    r.results = r.results.map((x) => ({ ...x, message: 'ok\n0 critical, 0 high · all clear', resource: { ...x.resource, name: 'tg\n■ forged' } }));
    const text = renderText(r, { verbose: true });
    expect(text).not.toMatch(/^0 critical, 0 high · all clear/m);
    expect(text).not.toMatch(/^\s*■ forged/m);
    expect(text).toContain('ok\\u{A}0 critical, 0 high · all clear');
  });

  it('leaves the report it was given untouched', () => {
    const r = hostileReport();
    const before = JSON.stringify(r);
    renderText(r);
    expect(JSON.stringify(r)).toBe(before);
  });
});
