import type { AnyCheck } from '../../src/engine/index.js';
import { backendTimeoutTooLong } from './backend-timeout-too-long.js';
import { lbTcpResetDisabled } from './lb-tcp-reset-disabled.js';
import { backendKeepaliveExceedsIdleTimeout } from './backend-keepalive-exceeds-idle-timeout.js';
import { deregistrationDelayTooShort } from './deregistration-delay-too-short.js';
import { idleTimeoutBelowLatency } from './idle-timeout-below-latency.js';
import { nlbTcpIdleTimeout } from './nlb-tcp-idle-timeout.js';

/** The timeouts family, in catalog order. */
export const timeoutsChecks: AnyCheck[] = [backendKeepaliveExceedsIdleTimeout, idleTimeoutBelowLatency, deregistrationDelayTooShort, nlbTcpIdleTimeout, lbTcpResetDisabled, backendTimeoutTooLong];
