/**
 * Terminal styling and line fitting for the text report and `explain`: ANSI colors only when asked, and lines cut to
 * a width with `…` measured on the visible text (escape sequences do not count).
 */
import type { Severity, Status } from '../engine/result.js';
import type { ReportResult } from './types.js';
import { sanitizeTerminal } from './escape.js';

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  magenta: '\u001b[35m',
  cyan: '\u001b[36m',
  inverse: '\u001b[7m',
};

export type Paint = (s: string) => string;

export interface Style {
  bold: Paint;
  dim: Paint;
  severity(sev: Severity): Paint;
  status(status: Status): Paint;
  banner: Paint;
}

export function makeStyle(color: boolean): Style {
  const wrap =
    (...codes: string[]): Paint =>
    (s) =>
      color && s !== '' ? `${codes.join('')}${s}${ANSI.reset}` : s;
  const bySeverity: Record<Severity, Paint> = {
    critical: wrap(ANSI.bold, ANSI.red),
    high: wrap(ANSI.red),
    medium: wrap(ANSI.yellow),
    low: wrap(ANSI.cyan),
    info: wrap(ANSI.dim),
  };
  const byStatus: Partial<Record<Status, Paint>> = {
    pass: wrap(ANSI.green),
    unknown: wrap(ANSI.magenta),
    error: wrap(ANSI.bold, ANSI.magenta),
    suppressed: wrap(ANSI.dim),
    not_applicable: wrap(ANSI.dim),
  };
  return {
    bold: wrap(ANSI.bold),
    dim: wrap(ANSI.dim),
    severity: (sev) => bySeverity[sev],
    status: (status) => byStatus[status] ?? ((x: string) => x),
    banner: wrap(ANSI.bold, ANSI.inverse, ANSI.yellow),
  };
}

/** A piece of a line: plain text, or text with its paint. */
export type Part = string | readonly [text: string, paint: Paint];

/**
 * Joins parts into one line of at most `width` visible characters (code points): the part that crosses the width is
 * cut and ends with `…`, later parts are dropped. Paint is applied after cutting, so escapes never count or break.
 */
export function fitLine(parts: readonly Part[], width = Number.POSITIVE_INFINITY): string {
  let used = 0;
  let out = '';
  for (const part of parts) {
    const [text, paint] = typeof part === 'string' ? [part, undefined] : part;
    const chars = [...text];
    if (used + chars.length <= width) {
      out += paint ? paint(text) : text;
      used += chars.length;
      continue;
    }
    const room = Math.max(0, width - used - 1);
    const cut = `${chars.slice(0, room).join('').trimEnd()}…`;
    out += paint ? paint(cut) : cut;
    break;
  }
  return out;
}

/** Visible length of a plain line (code points). */
export function visibleLength(plain: string): number {
  return [...plain].length;
}

/**
 * Resource names, tags, messages and provider error texts are attacker-controlled, and a terminal acts on control
 * characters (ESC starts a sequence that can recolor, move the cursor or retitle the window; BEL rings) and renders
 * bidi overrides that reverse a line. Every string, keys included, has them made visible as `\u{…}`. A line break is
 * made visible too (unless `multiline`), so a value, evidence keys and values included, can never forge a line.
 */
export function sanitizeForTerminal<T>(value: T, multiline = false): T {
  if (typeof value === 'string') {
    const safe = sanitizeTerminal(value);
    return (multiline ? safe.replace(/\r\n?/g, '\n') : safe.replace(/\r?\n|\r/g, '\\u{A}')) as T;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => sanitizeForTerminal(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [sanitizeForTerminal(k), sanitizeForTerminal(v)])) as T;
  }
  return value;
}

/**
 * A result made safe to print. Only its fix commands keep their line breaks (a command may come with comment
 * lines); the renderer indents every continuation line of those, so even an interpolated name cannot start a line.
 */
export function safeResult(r: ReportResult): ReportResult {
  const { remediation, ...rest } = r;
  const safe = sanitizeForTerminal(rest);
  if (!remediation) return safe;
  const fix: NonNullable<ReportResult['remediation']> = { summary: sanitizeForTerminal(remediation.summary) };
  if (remediation.cli !== undefined) fix.cli = sanitizeForTerminal(remediation.cli, true);
  if (remediation.terraform !== undefined) fix.terraform = sanitizeForTerminal(remediation.terraform, true);
  if (remediation.console !== undefined) fix.console = sanitizeForTerminal(remediation.console, true);
  return { ...safe, remediation: fix };
}

/** The short fingerprint shown in lines and accepted by `explain`. */
export function shortFingerprint(fp: string): string {
  return fp.slice(0, 8);
}
