/**
 * The HTML report in a real browser (Chromium through playwright-core, no browser download): findings show, the
 * filters work with the page's CSP in force, hostile names stay text, and the page makes no request of its own.
 *
 * Needs /usr/bin/chromium (Debian package `chromium`; .ci/run installs it) or CLOUD502_CHROMIUM. Without it this file
 * FAILS, never skips: a silently skipped browser test would hide a broken report.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { severityRank, type Severity } from '../../src/engine/result.js';
import type { Report } from '../../src/report/types.js';
import { runCli } from '../cli/support/run-cli.js';
import { sampleReport } from '../fixtures/report/sample.js';

const CHROMIUM = process.env.CLOUD502_CHROMIUM ?? '/usr/bin/chromium';
// The machines have no route to the internet: without these Chromium keeps trying Google hosts (updates, sync, QUIC).
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const HOSTILE = '<img src=x onerror=alert(1)>';

interface Watched {
  page: Page;
  url: string;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

let dir: string;
let context: BrowserContext;

async function open(file: string): Promise<Watched> {
  const url = pathToFileURL(file).href;
  const page = await context.newPage();
  // A control that never becomes usable (script blocked) should fail in seconds, not at the test timeout.
  page.setDefaultTimeout(5000);
  const watched: Watched = { page, url, requests: [], dialogs: [], errors: [] };
  page.on('request', (r) => watched.requests.push(r.url()));
  page.on('dialog', (d) => {
    watched.dialogs.push(d.message());
    void d.dismiss();
  });
  // CSP violations and script errors are reported on the console / as page errors.
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') watched.errors.push(m.text());
  });
  page.on('pageerror', (e) => watched.errors.push(e.message));
  await page.goto(url, { waitUntil: 'load' });
  return watched;
}

/** Findings the page shows right now: data-status and data-severity of every visible `.finding`. */
function visibleFindings(page: Page): Promise<Array<{ status: string; severity: string }>> {
  return page.$$eval('.finding', (els) =>
    els.filter((e) => e.checkVisibility()).map((e) => ({ status: e.getAttribute('data-status') ?? '', severity: e.getAttribute('data-severity') ?? '' })),
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the HTML browser test needs it (apt-get install chromium, as .ci/run does, or set CLOUD502_CHROMIUM)`);
  }
  dir = await mkdtemp(join(tmpdir(), 'cloud502-browser-'));
  // A fresh profile per run: launchPersistentContext is how Playwright takes an explicit --user-data-dir.
  context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await context?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Checks a PNG file: signature, header chunk and non-zero size. */
async function expectPng(path: string, width: number): Promise<void> {
  const png = await readFile(path);
  expect((await stat(path)).size).toBeGreaterThan(1000);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  expect(png.readUInt32BE(16)).toBe(width);
  expect(png.readUInt32BE(20)).toBeGreaterThan(0);
}

/** Where an element is in the first screen: its top and bottom edges in CSS pixels, undefined when not rendered. */
async function box(page: Page, selector: string): Promise<{ top: number; bottom: number; right: number } | undefined> {
  return page.$eval(selector, (e) => {
    const r = e.getBoundingClientRect();
    return r.width === 0 && r.height === 0 ? undefined : { top: r.top, bottom: r.bottom, right: r.right };
  });
}

const VIEWPORTS = [
  { name: 'desktop', width: 1366, height: 900 },
  { name: 'phone', width: 390, height: 844 },
] as const;

describe('the sample report (hostile names) rendered by "cloud502 report"', () => {
  const report = sampleReport();
  let w: Watched;

  beforeAll(async () => {
    const json = join(dir, 'sample.json');
    await writeFile(json, JSON.stringify(report));
    const html = join(dir, 'sample.html');
    const run = await runCli(['report', json, '--format', 'html', '--output', html, '--quiet']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    w = await open(html);
  });

  it('has one element per result; the failures are in sight, the rest folded away', async () => {
    expect(await w.page.locator('.finding').count()).toBe(report.results.length);
    expect(await w.page.locator('.finding[data-status="fail"]').count()).toBe(report.summary.byStatus.fail);
    const visible = await visibleFindings(w.page);
    expect(visible.filter((f) => f.status === 'fail')).toHaveLength(report.summary.byStatus.fail);
    expect(visible.filter((f) => f.status === 'pass')).toHaveLength(0);
  });

  it('runs its script under its own CSP: the filter form appears and nothing is blocked', async () => {
    expect(await w.page.locator('#filters').isVisible()).toBe(true);
    expect(await w.page.locator('#filter-count').textContent()).toBe(`${report.results.length} shown`);
    expect(w.errors).toEqual([]);
  });

  it('filters by severity (at least) and status, opening what was folded', async () => {
    const count = (pred: (r: Report['results'][number]) => boolean) => report.results.filter(pred).length;
    const atLeast = (sev: Severity) => (r: Report['results'][number]) => severityRank(r.severity) <= severityRank(sev);

    await w.page.selectOption('select[name="severity"]', 'critical');
    let shown = await visibleFindings(w.page);
    expect(shown.length).toBe(count(atLeast('critical')));
    expect(new Set(shown.map((f) => f.severity))).toEqual(new Set(['critical']));

    await w.page.selectOption('select[name="status"]', 'fail');
    shown = await visibleFindings(w.page);
    expect(shown).toEqual([{ status: 'fail', severity: 'critical' }]);

    await w.page.selectOption('select[name="severity"]', '');
    await w.page.selectOption('select[name="status"]', 'pass');
    shown = await visibleFindings(w.page);
    expect(shown).toHaveLength(report.summary.byStatus.pass);
    expect(await w.page.locator('#filter-count').textContent()).toBe(`${shown.length} shown`);

    await w.page.selectOption('select[name="status"]', '');
  });

  it(`renders the load balancer named ${HOSTILE} as text: no element, no script, no dialog`, async () => {
    expect(await w.page.locator('body').innerText()).toContain(HOSTILE);
    expect(await w.page.locator('img').count()).toBe(0);
    expect(await w.page.locator('[onerror]').count()).toBe(0);
    expect(w.dialogs).toEqual([]);
  });

  it('makes no request except for the file itself', () => {
    expect(w.requests).toEqual([w.url]);
  });
});

describe('the demo audit rendered by "cloud502 audit --demo --format json,html"', () => {
  let report: Report;
  let file: string;
  let w: Watched;

  beforeAll(async () => {
    const out = join(dir, 'demo');
    const run = await runCli(['audit', '--demo', '--format', 'json,html', '--output-dir', out, '--quiet']);
    expect(run.stderr).toBe('');
    report = JSON.parse(await readFile(join(out, 'cloud502-report.json'), 'utf8')) as Report;
    file = join(out, 'cloud502-report.html');
    w = await open(file);
  });

  it('shows every failure of the audit, with the demo banner, and counts that match the page', async () => {
    expect(report.summary.byStatus.fail).toBeGreaterThan(0);
    expect(await w.page.locator('.finding[data-status="fail"]').count()).toBe(report.summary.byStatus.fail);
    const causes = report.diagnosis!.reduce((a, d) => a + d.causes.length, 0);
    expect(await w.page.locator('.finding.cause').count()).toBe(causes);
    expect(await w.page.locator('.verdict .counts').innerText()).toContain(`${causes} causes`);
    expect(await w.page.locator('.verdict .counts').innerText()).toContain(`behind ${report.summary.byStatus.fail} failing checks`);
    expect(await w.page.locator('.banner').innerText()).toContain('Demo data');
  });

  it('narrows to one load balancer and back', async () => {
    const options = await w.page.$$eval('select[name="lb"] option', (els) => els.map((e) => e.getAttribute('value') ?? '').filter((v) => v !== ''));
    expect(options.length).toBe(await w.page.locator('section.card').count());
    await w.page.selectOption('select[name="lb"]', options[0]!);
    const cards = await w.page.$$eval('section.card', (els) => els.filter((e) => e.checkVisibility()).map((e) => e.id));
    expect(cards).toEqual([options[0]]);
    await w.page.selectOption('select[name="lb"]', '');
    expect(await w.page.locator('section.card:visible').count()).toBe(options.length);
  });

  it('draws one chart per finding at most, never the same chart twice', async () => {
    const titles = await w.page.$$eval('figure.chart-box svg title', (els) => els.map((e) => e.textContent ?? ''));
    expect(titles.length).toBeGreaterThan(0);
    expect(new Set(titles).size).toBe(titles.length);
    const perFinding = await w.page.$$eval('.finding', (els) => els.map((e) => e.querySelectorAll('svg.chart').length));
    expect(Math.max(...perFinding)).toBeLessThanOrEqual(1);
  });

  it.each(VIEWPORTS)('at $name width ($width px): the diagnosis is above the fold, nothing overflows sideways', async ({ name, width, height }) => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const verdict = await box(page, '.verdict');
    const firstCard = await box(page, 'section.card h2');
    const firstCause = await box(page, '.finding.cause .message');
    expect(verdict && verdict.bottom <= height, 'verdict in the first screen').toBe(true);
    expect(firstCard && firstCard.bottom <= height, 'first load balancer in the first screen').toBe(true);
    expect(firstCause && firstCause.top < height, 'first cause starts in the first screen').toBe(true);
    // Runs in the page; typed by hand because the project compiles without the DOM library.
    const [scrollWidth, innerWidth] = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
      return [g.document.documentElement.scrollWidth, g.innerWidth];
    });
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const chart = await box(page, 'figure.chart-box svg');
    expect(chart && chart.right <= width, 'the first chart fits the screen').toBe(true);
    const path = join(process.env.CLOUD502_SCREENSHOTS ?? dir, `demo-${name}.png`);
    await page.screenshot({ path });
    await expectPng(path, width);
    await page.close();
  });

  it('makes no request and reports no error', () => {
    expect(w.requests).toEqual([w.url]);
    expect(w.errors).toEqual([]);
    expect(w.dialogs).toEqual([]);
  });
});
