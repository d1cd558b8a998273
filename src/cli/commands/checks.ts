import { defaultRegistry } from '../../audit.js';
import type { AnyCheck } from '../../engine/index.js';
import { kindFacts, LOAD_BALANCER_KINDS } from '../../model/index.js';
import { escapeMarkdown, markdownCode } from '../../report/escape.js';
import type { CatalogFormat, CliContext, ChecksFlags } from '../context.js';

/** The catalog entry as `cloud502 checks --format json` prints it. */
export interface CatalogEntry {
  id: string;
  title: string;
  family: AnyCheck['family'];
  severity: AnyCheck['severity'];
  causes: number[];
  kinds: AnyCheck['kinds'];
  rationale: string;
  docs: string[];
  thresholds: AnyCheck['thresholds'];
}

export function catalogEntry(c: AnyCheck): CatalogEntry {
  return {
    id: c.id,
    title: c.title,
    family: c.family,
    severity: c.severity,
    causes: c.causes,
    kinds: c.kinds,
    rationale: c.rationale,
    docs: c.docs,
    thresholds: c.thresholds,
  };
}

export function renderCatalogText(checks: readonly AnyCheck[]): string {
  if (checks.length === 0) return 'No checks are registered.\n';
  const rows = checks.map((c) => [c.id, c.family, c.severity, c.causes.join('/'), c.title]);
  const header = ['ID', 'FAMILY', 'SEVERITY', 'CAUSES', 'TITLE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n\n${checks.length} check${checks.length === 1 ? '' : 's'}\n`;
}

/**
 * The check table of README.md (between `<!-- checks:begin -->` and `<!-- checks:end -->`), one row per check in
 * catalog order. Titles are escaped so a `|` or `*` cannot break the table.
 */
export function renderCatalogMarkdown(checks: readonly AnyCheck[]): string {
  const rows = checks.map(
    (c) => `| ${markdownCode(c.id, { table: true })} | ${c.family} | ${c.severity} | ${c.causes.join(', ')} | ${kindsCell(c)} | ${escapeMarkdown(c.title)} |`,
  );
  return `${['| id | family | severity | causes | load balancers | title |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n')}\n`;
}

/** `every kind`, or the labels of the kinds a check claims. */
function kindsCell(c: AnyCheck): string {
  if (c.kinds.length === Object.keys(LOAD_BALANCER_KINDS).length) return 'all';
  return c.kinds.map((k) => escapeMarkdown(kindFacts(k).label)).join(', ');
}

function renderCatalog(checks: readonly AnyCheck[], format: CatalogFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(checks.map(catalogEntry), null, 2)}\n`;
    case 'markdown':
      return renderCatalogMarkdown(checks);
    case 'text':
      return renderCatalogText(checks);
  }
}

export async function checksCommand(flags: ChecksFlags, ctx: CliContext): Promise<number> {
  const registry = ctx.deps.registry ?? (await defaultRegistry());
  ctx.io.stdout.write(renderCatalog(registry.all(), flags.format));
  return 0;
}
