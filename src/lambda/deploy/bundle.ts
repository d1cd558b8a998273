/**
 * Bundles the Lambda handler into one ESM file with esbuild. Build-time only: never imported by the runtime code.
 *
 * The AWS SDK v3 is bundled although the nodejs22.x runtime ships one: the runtime's copy changes under the function
 * without notice, while the bundled copy is the version the tests ran against (version pinning), and the
 * collector uses clients (ELB, EC2, CloudWatch, ACM, STS, S3, SNS) whose versions must match each other.
 * Nothing is marked external, so the bundle needs no node_modules.
 */
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { packageRoot, toolVersion } from '../../audit.js';

export interface LambdaBundle {
  /** The directory to deploy (CDK `Code.fromAsset`): index.mjs, index.mjs.map, package.json. */
  outdir: string;
  entry: string;
  /** Source files in the bundle, relative to the package root. */
  inputs: string[];
  bytes: number;
}

export const LAMBDA_ENTRY = 'src/lambda/handler.ts';
/** The organization audit's functions (plan, worker, merge): one bundle, the step chosen by CLOUD502_ORG_STEP. */
export const ORG_LAMBDA_ENTRY = 'src/lambda/org/handler.ts';
/** `index.handler` in the function's handler setting. */
export const LAMBDA_BUNDLE_FILE = 'index.mjs';

/**
 * CommonJS dependencies of the SDK call `require`, which an ESM module does not have: define it from
 * `createRequire`, under an alias so no bundled `createRequire` binding is shadowed.
 */
const REQUIRE_BANNER = "import { createRequire as __cloud502CreateRequire } from 'node:module'; const require = __cloud502CreateRequire(import.meta.url);";

/**
 * @example const { outdir } = await bundleLambda({ outdir: 'dist/lambda' });
 */
/**
 * The Lambda audits the AWS account it runs in: the other providers' adapters (and their SDKs) stay out of the bundle.
 * Their descriptors load them with `import('./index.js')`, which is left unresolved here and never runs.
 */
const AWS_ONLY = {
  name: 'aws-only',
  setup(b: { onResolve: (o: { filter: RegExp }, cb: (args: { path: string; importer: string }) => { path: string; external: boolean } | undefined) => void }) {
    b.onResolve({ filter: /^\.\/index\.js$/ }, (args) => (/providers[\\/](azure|gcp)[\\/]descriptor/.test(args.importer) ? { path: args.path, external: true } : undefined));
  },
};

export async function bundleLambda(options: { outdir: string; entry?: string }): Promise<LambdaBundle> {
  const root = packageRoot();
  const entry = join(options.outdir, LAMBDA_BUNDLE_FILE);
  const result = await build({
    absWorkingDir: root,
    entryPoints: [join(root, options.entry ?? LAMBDA_ENTRY)],
    outfile: entry,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    banner: { js: REQUIRE_BANNER },
    minify: true,
    // Error names (ConfigError, DeadlineExceeded) are read at runtime and show in logs: keep them through minification.
    keepNames: true,
    sourcemap: 'external',
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    plugins: [AWS_ONLY],
  });
  // audit.ts finds the package root (tool version) by walking up to a package.json named cloud502: ship one beside
  // the bundle. `type: module` is not needed for .mjs but keeps any sibling .js ESM as well.
  const pkg = { name: 'cloud502', version: toolVersion(), private: true, type: 'module' };
  await writeFile(join(options.outdir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const output = result.metafile.outputs[relative(root, entry)];
  return {
    outdir: options.outdir,
    entry,
    inputs: Object.keys(result.metafile.inputs),
    bytes: output?.bytes ?? 0,
  };
}
