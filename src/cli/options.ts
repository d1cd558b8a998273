/**
 * Parsers for flag values. Each throws commander's InvalidArgumentError, which the CLI turns into one usage line
 * and exit code 2.
 */
import { InvalidArgumentError } from 'commander';

/** CloudWatch keeps 5-minute data points for 63 days; a longer window would silently return less data. */
export const MAX_METRICS_WINDOW_SECONDS = 63 * 86_400;
/** The smallest CloudWatch period cloud502 queries. */
export const MIN_METRICS_WINDOW_SECONDS = 60;

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `30m`, `6h`, `24h`, `7d`, `90s` or plain seconds. Returns seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+)([smhd])?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('Expected a duration like 30m, 6h, 24h, 7d or a number of seconds.');
  return Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1);
}

/** `--metrics-window`: a duration; 0 disables metric collection. */
export function parseMetricsWindow(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === 0) return 0;
  if (seconds < MIN_METRICS_WINDOW_SECONDS) throw new InvalidArgumentError('The window must be 0 (disabled) or at least 1m.');
  if (seconds > MAX_METRICS_WINDOW_SECONDS) throw new InvalidArgumentError('The window must be at most 63d (CloudWatch retention of 5-minute data).');
  return seconds;
}

export function parseConcurrency(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError('Expected a whole number from 1 to 256.');
  const n = Number(value);
  if (n < 1 || n > 256) throw new InvalidArgumentError('Expected a whole number from 1 to 256.');
  return n;
}

/** Repeatable and comma-separated: `--checks a,b --checks c` → [a, b, c]. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new InvalidArgumentError('Expected a comma-separated list.');
  return [...(previous ?? []), ...items];
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Repeatable and comma-separated regions, checked for shape so a typo fails before any API call. */
export function collectRegions(value: string, previous: string[] | undefined): string[] {
  const regions = collectList(value, undefined);
  for (const r of regions) {
    if (!REGION.test(r)) throw new InvalidArgumentError(`"${r}" is not a region name (e.g. eu-west-1).`);
  }
  return [...new Set([...(previous ?? []), ...regions])];
}

/** Throws a plain Error message (no commander prefix) so both the flag and AWS_ENDPOINT_URL can use it. */
export function checkEndpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${value}" is not an http(s) URL`);
  return value;
}

export function parseEndpointUrl(value: string): string {
  try {
    return checkEndpointUrl(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
}

/** `--probe-timeout`: 1 s to 5 min, returned in milliseconds. */
export function parseProbeTimeout(value: string): number {
  const seconds = parseDuration(value);
  if (seconds < 1 || seconds > 300) throw new InvalidArgumentError('Expected a duration from 1s to 5m.');
  return seconds * 1000;
}

/**
 * `--format`, repeatable and comma-separated (`--format json --format html`, `--format json,html`), each value one of
 * `allowed`; duplicates collapse. Commander's `.choices()` cannot validate a list, hence this parser.
 */
export function formatList<T extends string>(allowed: readonly T[]): (value: string, previous: T[] | undefined) => T[] {
  return (value, previous) => {
    const out = [...(previous ?? [])];
    for (const item of collectList(value, undefined)) {
      if (!(allowed as readonly string[]).includes(item)) {
        // Commander already quotes the whole value; name the bad item only when it is one of several.
        const which = item === value.trim() ? '' : `"${item}" is not a format. `;
        throw new InvalidArgumentError(`${which}Allowed choices are ${allowed.join(', ')}.`);
      }
      if (!out.includes(item as T)) out.push(item as T);
    }
    return out;
  };
}
