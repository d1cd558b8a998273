import { ConfigError } from '../errors.js';
import type { Observation } from '../model/index.js';

/** Progress of a probe run, reported once per finished probe. */
export interface ProbeProgress {
  done: number;
  total: number;
  observation: Observation;
}

/**
 * What `--probe` may do. Every bound has a default; the lead's CLI maps `--probe-idle`, `--probe-cidr`,
 * `--probe-concurrency` and `--probe-timeout` onto these fields.
 */
export interface ProbeOptions {
  /** Hold the keep-alive connection idle after the response and time when the server closes it (`--probe-idle`). */
  idle: boolean;
  /**
   * Restricts probing to targets inside these CIDRs (`--probe-cidr`). A bare address means that one address.
   * Without it, only the exact target addresses the inventory names may be probed.
   */
  allowCidrs?: string[];
  /** Probes in flight at once. Default 8. */
  concurrency?: number;
  /** Budget for each connection's active exchange: connect + TLS handshake + request/response. Default 5000. */
  perProbeTimeoutMs?: number;
  /**
   * The whole run, idle holds included. Default 60000; with `idle`, long enough for one full hold
   * (maxIdleHoldSeconds plus two exchanges) unless set explicitly.
   */
  overallDeadlineMs?: number;
  /** Seconds to hold past the load balancer's backend idle timeout before calling a connection "held open". Default 5. */
  idleMarginSeconds?: number;
  /** Cap on one idle hold, in seconds. Default 130. */
  maxIdleHoldSeconds?: number;
  /** Most bytes read from one connection; the rest of a body is never read. Default 64 KiB. */
  maxBytes?: number;
  /** User-Agent of the keep-alive request, so that target owners can tell the probe in their logs. */
  userAgent?: string;
  /** Extra trusted roots (PEM), on top of Node's default store, e.g. the private CA the load balancer trusts. */
  extraCaPem?: string[];
  signal?: AbortSignal;
  /** Called after each probe; it must not throw (a throw is ignored so that it cannot stop measurements). */
  progress?: (p: ProbeProgress) => void;
}

export interface ResolvedProbeOptions {
  idle: boolean;
  allowCidrs: string[] | undefined;
  concurrency: number;
  perProbeTimeoutMs: number;
  overallDeadlineMs: number;
  idleMarginSeconds: number;
  maxIdleHoldSeconds: number;
  maxBytes: number;
  userAgent: string;
  extraCaPem: string[];
  signal: AbortSignal | undefined;
  progress: ((p: ProbeProgress) => void) | undefined;
}

export const PROBE_DEFAULTS = {
  concurrency: 8,
  perProbeTimeoutMs: 5000,
  overallDeadlineMs: 60_000,
  idleMarginSeconds: 5,
  maxIdleHoldSeconds: 130,
  maxBytes: 64 * 1024,
} as const;

const PROJECT_URL = 'https://github.com/cloud502/cloud502';

/** `cloud502-probe/<version> (+https://github.com/cloud502/cloud502)`; without a version when none is given. */
export function defaultUserAgent(version?: string): string {
  return `cloud502-probe${version ? `/${version}` : ''} (+${PROJECT_URL})`;
}

function positive(name: string, flag: string, value: number | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new ConfigError(`${flag} must be a positive ${integer ? 'integer' : 'number'} (${name}), got ${String(value)}`);
  }
  return value;
}

/** Fills defaults and validates bounds. Throws {@link ConfigError} on a bad value, before any connection. */
export function resolveProbeOptions(options: ProbeOptions): ResolvedProbeOptions {
  const perProbeTimeoutMs = positive('perProbeTimeoutMs', '--probe-timeout', options.perProbeTimeoutMs, PROBE_DEFAULTS.perProbeTimeoutMs);
  const maxIdleHoldSeconds = positive('maxIdleHoldSeconds', 'the idle hold cap', options.maxIdleHoldSeconds, PROBE_DEFAULTS.maxIdleHoldSeconds);
  const idleDefaultDeadlineMs = Math.max(PROBE_DEFAULTS.overallDeadlineMs, maxIdleHoldSeconds * 1000 + 2 * perProbeTimeoutMs);
  const userAgent = options.userAgent ?? defaultUserAgent();
  // The value goes verbatim into a request header.
  if (/[\r\n\0]/.test(userAgent)) throw new ConfigError('the probe User-Agent must not contain line breaks');
  const idleMarginSeconds = options.idleMarginSeconds ?? PROBE_DEFAULTS.idleMarginSeconds;
  if (!Number.isFinite(idleMarginSeconds) || idleMarginSeconds < 0) {
    throw new ConfigError(`the idle margin must be zero or more seconds, got ${String(idleMarginSeconds)}`);
  }
  return {
    idle: options.idle,
    allowCidrs: options.allowCidrs,
    concurrency: positive('concurrency', '--probe-concurrency', options.concurrency, PROBE_DEFAULTS.concurrency, true),
    perProbeTimeoutMs,
    overallDeadlineMs: positive(
      'overallDeadlineMs',
      'the probe deadline',
      options.overallDeadlineMs,
      options.idle ? idleDefaultDeadlineMs : PROBE_DEFAULTS.overallDeadlineMs,
    ),
    idleMarginSeconds,
    maxIdleHoldSeconds,
    maxBytes: positive('maxBytes', 'the probe byte limit', options.maxBytes, PROBE_DEFAULTS.maxBytes, true),
    userAgent,
    extraCaPem: options.extraCaPem ?? [],
    signal: options.signal,
    progress: options.progress,
  };
}
