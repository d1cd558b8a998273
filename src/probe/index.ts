/**
 * `--probe`: active measurements of targets. Configuration audits infer; probes measure.
 * Only `runProbes` touches the network; everything else here is pure.
 */
export { runProbes } from './run.js';
export { applyObservations, measuredProfile } from './apply.js';
export { parseKeepAliveHeader, serverKindFromHeader } from './headers.js';
export { buildAllowList, parseCidr, type AllowList } from './allow-list.js';
export { planProbes, backendIdleTimeoutOf, type ProbeTask } from './plan.js';
export { defaultUserAgent, resolveProbeOptions, PROBE_DEFAULTS, type ProbeOptions, type ProbeProgress, type ResolvedProbeOptions } from './options.js';
