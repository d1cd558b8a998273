/**
 * Shape checks for raw snapshots read from disk: each throws a SnapshotError that names the field and what it holds,
 * so a malformed file is one clear line, never a crash inside normalize.
 */
import { SnapshotError } from './errors.js';

export type Json = Record<string, unknown>;

/** `nothing`, `null`, `an array`, `an object`, `a number`: what a value is, for error messages. */
export function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function object(value: unknown, path: string): Json {
  if (!isObject(value)) throw new SnapshotError(`${path} must be an object (got ${kindOf(value)})`);
  return value;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new SnapshotError(`${path} must be an array (got ${kindOf(value)})`);
  return value;
}
