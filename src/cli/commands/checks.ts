import { defaultRegistry } from '../../audit.js';
import type { AnyCheck } from '../../engine/index.js';
import type { CliContext, ChecksFlags } from '../context.js';

/** The catalog entry as `cloud502 checks --format json` prints it. */
export interface CatalogEntry {
  id: string;
  title: string;
  family: AnyCheck['family'];
  severity: AnyCheck['severity'];
  causes: number[];
  providers: AnyCheck['providers'];
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
    providers: c.providers,
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

export async function checksCommand(flags: ChecksFlags, ctx: CliContext): Promise<number> {
  const registry = ctx.deps.registry ?? (await defaultRegistry());
  const checks = registry.all();
  ctx.io.stdout.write(flags.format === 'json' ? `${JSON.stringify(checks.map(catalogEntry), null, 2)}\n` : renderCatalogText(checks));
  return 0;
}
