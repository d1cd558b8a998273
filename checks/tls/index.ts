import type { AnyCheck } from '../../src/engine/index.js';
import { listenerCertificateExpiry } from './listener-certificate-expiry.js';
import { protocolVersionMismatch } from './protocol-version-mismatch.js';
import { targetCertificateHygiene } from './target-certificate-hygiene.js';
import { targetTlsNegotiationErrors } from './target-tls-negotiation-errors.js';

/** The tls family, in catalog order. */
export const tlsChecks: AnyCheck[] = [targetTlsNegotiationErrors, targetCertificateHygiene, listenerCertificateExpiry, protocolVersionMismatch];
