import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine/index.js';
import { diagnose } from '../../src/report/diagnosis.js';
import { buildReport } from '../../src/report/json.js';
import { expandPassed, parseReportJson } from '../../src/report/passes.js';
import { renderReport } from '../../src/report/render.js';
import { DEMO_BANNER, formatDuration, MAX_LINE_CHARS, renderText, summaryLine, wrapCommand } from '../../src/report/text.js';
import type { Report, ReportResult } from '../../src/report/types.js';
import { brokenInventory, cleanInventory, fakeChecks, fakeRegistry } from '../cli/support/fakes.js';
import { sampleReport } from '../fixtures/report/sample.js';
import { FIX_RENDERERS } from '../support/fix-renderers.js';

const registry = fakeRegistry();
const lookup = (id: string) => registry.get(id);

function report(inv = brokenInventory(), source: Report['source'] = { kind: 'snapshot', path: 'prod.json' }): Report {
  return buildReport({ inventory: inv, results: runChecks(inv, fakeChecks, {}, { fixRenderers: FIX_RENDERERS }), checks: fakeChecks, checksRun: fakeChecks.length, source, generatedAt: new Date('2026-11-20T12:01:00Z'), toolVersion: '9.9.9' });
}

const ESC = '\u001b[';
const visible = (line: string): number => [...line].length;

describe('renderText (default: the diagnosis)', () => {
  const text = renderText(report());
  const lines = text.split('\n');

  it('opens with the verdict and the counts, then where the data came from', () => {
    expect(lines[0]).toBe('cloud502 9.9.9 — load-balancer 5xx audit');
    expect(lines[1]).toBe('Verdict: 1 of 2 load balancers has a cause of 5xx — worst: 1 critical.');
    expect(lines[2]).toBe('Counts:  2 causes (1 critical, 1 medium) behind 2 failing checks · 4 passed · 1 unknown · 1 error');
    expect(lines[3]).toBe('Audited: snapshot prod.json · aws 123456789012 eu-west-1 · collected 2026-11-20T12:00:00.000Z · 24h of metrics · 4 checks');
    expect(text).not.toContain(DEMO_BANNER);
  });

  it('then one block per load balancer, worst first: what users see, each cause with its fix command', () => {
    const web = lines.findIndex((l) => l.startsWith('■ alb-web'));
    const quiet = lines.findIndex((l) => l.startsWith('✓ alb-quiet'));
    const scope = lines.findIndex((l) => l.includes('aws 123456789012 eu-west-1 (not tied to a load balancer)'));
    expect(web).toBe(5);
    expect(lines[web]).toBe('■ alb-web aws-alb eu-west-1 — CRITICAL — users see: 504 × 7 in the last 24 h');
    expect(quiet).toBeGreaterThan(web);
    expect(scope).toBeGreaterThan(quiet);
    const r = report();
    const empty = r.results.find((x) => x.status === 'fail' && x.resource.name === 'tg-empty')!;
    expect(lines[web + 1]).toBe(`  CRITICAL ${empty.fingerprint.slice(0, 8)} Target group tg-empty has 0 registered targets.`);
    // Over 200 characters, the command goes on a continuation line: still one command when pasted.
    expect(lines[web + 2]).toBe('    fix: aws elbv2 register-targets --target-group-arn arn:aws:test:eu-west-1:123456789012:aws-target-group/tg-empty --targets \\');
    expect(lines[web + 3]).toBe('         Id="${TARGET_ID:?instance id or IP address that serves this target group}"');
    expect(lines[web + 4]).toMatch(/^ {2}MEDIUM {3}[0-9a-f]{8} alb-web keeps idle connections for 60 s\.$/);
    expect(lines[quiet]).toBe('✓ alb-quiet aws-alb eu-west-1 — no cause found — users see: 5xx not measured: no 5xx metric was collected in the last 24 h');
  });

  it('keeps evidence and passes out of the default view, and says what could not be decided in one line each', () => {
    expect(text).not.toContain('Evidence:');
    expect(text).not.toContain('PASS ');
    expect(text).toContain('  ?        1 check could not decide: health/fake-health-check-known');
    expect(text).toContain('  !        1 check failed to run (a cloud502 bug: please report it): tls/fake-throws');
  });

  it('names coverage gaps with the missing permission and the impact', () => {
    expect(text).toContain('Coverage gaps (1): checks that needed this data answer "unknown"');
    expect(text).toContain('  acm:DescribeCertificate in 123456789012 eu-west-1: AccessDeniedException — missing acm:DescribeCertificate — impact: expiry of listener certificates');
  });

  it('ends with how to see more and the summary line', () => {
    expect(lines.at(-3)).toBe('Details: cloud502 explain <fingerprint or check id> --snapshot prod.json · every result in full: --verbose');
    expect(lines.at(-2)).toBe('1 critical, 0 high, 1 medium, 0 low · 4 passed · 1 unknown · 1 error');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('says clearly when the data is the demo environment, and when nothing was found', () => {
    const demo = renderText(report({ ...cleanInventory(), demo: true }, { kind: 'demo' }));
    expect(demo.split('\n')[0]).toContain(DEMO_BANNER);
    expect(demo.trimEnd().split('\n').at(-1)).toContain(DEMO_BANNER);
    const empty = renderText(report({ ...cleanInventory(), loadBalancers: [], backendPools: [] }));
    expect(empty).toContain('Verdict: no load balancers found in the audited scopes.');
  });

  it('folds consequences under their cause, one line each', () => {
    const r = sampleReport();
    const [cause, consequence] = r.results.filter((x) => x.status === 'fail').slice(0, 2) as [ReportResult, ReportResult];
    cause.explains = [consequence.fingerprint];
    consequence.causedBy = [cause.fingerprint];
    consequence.resource = { ...consequence.resource, loadBalancerId: cause.resource.loadBalancerId!, loadBalancerName: cause.resource.loadBalancerName! };
    // A report written with links carries its diagnosis; renderers take both as they are.
    r.diagnosis = diagnose(r.results);
    expect(r.diagnosis[0]?.causes.find((c) => c.fingerprint === cause.fingerprint)?.consequences).toEqual([consequence.fingerprint]);
    const out = renderText(r).split('\n');
    const causeLine = out.findIndex((l) => l.includes(cause.fingerprint.slice(0, 8)) && !l.includes('↳'));
    const folded = out.findIndex((l) => l.includes(`↳ ${consequence.fingerprint.slice(0, 8)}`));
    expect(causeLine).toBeGreaterThan(-1);
    expect(folded).toBeGreaterThan(causeLine);
    expect(out[folded]).toMatch(/^ {4}↳ /);
    // The consequence has no cause line of its own.
    expect(out.filter((l) => l.includes(consequence.fingerprint.slice(0, 8)))).toHaveLength(1);
  });

  it('shows suppressed findings as one summary line, never as blocks', () => {
    const out = renderText(sampleReport());
    const accepted = sampleReport().results.find((x) => x.status === 'suppressed')!;
    expect(out).toContain('Accepted in the baseline (suppressed): 1 finding — 1 high; --verbose lists them');
    expect(out).not.toContain(accepted.message);
    expect(out).not.toContain(accepted.suppression!.reason);
  });

  it(`keeps every line within ${MAX_LINE_CHARS} characters, even for huge names and messages, and never cuts a command`, () => {
    const r = sampleReport();
    const long = 'x'.repeat(500);
    r.results = r.results.map((x) => ({ ...x, message: `${long} message`, resource: { ...x.resource, name: long, ...(x.resource.loadBalancerId ? { loadBalancerName: `lb-${long}` } : {}) } }));
    r.coverage = r.coverage.map((g) => ({ ...g, message: long, impact: long }));
    const out = renderText(r);
    for (const line of out.split('\n')) expect(visible(line), line.slice(0, 60)).toBeLessThanOrEqual(MAX_LINE_CHARS);
    // A command longer than a line is either wrapped with continuations or replaced by the summary, never cut.
    const longCommand = `aws elbv2 do-something --arn ${'a'.repeat(260)}`;
    r.results = r.results.map((x) => (x.status === 'fail' ? { ...x, remediation: { summary: 'Do the thing.', cli: longCommand } } : x));
    const again = renderText(r);
    expect(again).not.toContain(longCommand.slice(0, 150));
    expect(again).toMatch(/fix: Do the thing\. \(command: cloud502 explain [0-9a-f]{8} --demo\)/);
  });

  it('lists every result in full with --verbose: message, why, evidence, fix, docs, passes', () => {
    const verbose = renderText(report(), { checks: lookup, verbose: true });
    expect(verbose).toMatch(/CRITICAL targets\/fake-pool-has-targets · tg-empty {2}fingerprint [0-9a-f]{32}/);
    expect(verbose).toContain('Why it causes 503: With no registered targets the load balancer answers every request with 503.');
    expect(verbose).toMatch(/field\s+targetGroup\.targets/);
    expect(verbose).toMatch(/observed\s+0/);
    expect(verbose).toMatch(/metric\s+lb\.http\.503 = 42 over 24h, busiest period 42 at 2026-11-20T12:00:00\.000Z \(AWS\/ApplicationELB HTTPCode_ELB_503_Count Sum\)/);
    expect(verbose).toContain('Fix: Register healthy targets in tg-empty.');
    expect(verbose).toMatch(/aws elbv2 register-targets --target-group-arn arn:aws:test:eu-west-1:123456789012:aws-target-group\/tg-empty --targets Id="\$\{TARGET_ID:\?/);
    expect(verbose).toContain('Docs: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/');
    expect(verbose).toMatch(/PASS\s+targets\/fake-pool-has-targets · tg-api — tg-api: Target groups in use have registered targets\./);
    expect(verbose).toMatch(/N\/A\s+health\/fake-health-check-known · tg-quiet — tg-quiet: health checks disabled/);
    expect(verbose).toMatch(/UNKNOWN\s+health\/fake-health-check-known · tg-empty/);
    expect(verbose).toContain('missing permission: acm:DescribeCertificate');
  });
});

describe('wrapCommand', () => {
  it('splits at spaces outside quotes, with continuations, and gives up on a word longer than a line', () => {
    expect(wrapCommand('aws a --b c', 100, 100)).toEqual(['aws a --b c']);
    expect(wrapCommand('aws elbv2 x --query "a b c d" --arn zzzz', 22, 30)).toEqual(['aws elbv2 x --query \\', '"a b c d" --arn zzzz']);
    expect(wrapCommand(`aws ${'y'.repeat(50)}`, 20, 20)).toBeUndefined();
    expect(wrapCommand("echo 'one two three' four", 12, 40)).toEqual(['echo \\', "'one two three' four"]);
  });

  it('keeps a placeholder and its message on one line', () => {
    const command = 'az x --servers ${ADDRS:?IP addresses or FQDNs, space-separated} --name n';
    const lines = wrapCommand(command, 40, 60)!;
    expect(lines).toEqual(['az x --servers \\', '${ADDRS:?IP addresses or FQDNs, space-separated} --name n']);
    const run = spawnSync('bash', ['-c', `printf '[%s]' ${lines.join('\n')}`.replace('az x --servers', '')], { encoding: 'utf8', env: { ADDRS: 'a b' } });
    expect(run.stdout).toBe('[a][b][--name][n]');
  });
});

describe('colors', () => {
  it('uses ANSI colors only when asked, and the same text without them', () => {
    const plain = renderText(report(), { checks: lookup, color: false });
    const colored = renderText(report(), { checks: lookup, color: true });
    expect(plain).not.toContain(ESC);
    expect(colored).toContain(`${ESC}1m${ESC}31mCRITICAL`);
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
    expect(parseReportJson(renderReport(r, 'json'))).toEqual(JSON.parse(JSON.stringify(expandPassed(r))));
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

describe('hostile text stays inert on a terminal', () => {
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

  it.each([false, true])('shows control characters as visible text and never sends them (color %s)', (color) => {
    const text = renderText(hostileReport(), { verbose: true, color, checks: () => ({ title: 't', rationale: `why-${HOSTILE}` }) });
    for (const field of ['snap', 'acct', 'api', 'msg', 'perm', 'impact', 'message', 'name', 'lb', 'observed', 'source', 'key', 'value', 'fix', 'cli', 'reason']) {
      expect(text, field).toContain(`${field}-${VISIBLE}`);
    }
    expect(text).toContain(`https://example.com/${VISIBLE}`);
    expect(text).not.toContain('\u0007');
    expect(text).not.toContain('\u001b[31mred');
    // eslint-disable-next-line no-control-regex
    const stray = color ? text.replace(/\u001b\[(?:0|1|2|3[1-6]|7)m/g, '') : text;
    // eslint-disable-next-line no-control-regex
    expect(stray.match(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g) ?? []).toEqual([]);
  });

  it.each([false, true])('never lets a line break forge a line, evidence keys and values included (verbose %s)', (verbose) => {
    const r = sampleReport();
    r.results = r.results.map((x) => ({
      ...x,
      message: 'ok\n0 critical, 0 high · all clear',
      resource: { ...x.resource, name: 'tg\n■ forged', ...(x.resource.loadBalancerId ? { loadBalancerName: 'lb\n✓ forged-lb — no cause found' } : {}) },
      evidence: { ...x.evidence, details: { 'key\nCRITICAL forged-key': 'value\nCRITICAL forged-value' } },
    }));
    const text = renderText(r, { verbose });
    expect(text).not.toMatch(/^0 critical, 0 high · all clear/m);
    expect(text).not.toMatch(/^\s*■ forged/m);
    expect(text).not.toMatch(/^\s*✓ forged-lb/m);
    expect(text).not.toMatch(/^\s*CRITICAL forged/m);
    expect(text).toContain('ok\\u{A}0 critical, 0 high · all clear');
    if (verbose) expect(text).toContain('key\\u{A}CRITICAL forged-key');
  });

  it('shows bidi overrides and other format characters as visible notation', () => {
    const r = sampleReport();
    r.results = r.results.map((x) => ({ ...x, message: 'tg-\u202Egnp.exe\u200B\u2066x\u2069', resource: { ...x.resource, name: 'n\u202Eame' } }));
    for (const verbose of [false, true]) {
      const text = renderText(r, { verbose });
      expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF]/);
      expect(text).toContain('tg-\\u{202E}gnp.exe\\u{200B}\\u{2066}x\\u{2069}');
    }
  });

  it('leaves the report it was given untouched', () => {
    const r = hostileReport();
    const before = JSON.stringify(r);
    renderText(r);
    renderText(r, { verbose: true });
    expect(JSON.stringify(r)).toBe(before);
  });
});
