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

/**
 * What a placeholder's message may hold: it is written inside `${…:?…}`, unquoted for a list, so nothing the shell would
 * expand or read as a quote.
 */
const PLACEHOLDER_MESSAGE = /^[A-Za-z0-9 ,.()/-]+$/;

/**
 * A value the user must supply, as a shell variable that stops the command with `what` when it is unset, instead of a
 * literal word the cloud would reject or misread: `"${TARGET_ID:?the instance id or IP address of a target}"`. With
 * `list`, it is left unquoted so that several space-separated values become several arguments.
 * @example userValue('NEW_CERTIFICATE_ARN', 'ARN of the renewed certificate')
 */
export function userValue(name: string, what: string, options: { list?: boolean } = {}): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name) || !PLACEHOLDER_MESSAGE.test(what)) throw new Error(`placeholder ${name} (${what}) would not be inert in a shell`);
  const variable = `\${${name}:?${what}}`;
  return options.list ? variable : `"${variable}"`;
}

/** Text for a `# comment` line: a line break (or any control character) in a value from the cloud would end the comment. */
export function commentText(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
}
