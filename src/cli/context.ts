import type { AuditDeps } from '../audit.js';
import type { Provider } from '../model/index.js';
import type { Severity } from '../engine/result.js';
import type { ReportFormat } from '../report/render.js';

/** What the CLI writes to; in tests, string buffers. */
export interface OutStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutStream;
  stderr: OutStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface CliContext {
  io: CliIo;
  deps: AuditDeps;
}

/** Flags shared by `audit` and `collect`: where the data comes from. */
export interface SourceFlags {
  provider: Provider;
  endpointUrl?: string;
  snapshot?: string;
  demo?: boolean;
  metricsWindow: number;
  concurrency?: number;
  /** `--timeout`: the audit deadline in seconds; collection stops there and the report says what is missing. */
  timeout?: number;
  quiet?: boolean;
  verbose?: boolean;
  /** The providers' own options (see their descriptors), by key. */
  [providerOption: string]: unknown;
}

/** Where reports go: one format to stdout or `--output`, one or more into `--output-dir`. */
export interface OutputFlags {
  /** Undefined when --format was not given (text). */
  format?: ReportFormat[];
  output?: string;
  outputDir?: string;
  color: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export interface AuditFlags extends SourceFlags, OutputFlags {
  failOn: Severity | 'none';
  /** `--fail-on-coverage-gap`: a partial audit exits 3 (when nothing fails at or above --fail-on). */
  failOnCoverageGap?: boolean;
  checks?: string[];
  skipChecks?: string[];
  config?: string;
  /** `--baseline FILE`: accepted findings, in addition to the config file's `baseline:`. */
  baseline?: string;
  saveSnapshot?: string;
  probe?: boolean;
  probeIdle?: boolean;
  probeCidr?: string[];
  probeConcurrency?: number;
  probeTimeout?: number;
  /** `--include-series`: every metric series' points in the report, not only summaries. */
  includeSeries?: boolean;
}

/** `cloud502 explain ID`: a finding of a saved report or of an audit run with the audit's flags, or a check. */
export interface ExplainFlags extends Omit<AuditFlags, 'format' | 'output' | 'outputDir' | 'failOn' | 'saveSnapshot'> {
  /** A saved JSON report to look the finding up in. */
  report?: string;
  color: boolean;
}

export interface CollectFlags extends SourceFlags {
  out: string;
}

/** `cloud502 report FILE`: re-renders a saved JSON report. */
export type ReportFlags = OutputFlags;

export const DIFF_FORMATS = ['text', 'markdown', 'json'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffFlags {
  format: DiffFormat;
  output?: string;
  failOn: Severity | 'none';
  quiet?: boolean;
}

export interface BaselineCreateFlags {
  reason: string;
  expires?: string;
  out: string;
  force?: boolean;
  quiet?: boolean;
}

export const CATALOG_FORMATS = ['text', 'json', 'markdown'] as const;
export type CatalogFormat = (typeof CATALOG_FORMATS)[number];

export interface ChecksFlags {
  format: CatalogFormat;
}
