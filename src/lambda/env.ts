/**
 * Typed readers of environment variables, in the style of Powertools' `getStringFromEnv`: each reads one variable,
 * applies its default, validates, and throws a ConfigError whose one-line message starts with the variable's name.
 * Called at module scope (cold start), so a bad value fails the function's init instead of its first invocation.
 */
import { ConfigError } from '../errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** A bad environment variable; `variable` names it. */
export class EnvConfigError extends ConfigError {
  override name = 'EnvConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

interface EnvOptions {
  env: Env;
  key: string;
  /** Appended to a "required" error: what the variable holds, e.g. "the bucket the reports are written to". */
  description?: string;
}

/** The trimmed value, or undefined when unset or blank. */
export function getOptionalStringFromEnv({ env, key }: EnvOptions): string | undefined {
  const value = env[key]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A required string, or its default when one is given.
 * @example const bucket = getStringFromEnv({ env: process.env, key: 'CLOUD502_BUCKET', description: 'the report bucket' });
 */
export function getStringFromEnv(options: EnvOptions & { defaultValue?: string }): string {
  const value = getOptionalStringFromEnv(options);
  if (value !== undefined) return value;
  if (options.defaultValue !== undefined) return options.defaultValue;
  throw new EnvConfigError(options.key, `is required${options.description ? ` (${options.description})` : ''}`);
}

/** A comma-separated list, items trimmed, blanks and duplicates dropped; empty when unset. */
export function getListFromEnv(options: EnvOptions & { required?: boolean }): string[] {
  const value = getOptionalStringFromEnv(options);
  const items = [...new Set((value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (items.length === 0 && options.required) {
    throw new EnvConfigError(options.key, `is required${options.description ? ` (${options.description})` : ''}`);
  }
  return items;
}

/** A whole number within [min, max], or the default when unset. */
export function getIntegerFromEnv(options: EnvOptions & { defaultValue: number; min: number; max: number; unit?: string }): number {
  const value = getOptionalStringFromEnv(options);
  if (value === undefined) return options.defaultValue;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < options.min || n > options.max) {
    const unit = options.unit ? ` ${options.unit}` : '';
    throw new EnvConfigError(options.key, `must be a whole number from ${options.min} to ${options.max}${unit}, got "${value}"`);
  }
  return n;
}

/** One of `allowed`, or the default when unset. */
export function getEnumFromEnv<T extends string>(options: EnvOptions & { allowed: readonly T[]; defaultValue: T }): T {
  const value = getOptionalStringFromEnv(options);
  if (value === undefined) return options.defaultValue;
  if (!(options.allowed as readonly string[]).includes(value)) {
    throw new EnvConfigError(options.key, `must be one of ${options.allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/**
 * Runs a validator that throws (a ConfigError, commander's InvalidArgumentError, ...) and rethrows its message as
 * an EnvConfigError naming the variable, so every init failure reads the same way.
 */
export function withVariable<T>(key: string, validate: () => T): T {
  try {
    return validate();
  } catch (err) {
    if (err instanceof EnvConfigError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new EnvConfigError(key, message.replace(/^error:\s*/i, '').replace(/\.$/, ''));
  }
}
