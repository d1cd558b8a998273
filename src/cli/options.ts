/**
 * Parsers for flag values. Each throws commander's InvalidArgumentError, which the CLI turns into one usage line
 * and exit code 2.
 */
import { InvalidArgumentError } from 'commander';
import {
  checkEndpointUrl,
  MAX_METRICS_WINDOW_SECONDS,
  MIN_METRICS_WINDOW_SECONDS,
  parseDuration as parseDurationValue,
  parseMetricsWindow as parseMetricsWindowValue,
} from '../config/values.js';

/** Turns a plain parse error into commander's, which the CLI prints as one usage line (exit 2). */
function asFlag<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

export { MAX_METRICS_WINDOW_SECONDS, MIN_METRICS_WINDOW_SECONDS, checkEndpointUrl };
export const parseDuration = asFlag(parseDurationValue);
/** `--metrics-window`: a duration; 0 disables metric collection. */
export const parseMetricsWindow = asFlag(parseMetricsWindowValue);

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

export function parseEndpointUrl(value: string): string {
  try {
    return checkEndpointUrl(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
}

/** The default audit deadline (`--timeout`): long enough for thousands of load balancers at AWS's documented rates. */
export const DEFAULT_TIMEOUT_SECONDS = 15 * 60;
export const MAX_TIMEOUT_SECONDS = 24 * 3600;

/** `--timeout`: 1 s to 24 h, returned in seconds. */
export function parseTimeout(value: string): number {
  const seconds = parseDuration(value);
  if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) throw new InvalidArgumentError('Expected a duration from 1s to 24h.');
  return seconds;
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
