/* eslint-disable no-control-regex -- finding control characters is what these patterns are for */
/**
 * Escaping for every output format. Resource names, tags, messages and provider error texts are attacker-controlled
 * (anyone who can name a target group can name it `<img onerror=…>`), so every renderer passes every dynamic string
 * through one of these functions and nothing else.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
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
const XML_ATTR_ESCAPES: Record<string, string> = { ...XML_ESCAPES, '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

function visibleCodePoint(c: string): string {
  return `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase()}}`;
}

/** Escapes XML element text; characters XML 1.0 cannot carry at all become a visible `\u{…}` notation. */
export function escapeXml(value: string): string {
  return value.replace(XML_INVALID, visibleCodePoint).replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** Escapes an XML attribute value; tabs and line breaks become character references so parsers do not fold them. */
export function escapeXmlAttr(value: string): string {
  return value.replace(XML_INVALID, visibleCodePoint).replace(/[&<>"'\t\n\r]/g, (c) => XML_ATTR_ESCAPES[c] ?? c);
}

// C0 controls except tab and newline, DEL and C1 controls: a terminal would act on them (ESC starts an ANSI sequence).
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Makes a string safe to print to a terminal: control characters become visible `\u{…}` notation. */
export function sanitizeTerminal(value: string): string {
  return value.replace(TERMINAL_CONTROLS, visibleCodePoint);
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
 * Escapes a string for inline Markdown text (a table cell, a list item, a heading): line breaks and other control
 * characters collapse to a space so a value can never start a new block, and `<` can never start inline HTML.
 */
export function escapeMarkdown(value: string): string {
  return oneLine(value)
    .replace(/[&<>]/g, (c) => HTML_ESCAPES[c] ?? c)
    .replace(MD_INLINE, '\\$&');
}

/**
 * A Markdown code span around any text: the fence is one backtick longer than the longest backtick run inside and line
 * breaks become spaces. In a table cell (`table: true`) `|` is escaped too, because GFM splits cells before it parses
 * code spans and drops that backslash; outside a table the backslash would show.
 */
export function markdownCode(value: string, options: { table?: boolean } = {}): string {
  let text = oneLine(value);
  if (options.table) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced Markdown code block whose fence is longer than any backtick run in the content. */
export function markdownCodeBlock(value: string, info = ''): string {
  const text = value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, ' ');
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}
