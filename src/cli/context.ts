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
  profile?: string;
  region?: string[];
  endpointUrl?: string;
  snapshot?: string;
  demo?: boolean;
  metricsWindow: number;
  concurrency?: number;
  quiet?: boolean;
  verbose?: boolean;
}

export interface AuditFlags extends SourceFlags {
  format: ReportFormat;
  output?: string;
  failOn: Severity | 'none';
  checks?: string[];
  skipChecks?: string[];
  config?: string;
  color: boolean;
  probe?: boolean;
  probeIdle?: boolean;
  probeCidr?: string[];
  probeConcurrency?: number;
  probeTimeout?: number;
}

export interface CollectFlags extends SourceFlags {
  out: string;
}

export interface ChecksFlags {
  format: ReportFormat;
}
