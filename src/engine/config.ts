import type { ServerKind } from '../model/index.js';
import type { Severity } from './result.js';

/** Per-check settings from the config file. */
export interface CheckSettings {
  enabled?: boolean;
  severity?: Severity;
  thresholds?: Record<string, number>;
}

/**
 * Declares the backend software behind pools the cloud APIs cannot describe.
 * Matched by pool name (glob), load balancer name (glob) or a pool tag; first match wins per field.
 */
export interface BackendDeclaration {
  match: {
    pool?: string;
    loadBalancer?: string;
    tag?: { key: string; value?: string };
  };
  server?: ServerKind;
  keepAliveSeconds?: number;
  /** Longest request the backend is expected to serve; used by deregistration-delay and timeout checks. */
  maxRequestSeconds?: number;
}

/** An accepted finding (issue: baseline). Expired acceptances fail again. */
export interface BaselineEntry {
  fingerprint?: string;
  check?: string;
  /** Glob over resource id or name. */
  resource?: string;
  reason: string;
  expires?: string;
}

export interface AuditConfig {
  checks?: Record<string, CheckSettings>;
  backends?: BackendDeclaration[];
  baseline?: BaselineEntry[];
}

export const EMPTY_CONFIG: AuditConfig = Object.freeze({});
