/**
 * `--baseline FILE`: accepted findings kept apart from `.cloud502.yml`, in the same shape as its `baseline:` section
 * (what `cloud502 baseline create` writes), YAML or JSON:
 *
 * ```yaml
 * baseline:
 *   - fingerprint: "3f0c…"
 *     check: timeouts/backend-keepalive-exceeds-idle-timeout
 *     resource: tg-legacy
 *     reason: replaced in Q1 (JIRA-123)
 *     expires: "2027-03-31"
 * ```
 */
import { readFile } from 'node:fs/promises';
import type { BaselineEntry, CheckRegistry } from '../engine/index.js';
import { ConfigError } from '../errors.js';
import { parseYamlOrJson, validateBaselineList } from './load.js';

/**
 * Reads and validates a baseline file. `label` names it in errors as the user wrote it.
 * @throws ConfigError `baseline <label>: <problem>`, one line.
 */
export async function loadBaselineFile(path: string, label: string, registry: CheckRegistry): Promise<BaselineEntry[]> {
  const what = `baseline ${label}`;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    throw new ConfigError(`${what} ${why}`);
  }
  return parseBaseline(text, label, registry);
}

/** Parses and validates the text of a baseline file (see {@link loadBaselineFile}). */
export function parseBaseline(text: string, label: string, registry: CheckRegistry): BaselineEntry[] {
  const what = `baseline ${label}`;
  const value = parseYamlOrJson(text, what, label);
  // An empty file is more likely a mistake (a failed redirect) than an intentionally empty baseline.
  if (value === null || value === undefined) throw new ConfigError(`${what} is empty (expected "baseline:" with a list of entries)`);
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${what} must be a mapping with a "baseline:" list (as "cloud502 baseline create" writes it)`);
  }
  const keys = Object.keys(value);
  const unknown = keys.find((k) => k !== 'baseline');
  if (unknown !== undefined) throw new ConfigError(`${what}: ${unknown}: unknown key (allowed: baseline)`);
  if (!keys.includes('baseline')) throw new ConfigError(`${what} has no "baseline:" list`);
  return validateBaselineList((value as { baseline: unknown }).baseline, registry, what);
}
