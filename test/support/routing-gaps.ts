/** Coverage gaps of a denied routing call, as the AWS normalizer records them (scope-wide, tagged with the input it provides). */
import type { CoverageGap, InputKind } from '../../src/model/index.js';
import { ACCOUNT, REGION } from './builders.js';

export function routingDenied(api: string, input: InputKind): CoverageGap {
  return { provider: 'aws', account: ACCOUNT, region: REGION, api, permission: api, code: 'AccessDenied', message: `not authorized to perform: ${api}`, inputs: [input] };
}
