import type { AnyCheck } from '../../src/engine/index.js';
import { allTargetsUnhealthy } from './all-targets-unhealthy.js';
import { drainingAtScale } from './draining-at-scale.js';
import { noRegisteredTargets } from './no-registered-targets.js';
import { singleAzHealthy } from './single-az-healthy.js';
import { unhealthyTargets } from './unhealthy-targets.js';
import { unreferencedTargetGroup } from './unreferenced-target-group.js';
import { unusedTargets } from './unused-targets.js';

/** The targets family, in catalog order. */
export const targetsChecks: AnyCheck[] = [
  noRegisteredTargets,
  unhealthyTargets,
  allTargetsUnhealthy,
  unusedTargets,
  unreferencedTargetGroup,
  singleAzHealthy,
  drainingAtScale,
];
