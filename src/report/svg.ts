/**
 * Small inline SVG charts for metric evidence in the HTML report: a bar chart for counts (5xx, errors) and a
 * sparkline for durations (latency). Pure string builders; no external assets, no script, no style attributes (the
 * report's Content-Security-Policy only allows its own hashed style element).
 */
import type { MetricEvidence } from '../engine/result.js';
import { escapeHtml } from './escape.js';
import { formatDuration } from './text.js';

export interface ChartOptions {
  widthPx?: number;
  heightPx?: number;
  /** Accessible name and tooltip; escaped here. */
  title: string;
}

interface Plot {
  values: number[];
  max: number;
  width: number;
  height: number;
}

const PAD_PX = 2;

function plot(points: ReadonlyArray<readonly [string, number]>, options: ChartOptions): Plot | undefined {
  const values = points.map(([, v]) => v).filter((v) => Number.isFinite(v));
  if (values.length === 0) return undefined;
  // Counts and durations are never negative; clamping keeps one bad point from flipping the whole chart.
  const clamped = values.map((v) => Math.max(0, v));
  return { values: clamped, max: Math.max(...clamped), width: options.widthPx ?? 160, height: options.heightPx ?? 32 };
}

function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function frame(p: Plot, title: string, cls: string, body: string): string {
  const label = escapeHtml(title);
  return (
    `<svg class="chart ${cls}" width="${p.width}" height="${p.height}" viewBox="0 0 ${p.width} ${p.height}" role="img" aria-label="${label}">` +
    `<title>${label}</title>${body}</svg>`
  );
}

/** y coordinate of a value: 0 sits on the bottom edge, the maximum on the top edge. */
function yOf(p: Plot, v: number): number {
  const usable = p.height - 2 * PAD_PX;
  return p.height - PAD_PX - (p.max > 0 ? (v / p.max) * usable : 0);
}

/** A bar per point; an all-zero series draws a flat baseline so "no errors" still reads as data. */
export function barChartSvg(points: ReadonlyArray<readonly [string, number]>, options: ChartOptions): string {
  const p = plot(points, options);
  if (!p) return '';
  const slot = p.width / p.values.length;
  const barWidth = Math.max(1, slot - 1);
  const bars = p.values
    .map((v, i) => {
      const y = yOf(p, v);
      const h = Math.max(v > 0 ? 1 : 0, p.height - PAD_PX - y);
      return `<rect x="${round(i * slot)}" y="${round(p.height - PAD_PX - h)}" width="${round(barWidth)}" height="${round(h)}"/>`;
    })
    .join('');
  const baseline = `<line x1="0" y1="${p.height - PAD_PX}" x2="${p.width}" y2="${p.height - PAD_PX}" class="axis"/>`;
  return frame(p, options.title, 'bars', baseline + bars);
}

/** A polyline through the points with a dot on the peak. */
export function sparklineSvg(points: ReadonlyArray<readonly [string, number]>, options: ChartOptions): string {
  const p = plot(points, options);
  if (!p) return '';
  const step = p.values.length > 1 ? (p.width - 2 * PAD_PX) / (p.values.length - 1) : 0;
  const xOf = (i: number): number => (p.values.length > 1 ? PAD_PX + i * step : p.width / 2);
  const coords = p.values.map((v, i) => `${round(xOf(i))},${round(yOf(p, v))}`).join(' ');
  const peak = p.values.indexOf(p.max);
  const dot = `<circle cx="${round(xOf(peak))}" cy="${round(yOf(p, p.max))}" r="2"/>`;
  return frame(p, options.title, 'line', `<polyline points="${coords}"/>${dot}`);
}

/** Describes a metric in one line: the value over its window and, when points exist, the peak and when it was. */
export function describeMetric(m: MetricEvidence): string {
  const unit = m.unit === 'seconds' ? ' s' : '';
  let text = `${m.name} (${m.providerName}, ${m.statistic}): ${round(m.value)}${unit} over ${formatDuration(m.windowSeconds)}`;
  const finite = (m.points ?? []).filter(([, v]) => Number.isFinite(v));
  if (finite.length > 0) {
    const peak = finite.reduce((a, b) => (b[1] > a[1] ? b : a));
    text += `; peak ${round(peak[1])}${unit} at ${peak[0]}`;
  }
  return text;
}

/** The chart that suits the metric (bars for counts, a line for durations), or '' when it has no points. */
export function metricChartSvg(m: MetricEvidence, options: Partial<ChartOptions> = {}): string {
  const points = m.points ?? [];
  const opts: ChartOptions = { ...options, title: options.title ?? describeMetric(m) };
  return m.unit === 'count' ? barChartSvg(points, opts) : sparklineSvg(points, opts);
}
