/**
 * Inline SVG charts for the HTML report, one per finding: labelled axes with units, and the level the metric is
 * judged against (its threshold) drawn as a dashed line. With per-period points (`--include-series`) the chart is
 * the series over the window; otherwise it draws the summary the report carries (total / busiest period for counts,
 * peak / p99 for durations). Pure string builders; no external assets, no script, no style attributes (the report's
 * Content-Security-Policy only allows its own hashed style element), so presentation is by class.
 */
import type { MetricEvidence } from '../engine/result.js';
import { escapeHtml } from './escape.js';
import { describeMetric, formatCount, formatDuration } from './format.js';

export { describeMetric } from './format.js';

const WIDTH = 480;
const HEIGHT = 170;
const MARGIN = { left: 56, right: 16, top: 22, bottom: 34 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** A round axis maximum at or above `v` (1, 2, 2.5 or 5 times a power of ten). */
export function niceMax(v: number): number {
  if (!Number.isFinite(v) || v <= 0) return 1;
  const exp = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * exp) return m * exp;
  return 10 * exp;
}

function unitLabel(m: MetricEvidence, value: number): string {
  return m.unit === 'seconds' ? `${formatCount(value)} s` : formatCount(value);
}

function text(x: number, y: number, value: string, cls: string, anchor: 'start' | 'middle' | 'end' = 'start'): string {
  return `<text x="${round(x)}" y="${round(y)}" class="${cls}" text-anchor="${anchor}">${escapeHtml(value)}</text>`;
}

function frame(title: string, body: string): string {
  const label = escapeHtml(title);
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${label}">` +
    `<title>${label}</title>${body}</svg>`
  );
}

/** `11-19 14:05` (UTC) from an ISO timestamp. */
function shortTime(iso: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
  return m ? `${m[1]}-${m[2]} ${m[3]}:${m[4]}` : iso;
}

/** The y axis (value axis) with three ticks, its unit, and the threshold line. */
function valueAxisY(m: MetricEvidence, max: number): string {
  const parts: string[] = [];
  for (const f of [0, 0.5, 1]) {
    const y = MARGIN.top + PLOT_H * (1 - f);
    parts.push(`<line x1="${MARGIN.left - 4}" y1="${round(y)}" x2="${MARGIN.left + PLOT_W}" y2="${round(y)}" class="grid"/>`);
    parts.push(text(MARGIN.left - 6, y + 4, unitLabel(m, max * f), 'tick', 'end'));
  }
  parts.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + PLOT_H}" class="axis"/>`);
  parts.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top + PLOT_H}" x2="${MARGIN.left + PLOT_W}" y2="${MARGIN.top + PLOT_H}" class="axis"/>`);
  const period = m.periodSeconds ? ` per ${formatDuration(m.periodSeconds)}` : '';
  parts.push(text(4, 12, m.unit === 'seconds' ? 'seconds' : `count${m.aggregation === 'sum' ? period : ''}`, 'unit'));
  if (m.threshold && m.threshold.value <= max) {
    const y = MARGIN.top + PLOT_H * (1 - m.threshold.value / max);
    parts.push(`<line x1="${MARGIN.left}" y1="${round(y)}" x2="${MARGIN.left + PLOT_W}" y2="${round(y)}" class="threshold"/>`);
    parts.push(text(MARGIN.left + PLOT_W, Math.max(MARGIN.top - 4, y - 4), `threshold ${unitLabel(m, m.threshold.value)}: ${m.threshold.label}`, 'threshold-label', 'end'));
  }
  return parts.join('');
}

/** The series over the window: bars for counts, a line for durations, time on the x axis. */
function seriesChart(m: MetricEvidence, points: ReadonlyArray<readonly [string, number]>, title: string): string {
  const values = points.map(([, v]) => (Number.isFinite(v) ? Math.max(0, v) : 0));
  const max = niceMax(Math.max(...values, m.threshold?.value ?? 0));
  const x = (i: number): number => MARGIN.left + (values.length > 1 ? (i / (values.length - 1)) * PLOT_W : PLOT_W / 2);
  const y = (v: number): number => MARGIN.top + PLOT_H * (1 - v / max);
  let marks: string;
  if (m.unit === 'count') {
    const slot = PLOT_W / values.length;
    marks = values
      .map((v, i) => (v > 0 ? `<rect x="${round(MARGIN.left + i * slot)}" y="${round(y(v))}" width="${round(Math.max(1, slot - 0.5))}" height="${round(Math.max(1, MARGIN.top + PLOT_H - y(v)))}" class="bar"/>` : ''))
      .join('');
  } else {
    marks = `<polyline points="${values.map((v, i) => `${round(x(i))},${round(y(v))}`).join(' ')}" class="line"/>`;
  }
  const first = points[0]?.[0] ?? '';
  const last = points[points.length - 1]?.[0] ?? '';
  const axisX =
    text(MARGIN.left, HEIGHT - 16, shortTime(first), 'tick', 'start') +
    text(MARGIN.left + PLOT_W, HEIGHT - 16, shortTime(last), 'tick', 'end') +
    text(MARGIN.left + PLOT_W / 2, HEIGHT - 4, `time (UTC), ${formatDuration(m.windowSeconds)} window`, 'unit', 'middle');
  return frame(title, valueAxisY(m, max) + marks + axisX);
}

/** The summary as horizontal bars on a value axis, with the threshold as a vertical line. */
function summaryChart(m: MetricEvidence, title: string): string {
  if (m.datapoints === 0) {
    return frame(title, text(WIDTH / 2, HEIGHT / 2, `${m.name}: no data points in the window`, 'unit', 'middle'));
  }
  const rows: Array<[string, number]> =
    m.aggregation === 'sum'
      ? [['total', m.value], ...(m.peak !== undefined ? ([['busiest period', m.peak]] as Array<[string, number]>) : [])]
      : m.aggregation === 'min'
        ? [['lowest', m.value]]
        : [['peak', m.value], ...(m.p99 !== undefined ? ([['p99 of periods', m.p99]] as Array<[string, number]>) : [])];
  const max = niceMax(Math.max(...rows.map(([, v]) => v), m.threshold?.value ?? 0));
  const left = 104;
  const plotW = WIDTH - left - MARGIN.right;
  const barH = 22;
  const top = MARGIN.top + 6;
  const xOf = (v: number): number => left + (Math.max(0, v) / max) * plotW;
  const parts: string[] = [];
  rows.forEach(([label, v], i) => {
    const y = top + i * (barH + 12);
    parts.push(text(left - 6, y + barH / 2 + 4, label, 'tick', 'end'));
    parts.push(`<rect x="${left}" y="${y}" width="${round(Math.max(1, xOf(v) - left))}" height="${barH}" class="bar"/>`);
    parts.push(text(Math.min(xOf(v) + 4, WIDTH - MARGIN.right), y + barH / 2 + 4, unitLabel(m, v), 'value', xOf(v) + 60 > WIDTH ? 'end' : 'start'));
  });
  const axisY = top + rows.length * (barH + 12);
  parts.push(`<line x1="${left}" y1="${axisY}" x2="${left + plotW}" y2="${axisY}" class="axis"/>`);
  parts.push(`<line x1="${left}" y1="${top - 6}" x2="${left}" y2="${axisY}" class="axis"/>`);
  for (const f of [0, 0.5, 1]) parts.push(text(left + plotW * f, axisY + 14, unitLabel(m, max * f), 'tick', f === 0 ? 'start' : f === 1 ? 'end' : 'middle'));
  parts.push(text(left + plotW / 2, Math.min(HEIGHT - 4, axisY + 28), `${m.unit === 'seconds' ? 'seconds' : 'count'} over ${formatDuration(m.windowSeconds)}`, 'unit', 'middle'));
  if (m.threshold && m.threshold.value <= max) {
    const x = xOf(m.threshold.value);
    parts.push(`<line x1="${round(x)}" y1="${top - 8}" x2="${round(x)}" y2="${axisY}" class="threshold"/>`);
    parts.push(text(Math.max(left, Math.min(x, WIDTH - MARGIN.right)), 12, `threshold ${unitLabel(m, m.threshold.value)}: ${m.threshold.label}`, 'threshold-label', x > WIDTH / 2 ? 'end' : 'start'));
  }
  return frame(title, parts.join(''));
}

/**
 * The chart of one metric: its series when the report carries points, else its summary. The accessible name repeats
 * the reading in words (value, window, threshold).
 */
export function metricChartSvg(m: MetricEvidence, options: { title?: string } = {}): string {
  const threshold = m.threshold ? `; threshold ${unitLabel(m, m.threshold.value)} (${m.threshold.label})` : '';
  const title = `${options.title ?? describeMetric(m)}${threshold}`;
  const points = (m.points ?? []).filter(([, v]) => Number.isFinite(v));
  return points.length >= 2 ? seriesChart(m, points, title) : summaryChart(m, title);
}
