/**
 * The baseline: findings a team has accepted, each with a reason and usually an expiry date, kept in `.cloud502.yml`
 * under `baseline:`. An accepted failure becomes `suppressed`; once its acceptance expires it fails again and says so.
 *
 * Matching: an entry with a `fingerprint` matches exactly that finding (its `check` and `resource` are then only labels
 * for the reader). Otherwise `check` (an id, a family or a glob) and `resource` (a glob over the resource id or name)
 * must both match where given. Globs: `*` any run of characters (including `/` and `:`, so it spans ARN parts), `?`
 * one character, `\` makes the next character literal.
 *
 * Expiry: `expires: YYYY-MM-DD` accepts the finding through the END of that day in UTC, so an entry that expires today
 * still applies today and fails from tomorrow 00:00 UTC on. A full RFC 3339 date-time expires at that instant.
 */
import { everyResult } from '../report/passes.js';
import { Document, isScalar, visit } from 'yaml';
import { ConfigError } from '../errors.js';
import type { Report } from '../report/types.js';
import type { BaselineEntry } from './config.js';
import type { CheckResult, Suppression } from './result.js';
import { FAMILIES } from './result.js';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const FINGERPRINT = /^[0-9a-f]{32}$/;
const ENTRY_KEYS = ['fingerprint', 'check', 'resource', 'reason', 'expires'] as const;

/**
 * The first instant at which an entry no longer applies, or undefined when `expires` is not a valid date: the start of
 * the next UTC day for `YYYY-MM-DD`, the instant itself for a date-time.
 */
export function baselineExpiry(expires: string): Date | undefined {
  const m = DATE_ONLY.exec(expires.slice(0, 10));
  // Date.UTC and Date.parse both roll 2026-02-30 over to March 2; a real calendar date survives the round trip.
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  if (expires.length === 10) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
  if (DATE_TIME.test(expires)) {
    const t = Date.parse(expires);
    return Number.isNaN(t) ? undefined : new Date(t);
  }
  return undefined;
}

function isCalendarDate(y: number, mo: number, d: number): boolean {
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

/** True when the entry has no expiry or `now` is before the end of its expiry date. */
export function isBaselineEntryActive(entry: BaselineEntry, now: Date): boolean {
  if (entry.expires === undefined) return true;
  const end = baselineExpiry(entry.expires);
  // An unparseable date never silently accepts forever; validateBaselineEntries rejects it earlier.
  return end !== undefined && now.getTime() < end.getTime();
}

/** Compiles a baseline glob (`*`, `?`, `\` escapes) to an anchored, case-sensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '\\' && i + 1 < glob.length) source += escapeRegExp(glob[++i] ?? '');
    else if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 'u');
}

/** Escapes `*`, `?` and `\` so a literal resource name can be written where a glob is expected. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[\\*?]/g, '\\$&');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function checkMatches(pattern: string, result: CheckResult): boolean {
  return pattern === result.checkId || pattern === result.family || globToRegExp(pattern).test(result.checkId);
}

/** How an entry matches a result: by its fingerprint, by its check/resource patterns, or not at all. */
export function matchBaselineEntry(entry: BaselineEntry, result: CheckResult): Suppression['by'] | undefined {
  if (entry.fingerprint !== undefined) return entry.fingerprint === result.fingerprint ? 'fingerprint' : undefined;
  if (entry.check === undefined && entry.resource === undefined) return undefined;
  if (entry.check !== undefined && !checkMatches(entry.check, result)) return undefined;
  if (entry.resource !== undefined) {
    const re = globToRegExp(entry.resource);
    if (!re.test(result.resource.id) && !re.test(result.resource.name)) return undefined;
  }
  return 'pattern';
}

/**
 * Applies the baseline to fresh results. A `fail` matched by an active entry becomes `suppressed` with the entry's
 * reason; a `fail` matched only by expired entries stays failing, its message says the acceptance expired and
 * `evidence.details.baselineExpired` records which. Other statuses are left alone. Inputs are not mutated; the caller
 * recomputes the report summary.
 */
export function applyBaseline(results: CheckResult[], entries: BaselineEntry[], now: Date): CheckResult[] {
  return results.map((result) => {
    if (result.status !== 'fail') return result;
    let expired: BaselineEntry | undefined;
    for (const entry of entries) {
      const by = matchBaselineEntry(entry, result);
      if (by === undefined) continue;
      if (isBaselineEntryActive(entry, now)) {
        const suppression: Suppression = { reason: entry.reason, by };
        if (entry.expires !== undefined) suppression.expires = entry.expires;
        return { ...result, status: 'suppressed', suppression };
      }
      expired ??= entry;
    }
    if (!expired?.expires) return result;
    const day = expired.expires.slice(0, 10);
    return {
      ...result,
      message: `${result.message} (baseline acceptance expired on ${day}: ${expired.reason})`,
      evidence: {
        ...result.evidence,
        details: { ...result.evidence.details, baselineExpired: { expires: expired.expires, reason: expired.reason } },
      },
    };
  });
}

export interface CreateBaselineOptions {
  /** Why these findings are accepted; written into every new entry. */
  reason: string;
  /** `YYYY-MM-DD` (accepted through the end of that UTC day) or an RFC 3339 date-time. */
  expires?: string;
}

/**
 * A baseline accepting every failing finding of a report, by fingerprint. Findings the report shows as already accepted
 * keep their own reason and expiry, so regenerating a baseline never drops an earlier acceptance. Each entry also names
 * its check and resource (glob-escaped) so a reader knows what it accepts.
 */
export function createBaseline(report: Report, options: CreateBaselineOptions): { baseline: BaselineEntry[] } {
  if (typeof options.reason !== 'string' || options.reason.trim() === '') {
    throw new ConfigError('baseline: a reason is required (say why these findings are accepted)');
  }
  if (options.expires !== undefined && baselineExpiry(options.expires) === undefined) {
    throw new ConfigError(`baseline: expires "${options.expires}" is not a date (use YYYY-MM-DD)`);
  }
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const r of everyResult(report)) {
    if (byFingerprint.has(r.fingerprint)) continue;
    let reason: string;
    let expires: string | undefined;
    if (r.status === 'fail') {
      reason = options.reason.trim();
      expires = options.expires;
    } else if (r.status === 'suppressed' && r.suppression) {
      reason = r.suppression.reason;
      expires = r.suppression.expires;
    } else {
      continue;
    }
    const entry: BaselineEntry = { fingerprint: r.fingerprint, check: r.checkId, resource: escapeGlob(r.resource.name), reason };
    if (expires !== undefined) entry.expires = expires;
    byFingerprint.set(r.fingerprint, entry);
  }
  const baseline = [...byFingerprint.values()].sort(
    (a, b) =>
      (a.check ?? '').localeCompare(b.check ?? '') ||
      (a.resource ?? '').localeCompare(b.resource ?? '') ||
      (a.fingerprint ?? '').localeCompare(b.fingerprint ?? ''),
  );
  return { baseline };
}

/** Serializes entries as the `baseline:` section of `.cloud502.yml`. */
export function serializeBaseline(entries: readonly BaselineEntry[]): string {
  const ordered = entries.map((e) => {
    const out: Record<string, string> = {};
    for (const key of ENTRY_KEYS) {
      const v = e[key];
      if (v !== undefined) out[key] = v;
    }
    return out;
  });
  const doc = new Document({ baseline: ordered });
  // Quoted, so YAML 1.1 readers do not turn dates into timestamps or an all-digit fingerprint into a number.
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && (pair.key.value === 'expires' || pair.key.value === 'fingerprint') && isScalar(pair.value)) {
        pair.value.type = 'QUOTE_DOUBLE';
      }
    },
  });
  doc.commentBefore =
    ' cloud502 baseline: accepted findings. An entry with a fingerprint matches exactly that finding;\n' +
    ' "expires: YYYY-MM-DD" accepts it through the end of that day (UTC), after which it fails again.';
  return doc.toString({ lineWidth: 0 });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Validates a parsed `baseline:` list. Throws a ConfigError with one line naming the entry and the problem: a missing
 * reason, an invalid date, a malformed fingerprint, an unknown key (a typo such as `expiry:` would otherwise accept a
 * finding forever) or an entry that matches nothing.
 */
export function validateBaselineEntries(value: unknown): BaselineEntry[] {
  if (!Array.isArray(value)) throw new ConfigError(`baseline: must be a list of entries, got ${describe(value)}`);
  return value.map((raw, i) => {
    const at = `baseline[${i}]`;
    const fail = (key: string, problem: string): never => {
      throw new ConfigError(`${at}${key ? `.${key}` : ''}: ${problem}`);
    };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('', `must be a mapping, got ${describe(raw)}`);
    const obj = raw as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!(ENTRY_KEYS as readonly string[]).includes(key)) fail(key, `unknown key (allowed: ${ENTRY_KEYS.join(', ')})`);
    }
    const text = (key: (typeof ENTRY_KEYS)[number]): string | undefined => {
      const v = obj[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string' || v.trim() === '') return fail(key, `must be a non-empty string, got ${describe(v)}`);
      return v;
    };
    const reason = text('reason');
    if (reason === undefined) return fail('reason', 'is required: say why the finding is accepted');
    const entry: BaselineEntry = { reason };
    const fingerprint = text('fingerprint');
    if (fingerprint !== undefined) {
      if (!FINGERPRINT.test(fingerprint)) fail('fingerprint', `"${fingerprint}" is not 32 lowercase hex characters (copy it from a JSON report)`);
      entry.fingerprint = fingerprint;
    }
    const check = text('check');
    if (check !== undefined) entry.check = check;
    const resource = text('resource');
    if (resource !== undefined) entry.resource = resource;
    const expires = text('expires');
    if (expires !== undefined) {
      if (baselineExpiry(expires) === undefined) fail('expires', `"${expires}" is not a date (use YYYY-MM-DD)`);
      entry.expires = expires;
    }
    if (entry.fingerprint === undefined && entry.check === undefined && entry.resource === undefined) {
      fail('', 'matches nothing: give a fingerprint, or a check and/or resource pattern');
    }
    if (check !== undefined && !check.includes('*') && !check.includes('?') && !check.includes('/') && !(FAMILIES as readonly string[]).includes(check)) {
      fail('check', `"${check}" is neither a check id (family/name), a family nor a glob`);
    }
    return entry;
  });
}
