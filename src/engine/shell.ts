/**
 * Shell quoting for fix commands, in one place: every value a command interpolates goes through `sh()`. Uses the
 * shescape library (bash rules) rather than hand-written escaping; plain tokens stay unquoted for readability.
 */
import { Shescape } from 'shescape';

const bash = new Shescape({ shell: 'bash', flagProtection: false });

/** Characters that never need quoting in bash (no globbing, expansion, word splitting or history). */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word for `value`. */
export function sh(value: string | number): string {
  const s = String(value);
  return PLAIN.test(s) ? s : bash.quote(s);
}

/** A JSON argument as one shell word (`--attributes '{"a":1}'`). */
export function shJson(value: unknown): string {
  return bash.quote(JSON.stringify(value));
}
