import type { AnyCheck } from './check.js';

const ID_PATTERN = /^(health|targets|network|tls|timeouts|evidence)\/[a-z0-9]+(-[a-z0-9]+)*$/;

/** An ordered, validated set of checks. */
export class CheckRegistry {
  readonly #checks = new Map<string, AnyCheck>();

  constructor(checks: Iterable<AnyCheck> = []) {
    for (const c of checks) this.add(c);
  }

  add(check: AnyCheck): void {
    if (!ID_PATTERN.test(check.id)) throw new Error(`check id "${check.id}" is not family/kebab-case`);
    if (!check.id.startsWith(`${check.family}/`)) throw new Error(`check id "${check.id}" does not start with its family "${check.family}"`);
    if (this.#checks.has(check.id)) throw new Error(`duplicate check id "${check.id}"`);
    this.#checks.set(check.id, check);
  }

  get(id: string): AnyCheck | undefined {
    return this.#checks.get(id);
  }

  all(): AnyCheck[] {
    return [...this.#checks.values()];
  }

  /**
   * Selects checks by `--checks` / `--skip-checks` patterns: an exact id, a family name (`timeouts`), or a glob (`timeouts/*`).
   * Throws on a pattern that matches nothing, so a typo never silently runs zero checks.
   */
  select(include: string[] | undefined, exclude: string[] | undefined): AnyCheck[] {
    const all = this.all();
    const matchAll = (pattern: string): AnyCheck[] => {
      const matched = all.filter((c) => matches(pattern, c));
      if (matched.length === 0) throw new UnknownCheckError(pattern);
      return matched;
    };
    let chosen = include && include.length > 0 ? new Set(include.flatMap(matchAll)) : new Set(all);
    if (exclude) for (const p of exclude) for (const c of matchAll(p)) chosen.delete(c);
    chosen = new Set(all.filter((c) => chosen.has(c)));
    return [...chosen];
  }
}

export class UnknownCheckError extends Error {
  constructor(readonly pattern: string) {
    super(`no check matches "${pattern}" (run "cloud502 checks" for the catalog)`);
    this.name = 'UnknownCheckError';
  }
}

function matches(pattern: string, check: AnyCheck): boolean {
  if (pattern === check.id || pattern === check.family) return true;
  if (!pattern.includes('*')) return false;
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
  return re.test(check.id);
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
