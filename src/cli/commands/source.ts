import { resolve } from 'node:path';
import type { AuditSource } from '../../audit.js';
import { ConfigError } from '../../errors.js';
import { descriptorOf, PROVIDER_DESCRIPTORS } from '../../../providers/index.js';
import type { ProviderOptionSpec, ProviderOptionValues } from '../../provider.js';
import type { ProgressLine } from '../progress.js';
import { createProgressLine } from '../progress.js';
import type { CliContext, SourceFlags } from '../context.js';

/**
 * The chosen provider's own option values. An option only other providers declare is a usage error naming them, so
 * `--profile` with `--provider gcp` fails before any call.
 */
export function providerOptionsFromFlags(flags: SourceFlags): ProviderOptionValues {
  const chosen = descriptorOf(flags.provider);
  if (!chosen) throw new ConfigError(`provider ${flags.provider} is not available in this build`);
  const values: ProviderOptionValues = {};
  for (const d of PROVIDER_DESCRIPTORS) {
    for (const spec of d.options) {
      const value = flags[spec.key];
      if (value === undefined) continue;
      if (!chosen.options.some((o) => o.key === spec.key)) {
        const owners = PROVIDER_DESCRIPTORS.filter((o) => o.options.some((x) => x.key === spec.key)).map((o) => o.id);
        throw new ConfigError(`${longFlag(spec.flags)} is an option of --provider ${owners.join(' / ')}, not of --provider ${flags.provider}`);
      }
      const own = chosen.options.find((o) => o.key === spec.key) ?? spec;
      values[spec.key] = parseWith(own, value as ProviderOptionValues[string]);
    }
  }
  return values;
}

/** Applies the chosen provider's validation to each value; a bad value is a usage error naming the flag. */
function parseWith(spec: ProviderOptionSpec, value: ProviderOptionValues[string]): ProviderOptionValues[string] {
  if (!spec.parse || typeof value === 'boolean' || value === undefined) return value;
  const parse = spec.parse;
  try {
    return Array.isArray(value) ? [...new Set(value.map((v) => parse(v)))] : parse(value);
  } catch (err) {
    throw new ConfigError(`${longFlag(spec.flags)}: ${(err as Error).message}`);
  }
}

function longFlag(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags;
}

/** Turns the source flags into an audit source, and the progress line of its collection (and its audit). */
export function sourceFromFlags(flags: SourceFlags, ctx: CliContext): { source: AuditSource; progress: ProgressLine } {
  const progress = createProgressLine(ctx.io.stderr, !flags.quiet);
  if (flags.demo) return { source: { kind: 'demo' }, progress };
  if (flags.snapshot !== undefined) return { source: { kind: 'snapshot', path: flags.snapshot }, progress };
  const providerOptions = providerOptionsFromFlags(flags);
  // Files named on the command line are relative to the working directory, whatever the provider.
  for (const [key, value] of Object.entries(providerOptions)) {
    if (typeof value === 'string' && /File$/.test(key)) providerOptions[key] = resolve(ctx.io.cwd, value);
  }
  return {
    source: {
      kind: 'live',
      provider: flags.provider,
      collectOptions: {
        providerOptions,
        ...(flags.endpointUrl !== undefined ? { endpointUrl: flags.endpointUrl } : {}),
        ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
        metricsWindowSeconds: flags.metricsWindow,
        now: new Date(),
        env: ctx.io.env,
        ...(flags.timeout !== undefined ? { deadline: new Date(Date.now() + flags.timeout * 1000) } : {}),
        progress: progress.sink,
      },
    },
    progress,
  };
}
