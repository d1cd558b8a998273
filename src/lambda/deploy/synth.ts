/**
 * `npm run synth:lambda [-- -c key=value ...]`: synthesizes the CDK app offline (no AWS account, no lookups) into
 * dist/cdk/ (or CDK_OUTDIR): the stack of the chosen mode (`-c mode=single|organization`, keys as for `cdk deploy`),
 * and in organization mode Cloud502MemberRole.template.json, the member accounts' audit role as a StackSet template
 * with parameters.
 *
 *   npm run synth:lambda -- -c mode=organization -c organizationalUnits=ou-ab12-cdef3456 -c memberRoleOus=ou-ab12-cdef3456
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot } from '../../audit.js';
import { standaloneMemberRoleTemplate } from './member-role.js';

export const MEMBER_ROLE_TEMPLATE_FILE = 'Cloud502MemberRole.template.json';

function contextArgs(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg !== '-c' && arg !== '--context') throw new Error(`unexpected argument "${arg}"; pass settings as -c key=value`);
    const pair = argv[(i += 1)];
    const eq = pair?.indexOf('=') ?? -1;
    if (pair === undefined || eq < 1) throw new Error(`${arg} needs key=value, got ${pair === undefined ? 'nothing' : `"${pair}"`}`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

try {
  const outdir = process.env.CDK_OUTDIR ?? join(packageRoot(), 'dist', 'cdk');
  const context = { ...(JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}') as Record<string, unknown>), ...contextArgs(process.argv.slice(2)) };
  process.env.CDK_OUTDIR = outdir;
  process.env.CDK_CONTEXT_JSON = JSON.stringify(context);
  mkdirSync(outdir, { recursive: true });
  await import('./app.js');
  if (context.mode === 'organization') writeFileSync(join(outdir, MEMBER_ROLE_TEMPLATE_FILE), `${JSON.stringify(standaloneMemberRoleTemplate(), null, 2)}\n`);
  const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
  process.stdout.write(`cloud502: synthesized ${templates.join(', ')} into ${relative(process.cwd(), outdir) || '.'}\n`);
} catch (err) {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.replace(/^cloud502( deploy)?: /, '');
  process.stderr.write(`cloud502: ${message}\n`);
  process.exitCode = 2;
}
