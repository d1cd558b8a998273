import { resolve } from 'node:path';
import type { AuditSource } from '../../audit.js';
import { ConfigError } from '../../errors.js';
import { checkEndpointUrl } from '../options.js';
import type { ProgressLine } from '../progress.js';
import { createProgressLine } from '../progress.js';
import type { CliContext, SourceFlags } from '../context.js';

/** Turns the source flags into an audit source; progress is wired into live collection only. */
export function sourceFromFlags(flags: SourceFlags, ctx: CliContext): { source: AuditSource; progress: ProgressLine } {
  const progress = createProgressLine(ctx.io.stderr, !flags.quiet);
  if (flags.demo) return { source: { kind: 'demo' }, progress };
  if (flags.snapshot !== undefined) return { source: { kind: 'snapshot', path: flags.snapshot }, progress };
  let endpointUrl = flags.endpointUrl;
  const fromEnv = ctx.io.env.AWS_ENDPOINT_URL;
  if (endpointUrl === undefined && fromEnv !== undefined && fromEnv !== '') {
    try {
      endpointUrl = checkEndpointUrl(fromEnv);
    } catch (err) {
      throw new ConfigError(`AWS_ENDPOINT_URL: ${(err as Error).message}`);
    }
  }
  return {
    source: {
      kind: 'live',
      provider: flags.provider,
      collectOptions: {
        ...(flags.region ? { regions: flags.region } : {}),
        ...(flags.profile !== undefined ? { profile: flags.profile } : {}),
        ...(endpointUrl !== undefined ? { endpointUrl } : {}),
        ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
        ...(flags.roleArn ? { roleArns: flags.roleArn } : {}),
        ...(flags.externalId !== undefined ? { externalId: flags.externalId } : {}),
        ...(flags.accountsFile !== undefined ? { accountsFile: resolve(ctx.io.cwd, flags.accountsFile) } : {}),
        ...(flags.allRegions ? { allRegions: true } : {}),
        metricsWindowSeconds: flags.metricsWindow,
        now: new Date(),
        ...(flags.timeout !== undefined ? { deadline: new Date(Date.now() + flags.timeout * 1000) } : {}),
        progress: progress.sink,
      },
    },
    progress,
  };
}
