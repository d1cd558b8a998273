/**
 * Reachability: "is this flow allowed by these policies, and which rule decided?" — the engine behind the
 * network checks. Pure: no I/O.
 */
export type { DecidingRule, Endpoint, Flow, FlowStep, FlowVerdict, NetworkContext, Reachability, StepDecision, StepPart } from './types.js';
export type { NetworkContextOptions } from './evaluate.js';
export { DEFAULT_EPHEMERAL_PORTS, endpointLabel, evaluateFlow, networkContext, networkContextFromIndex } from './evaluate.js';
export { describePeer, describeRule, formatPorts } from './describe.js';
export { BUILTIN_SERVICE_TAG_PREFIXES, protocolMatches } from './match.js';
export { allowIntentFor, endpointCidr, peerFor } from './fix-intents.js';
