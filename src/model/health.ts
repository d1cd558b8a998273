/**
 * Pure helpers for health-check values shared by normalizers and checks.
 */
import type { Sourced, StatusRange } from './inventory.js';

/** A number the provider's API returned, as a sourced value; undefined stays undefined (not collected). */
export function fromApi(value: number | undefined, detail?: string): Sourced<number> | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return detail ? { value, source: 'api', detail } : { value, source: 'api' };
}

/**
 * Parses success codes as providers write them — `200`, `200-399`, `200,302`, `200-299,301` (ELBv2, Azure
 * `match.statusCodes` items) — into inclusive ranges. Returns undefined when any part is not a status code or range,
 * so that a check answers `unknown` instead of judging a misread matcher.
 */
export function parseStatusRanges(matcher: string | readonly string[] | undefined): StatusRange[] | undefined {
  if (matcher === undefined) return undefined;
  const parts = (typeof matcher === 'string' ? matcher.split(',') : matcher.flatMap((m) => m.split(','))).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  const out: StatusRange[] = [];
  for (const part of parts) {
    const m = /^(\d{3})(?:\s*-\s*(\d{3}))?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = Number(m[2] ?? m[1]);
    if (to < from) return undefined;
    out.push({ from, to });
  }
  return out;
}

/** True when the status is inside one of the ranges. */
export function statusAccepted(ranges: readonly StatusRange[], status: number): boolean {
  return ranges.some((r) => status >= r.from && status <= r.to);
}

/** `200-399, 401` */
export function formatStatusRanges(ranges: readonly StatusRange[]): string {
  return ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(', ');
}
