import type { AnyCheck } from '../../src/engine/index.js';
import { appgwProbeHost } from './appgw-probe-host.js';
import { aggressiveEjection } from './aggressive-ejection.js';
import { healthCheckLoggingDisabled } from './health-check-logging-disabled.js';
import { checkDisabled } from './check-disabled.js';
import { portProtocolMismatch } from './port-protocol-mismatch.js';
import { responseCodeMismatch } from './response-code-mismatch.js';
import { slowRecovery } from './slow-recovery.js';
import { timeoutVsInterval } from './timeout-vs-interval.js';

/** The health family, in catalog order. */
export const healthChecks: AnyCheck[] = [
  aggressiveEjection,
  timeoutVsInterval,
  slowRecovery,
  responseCodeMismatch,
  portProtocolMismatch,
  checkDisabled,
  appgwProbeHost,
  healthCheckLoggingDisabled,
];
