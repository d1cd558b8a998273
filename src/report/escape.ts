/* eslint-disable no-control-regex -- finding control characters is what these patterns are for */
/**
 * Escaping for every output format. Resource names, tags, messages and provider error texts are attacker-controlled
 * (anyone who can name a target group can name it `<img onerror=…>`), so every renderer passes every dynamic string
 * through one of these functions and nothing else.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Invisible characters that change how text reads: Unicode format characters (bidi overrides and isolates such as
 * U+202E, which reverse the rest of a line; zero-width spaces and joiners; the BOM; soft hyphens; tag characters) and
 * the line / paragraph separators U+2028 and U+2029. A resource name carrying one could make a message read the
 * opposite of what it says, so every format shows them as a visible `\u{…}` notation instead.
 */
const FORMAT_CHARS = /[\p{Cf}\u2028\u2029]/gu;

function visibleCodePoint(c: string): string {
  return `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;
}

/** Makes Unicode format characters and line/paragraph separators visible (`\u{202E}`); everything else is kept. */
export function showFormatChars(value: string): string {
  return value.replace(FORMAT_CHARS, visibleCodePoint);
}

// C0 controls except tab and newline, DEL and C1 controls.
const CONTROLS_KEEPING_LINES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/**
 * Makes every invisible character visible except tab and newline: control characters (a terminal acts on ESC and
 * BEL), format characters and separators. Newlines are the caller's to handle.
 */
export function neutralize(value: string): string {
  return showFormatChars(value).replace(CONTROLS_KEEPING_LINES, visibleCodePoint);
}

/** Escapes text for HTML element content and quoted attribute values; invisible characters become visible. */
export function escapeHtml(value: string): string {
  return neutralize(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON text (from JSON.stringify) with format characters, separators, DEL and C1 controls as `\uXXXX` escapes:
 * JSON.stringify leaves them raw, so a report viewed with `cat` or in an editor would act on them. Inside JSON they
 * can only occur within strings, where the escape is the same data.
 */
export function jsonTextSafe(json: string): string {
  return json.replace(/[\p{Cf}\u2028\u2029\u007F-\u009F]/gu, (c) =>
    [...c].length === 1 && c.length === 2
      ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}\\u${c.charCodeAt(1).toString(16).padStart(4, '0')}`
      : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Deeply neutralizes every string of a JSON-like value (keys included): for formats written as JSON (SARIF). */
export function neutralizeDeep<T>(value: T): T {
  if (typeof value === 'string') return neutralize(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => neutralizeDeep(v)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [neutralize(k), neutralizeDeep(v)])) as T;
  }
  return value;
}

/**
 * Serializes a value as JSON that is safe inside an HTML `<script>` element: `<`, `>` and `&` become `\u003c` etc.,
 * so neither `</script>` nor `<!--` can end or confuse the element, and U+2028 / U+2029 are escaped for old JS parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

// XML 1.0 allows only #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; with the `u` flag a lone
// surrogate is one code point outside these ranges, so it is caught too.
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_ESCAPES: Record<string, string> = { ...HTML_ESCAPES, "'": '&apos;' };
// DEL and C1 controls are legal XML but act on terminals and viewers (U+0085 is a line break to some): shown as text.
const C1_CONTROLS = /[\u007F-\u009F]/g;
const XML_ATTR_ESCAPES: Record<string, string> = { ...XML_ESCAPES, '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** Escapes XML element text; characters XML 1.0 cannot carry at all become a visible `\u{…}` notation. */
export function escapeXml(value: string): string {
  return showFormatChars(value).replace(C1_CONTROLS, visibleCodePoint).replace(XML_INVALID, visibleCodePoint).replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** Escapes an XML attribute value; tabs and line breaks become character references so parsers do not fold them. */
export function escapeXmlAttr(value: string): string {
  return showFormatChars(value).replace(C1_CONTROLS, visibleCodePoint).replace(XML_INVALID, visibleCodePoint).replace(/[&<>"'\t\n\r]/g, (c) => XML_ATTR_ESCAPES[c] ?? c);
}

// C0 controls except tab and newline, DEL and C1 controls: a terminal would act on them (ESC starts an ANSI sequence).
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Makes a string safe to print to a terminal: control and format characters become visible `\u{…}` notation. */
export function sanitizeTerminal(value: string): string {
  return showFormatChars(value).replace(TERMINAL_CONTROLS, visibleCodePoint);
}

// Markdown punctuation that can open emphasis, code, links, tables or strikethrough mid-line, and `#` (issue links).
// `<`, `>` and `&` become entities instead, so raw HTML (which GitHub renders) can never start.
const MD_INLINE = /[\\`*_[\]|~#]/g;

/**
 * Collapses line breaks (CR, LF, U+2028, U+2029) and other control characters to single spaces: for a value that must
 * stay on one line of a Markdown block or an HTML block inside Markdown.
 */
export function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ');
}

/**
 * Breaks what GitHub-flavoured Markdown would turn into a link by itself (`https://…`, `www.…`, `name@host`) with a
 * backslash escape, which renders as the plain character: a resource name is text, never a link.
 */
function noAutolink(escaped: string): string {
  return escaped.replace(/:(?=\/\/)/g, '\\:').replace(/(www)\./gi, '$1\\.').replace(/@/g, '\\@');
}

/**
 * Escapes a string for inline Markdown text (a table cell, a list item, a heading): line breaks and other control
 * characters collapse to a space so a value can never start a new block, and `<` can never start inline HTML.
 */
export function escapeMarkdown(value: string): string {
  return noAutolink(
    showFormatChars(oneLine(value))
      .replace(/[&<>]/g, (c) => HTML_ESCAPES[c] ?? c)
      .replace(MD_INLINE, '\\$&'),
  );
}

/**
 * A Markdown code span around any text: the fence is one backtick longer than the longest backtick run inside and line
 * breaks become spaces. In a table cell (`table: true`) `|` is escaped too, because GFM splits cells before it parses
 * code spans and drops that backslash; outside a table the backslash would show.
 */
export function markdownCode(value: string, options: { table?: boolean } = {}): string {
  let text = showFormatChars(oneLine(value));
  if (options.table) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced Markdown code block whose fence is longer than any backtick run in the content. */
export function markdownCodeBlock(value: string, info = ''): string {
  const text = showFormatChars(value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, ' '));
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}
