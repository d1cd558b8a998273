/**
 * The config file: `--config FILE`, else `.cloud502.yml` / `.cloud502.yaml` / `.cloud502.json` in the working
 * directory. YAML or JSON, validated strictly against {@link AuditConfig} and the check registry, because a typo in
 * a threshold name or a check id must not silently fall back to a default.
 *
 * @example
 * ```yaml
 * checks:
 *   timeouts/backend-keepalive-exceeds-idle-timeout:
 *     severity: critical
 *     thresholds: { marginSeconds: 2 }
 * backends:
 *   - match: { pool: "tg-api*" }
 *     server: gunicorn
 *     keepAliveSeconds: 75
 * baseline:
 *   - check: timeouts/*
 *     resource: "alb-legacy*"
 *     reason: replaced in Q1 (JIRA-123)
 *     expires: "2027-03-31"
 * ```
 */
import { access, constants, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { validateBaselineEntries } from '../engine/baseline.js';
import type { AuditConfig, BackendDeclaration, BaselineEntry, CheckRegistry, CheckSettings, Severity } from '../engine/index.js';
import { FAMILIES, resolveThresholds, SEVERITIES, ThresholdConfigError } from '../engine/index.js';
import { ConfigError } from '../errors.js';
import { isServerKind, SERVER_KINDS } from '../model/index.js';

/** Looked up in the working directory, in this order, when no `--config` is given. */
export const CONFIG_FILE_NAMES = ['.cloud502.yml', '.cloud502.yaml', '.cloud502.json'] as const;

export interface LoadedConfig {
  config: AuditConfig;
  /** The file read, as the user would name it; undefined when no config file was used. */
  path?: string;
}

export interface LoadConfigOptions {
  /** `--config FILE`; when given, the file must exist. */
  path?: string;
  /** Where to look for the default file names. */
  cwd: string;
  registry: CheckRegistry;
}

/** Finds, reads and validates the config file. No file → an empty config. */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const path = options.path ?? (await discover(options.cwd));
  if (path === undefined) return { config: {} };
  let text: string;
  try {
    // Relative to the working directory the CLI was given (in-process callers may differ from process.cwd()).
    text = await readFile(resolve(options.cwd, path), 'utf8');
  } catch (err) {
    throw new ConfigError(`config ${path} ${describeReadError(err)}`);
  }
  return { config: parseConfig(text, path, options.registry), path };
}

function errorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
}

/** Why a file could not be read, in words a user acts on. */
export function describeReadError(err: unknown): string {
  switch (errorCode(err)) {
    case 'ENOENT':
      return 'does not exist';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'ELOOP':
      return 'cannot be read (a symbolic link loop)';
    default:
      return `cannot be read (${errorCode(err)})`;
  }
}

async function discover(cwd: string): Promise<string | undefined> {
  const present: string[] = [];
  for (const name of CONFIG_FILE_NAMES) {
    try {
      await access(join(cwd, name), constants.R_OK);
      present.push(name);
    } catch (err) {
      // Only a file that is not there is "no config file". One that is there but cannot be read (permissions, a
      // symbolic link loop) must not silently drop the thresholds, declarations and baseline it holds.
      if (errorCode(err) !== 'ENOENT') throw new ConfigError(`config ${name} ${describeReadError(err)}`);
    }
  }
  if (present.length > 1) {
    throw new ConfigError(`config: found ${present.join(' and ')} in ${cwd}; keep one or pass --config FILE`);
  }
  return present[0];
}

/** Parses YAML or JSON (by extension; YAML otherwise) and validates it. `file` names the file in errors. */
export function parseConfig(text: string, file: string, registry: CheckRegistry): AuditConfig {
  return validateConfig(parseYamlOrJson(text, `config ${file}`, file), file, registry);
}

/**
 * Parses a settings file as JSON (`.json`) or YAML (anything else). `what` starts every error message, e.g.
 * `config .cloud502.yml`.
 * @throws ConfigError one line with the position of the first syntax error.
 */
export function parseYamlOrJson(text: string, what: string, file: string): unknown {
  if (basename(file).toLowerCase().endsWith('.json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new ConfigError(`${what} is not valid JSON (${firstLine(err)})`);
    }
  }
  // uniqueKeys (the default) turns a duplicated key into an error instead of a silent override.
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const first = doc.errors[0];
  if (first) {
    const at = lineCounter.linePos(first.pos[0]);
    throw new ConfigError(`${what} is not valid YAML (${firstLine(first)}${at ? ` at line ${at.line}, column ${at.col}` : ''})`);
  }
  try {
    // The yaml library refuses documents whose aliases expand beyond a bound (a "billion laughs" bomb) here.
    return doc.toJS() as unknown;
  } catch (err) {
    throw new ConfigError(`${what} cannot be used as YAML (${firstLine(err)})`);
  }
}

/**
 * Validates a parsed config against the AuditConfig shape and the registry (check ids, threshold names and bounds).
 * @throws ConfigError `config <file>: <path>: <problem>`.
 */
export function validateConfig(value: unknown, file: string, registry: CheckRegistry): AuditConfig {
  const v: Validator = new Validator(file);
  // An empty YAML file parses to null: same as no settings at all.
  if (value === null || value === undefined) return {};
  const root = v.object(value, '', ['checks', 'backends', 'baseline']);
  const config: AuditConfig = {};
  if (root.checks !== undefined) config.checks = validateChecks(v, root.checks, registry);
  if (root.backends !== undefined) config.backends = v.array(root.backends, 'backends').map((b, i) => validateBackend(v, b, `backends[${i}]`));
  if (root.baseline !== undefined) config.baseline = validateBaselineList(root.baseline, registry, `config ${file}`);
  return config;
}

function validateChecks(v: Validator, value: unknown, registry: CheckRegistry): Record<string, CheckSettings> {
  const checks = v.object(value, 'checks');
  const out: Record<string, CheckSettings> = {};
  for (const [id, raw] of Object.entries(checks)) {
    const path = `checks.${id}`;
    const check = registry.get(id);
    if (!check) v.fail(path, `unknown check id "${id}" (run "cloud502 checks" for the catalog)`);
    const s = v.object(raw ?? {}, path, ['enabled', 'severity', 'thresholds']);
    const settings: CheckSettings = {};
    if (s.enabled !== undefined) settings.enabled = v.boolean(s.enabled, `${path}.enabled`);
    if (s.severity !== undefined) settings.severity = v.oneOf(s.severity, `${path}.severity`, SEVERITIES) as Severity;
    if (s.thresholds !== undefined) {
      const thresholds = v.object(s.thresholds, `${path}.thresholds`);
      settings.thresholds = {};
      for (const [name, t] of Object.entries(thresholds)) {
        const tPath = `${path}.thresholds.${name}`;
        const n = v.number(t, tPath);
        // One threshold at a time through the engine's own resolver, so the error names the exact key.
        try {
          resolveThresholds(check, { checks: { [id]: { thresholds: { [name]: n } } } });
        } catch (err) {
          if (!(err instanceof ThresholdConfigError)) throw err;
          const spec = check.thresholds[name];
          const known = Object.keys(check.thresholds);
          if (!spec) v.fail(tPath, known.length ? `unknown threshold (known: ${known.join(', ')})` : 'unknown threshold (this check has none)');
          v.fail(tPath, `${n} is outside ${spec.min ?? '-∞'}..${spec.max ?? '∞'} ${spec.unit}`);
        }
        settings.thresholds[name] = n;
      }
    }
    out[id] = settings;
  }
  return out;
}

function validateBackend(v: Validator, value: unknown, path: string): BackendDeclaration {
  const b = v.object(value, path, ['match', 'server', 'keepAliveSeconds', 'maxRequestSeconds']);
  if (b.match === undefined) v.fail(`${path}.match`, 'is required (pool, loadBalancer or tag)');
  const m = v.object(b.match, `${path}.match`, ['pool', 'loadBalancer', 'tag']);
  const match: BackendDeclaration['match'] = {};
  if (m.pool !== undefined) match.pool = v.string(m.pool, `${path}.match.pool`);
  if (m.loadBalancer !== undefined) match.loadBalancer = v.string(m.loadBalancer, `${path}.match.loadBalancer`);
  if (m.tag !== undefined) {
    const t = v.object(m.tag, `${path}.match.tag`, ['key', 'value']);
    if (t.key === undefined) v.fail(`${path}.match.tag.key`, 'is required');
    match.tag = { key: v.string(t.key, `${path}.match.tag.key`) };
    if (t.value !== undefined) match.tag.value = v.string(t.value, `${path}.match.tag.value`);
  }
  if (Object.keys(match).length === 0) v.fail(`${path}.match`, 'needs at least one of pool, loadBalancer, tag');
  const out: BackendDeclaration = { match };
  if (b.server !== undefined) {
    const server = v.string(b.server, `${path}.server`);
    if (!isServerKind(server)) v.fail(`${path}.server`, `unknown server kind "${server}" (known: ${SERVER_KINDS.join(', ')})`);
    out.server = server;
  }
  if (b.keepAliveSeconds !== undefined) out.keepAliveSeconds = v.number(b.keepAliveSeconds, `${path}.keepAliveSeconds`, { min: 0 });
  if (b.maxRequestSeconds !== undefined) {
    out.maxRequestSeconds = v.number(b.maxRequestSeconds, `${path}.maxRequestSeconds`, { min: 0, exclusiveMin: true });
  }
  if (out.server === undefined && out.keepAliveSeconds === undefined && out.maxRequestSeconds === undefined) {
    v.fail(path, 'declares nothing (set server, keepAliveSeconds or maxRequestSeconds)');
  }
  return out;
}

/**
 * Validates a `baseline:` list: the entry rules (reason, dates, fingerprints, keys) are the baseline module's own
 * {@link validateBaselineEntries}; on top, a check named without a glob must exist in the catalog, so a typo cannot
 * leave a finding unaccepted. An entry with a fingerprint names its check only as a label for the reader: a check
 * renamed since must not make the whole file unreadable.
 * @param what prefix of error messages, e.g. `config .cloud502.yml`.
 */
export function validateBaselineList(value: unknown, registry: CheckRegistry, what: string): BaselineEntry[] {
  try {
    const entries = validateBaselineEntries(value);
    entries.forEach((e, i) => {
      const check = e.check;
      if (check === undefined || e.fingerprint !== undefined || /[*?]/.test(check)) return;
      if ((FAMILIES as readonly string[]).includes(check) || registry.get(check) !== undefined) return;
      throw new ConfigError(`baseline[${i}].check: unknown check id "${check}" (run "cloud502 checks" for the catalog)`);
    });
    return entries;
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${what}: ${err.message}`);
    throw err;
  }
}

/** Type guards that throw a ConfigError naming the file and the key path. */
class Validator {
  constructor(private readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new ConfigError(`config ${this.file}: ${path === '' ? '' : `${path}: `}${problem}`);
  }

  object(value: unknown, path: string, allowed?: readonly string[]): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `must be a mapping, got ${describe(value)}`);
    }
    const obj = value as Record<string, unknown>;
    if (allowed) {
      for (const key of Object.keys(obj)) {
        if (!allowed.includes(key)) this.fail(path === '' ? key : `${path}.${key}`, `unknown key (allowed: ${allowed.join(', ')})`);
      }
    }
    return obj;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `must be a list, got ${describe(value)}`);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, `must be a non-empty string, got ${describe(value)}`);
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, `must be true or false, got ${describe(value)}`);
    return value;
  }

  number(value: unknown, path: string, bounds: { min?: number; exclusiveMin?: boolean } = {}): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, `must be a number, got ${describe(value)}`);
    if (bounds.min !== undefined && (bounds.exclusiveMin ? value <= bounds.min : value < bounds.min)) {
      this.fail(path, `must be ${bounds.exclusiveMin ? 'greater than' : 'at least'} ${bounds.min}, got ${value}`);
    }
    return value;
  }

  oneOf(value: unknown, path: string, choices: readonly string[]): string {
    if (typeof value !== 'string' || !choices.includes(value)) this.fail(path, `must be one of ${choices.join(', ')}, got ${describe(value)}`);
    return value;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return (message.split('\n')[0] ?? '').trim();
}
