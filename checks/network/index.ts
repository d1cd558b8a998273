import type { AnyCheck } from '../../src/engine/index.js';
import { appgwCustomDnsResolution } from './appgw-custom-dns-resolution.js';
import { appgwDefaultRoute } from './appgw-default-route.js';
import { appgwInfraPortsBlocked } from './appgw-infra-ports-blocked.js';
import { healthCheckPortBlocked } from './health-check-port-blocked.js';
import { lbEgressMissing } from './lb-egress-missing.js';
import { naclReturnPathBlocked } from './nacl-return-path-blocked.js';
import { nlbSecuritySpecifics } from './nlb-security-specifics.js';
import { trafficPortBlocked } from './traffic-port-blocked.js';

/** The network family, in catalog order. */
export const networkChecks: AnyCheck[] = [healthCheckPortBlocked, trafficPortBlocked, naclReturnPathBlocked, lbEgressMissing, nlbSecuritySpecifics, appgwInfraPortsBlocked, appgwDefaultRoute, appgwCustomDnsResolution];
