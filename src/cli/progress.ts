/**
 * Collection (and region-by-region audit) progress as one updating line on stderr. Only on a terminal: in CI logs and pipes a rewritten line is
 * noise, and stdout is never touched so `--format json` stays clean.
 */
import type { ProgressEvent, ProgressSink } from '../provider.js';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): boolean;
}

export interface ProgressLine {
  sink: ProgressSink;
  /** Clears the line; safe to call more than once. */
  done(): void;
}

const CLEAR_LINE = '\r\u001b[2K';

export function formatProgress(e: ProgressEvent): string {
  const parts = [e.phase];
  if (e.scope) parts.push(e.scope);
  if (e.total !== undefined) parts.push(`${e.done ?? 0}/${e.total}`);
  else if (e.done !== undefined) parts.push(String(e.done));
  if (e.message) parts.push(e.message);
  return `${e.activity ?? 'collecting'}: ${parts.join(' · ')}`;
}

export function createProgressLine(stream: ProgressStream, enabled: boolean): ProgressLine {
  if (!enabled || !stream.isTTY) return { sink: () => undefined, done: () => undefined };
  let shown = false;
  return {
    sink(event) {
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      const text = formatProgress(event);
      stream.write(`${CLEAR_LINE}${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write(CLEAR_LINE);
      shown = false;
    },
  };
}
