/**
 * Values shared by the CLI flags and the Lambda's environment config. Plain errors with a one-sentence message:
 * each caller says where the value came from (a flag, an environment variable).
 */
import { redactUrlCredentials } from '../redact.js';

/** CloudWatch keeps 5-minute data points for 63 days; a longer window would silently return less data. */
export const MAX_METRICS_WINDOW_SECONDS = 63 * 86_400;
/** The smallest CloudWatch period cloud502 queries. */
export const MIN_METRICS_WINDOW_SECONDS = 60;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `30m`, `6h`, `24h`, `7d`, `90s` or plain seconds. Returns seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)([smhd])?$/.exec(value.trim());
  if (!m) throw new Error('Expected a duration like 30m, 6h, 24h, 7d or a number of seconds.');
  return Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
}

/** A metrics window: a duration; 0 disables metric collection. */
export function parseMetricsWindow(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === 0) return 0;
  if (seconds < MIN_METRICS_WINDOW_SECONDS) throw new Error('The window must be 0 (disabled) or at least 1m.');
  if (seconds > MAX_METRICS_WINDOW_SECONDS) throw new Error('The window must be at most 63d (CloudWatch retention of 5-minute data).');
  return seconds;
}

/** An http(s) endpoint URL, returned unchanged. Errors never repeat credentials it carries. */
export function checkEndpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${redactUrlCredentials(value)}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${redactUrlCredentials(value)}" is not an http(s) URL`);
  return value;
}
