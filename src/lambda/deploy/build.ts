/**
 * `npm run build:lambda`: bundles the handler into dist/lambda/ (the directory the CDK stack deploys).
 */
import { join } from 'node:path';
import { packageRoot } from '../../audit.js';
import { bundleLambda } from './bundle.js';

const bundle = await bundleLambda({ outdir: join(packageRoot(), 'dist', 'lambda') });
process.stdout.write(`cloud502: bundled ${bundle.entry} (${(bundle.bytes / 1_048_576).toFixed(1)} MiB, ${bundle.inputs.length} source files)\n`);
