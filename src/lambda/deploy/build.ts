/**
 * `npm run build:lambda`: bundles the scheduled handler into dist/lambda/ and the organization audit's functions into
 * dist/lambda-org/ (the directories the CDK stacks deploy).
 */
import { join } from 'node:path';
import { packageRoot } from '../../audit.js';
import { bundleLambda, ORG_LAMBDA_ENTRY } from './bundle.js';

for (const [dir, entry] of [['lambda', undefined], ['lambda-org', ORG_LAMBDA_ENTRY]] as const) {
  const bundle = await bundleLambda({ outdir: join(packageRoot(), 'dist', dir), ...(entry ? { entry } : {}) });
  process.stdout.write(`cloud502: bundled ${bundle.entry} (${(bundle.bytes / 1_048_576).toFixed(1)} MiB, ${bundle.inputs.length} source files)\n`);
}
