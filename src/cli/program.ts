/**
 * The commander program: flags, help and validation only. Command bodies are imported when they run, so `--help`
 * and `--version` load neither the check catalog nor any provider SDK.
 */
import { Command, Option } from 'commander';
import { toolVersion } from '../audit.js';
import { SEVERITIES } from '../engine/result.js';
import { REPORT_FORMATS } from '../report/render.js';
import type { AuditFlags, ChecksFlags, CliContext, CollectFlags } from './context.js';
import { collectList, collectRegions, parseConcurrency, parseEndpointUrl, parseMetricsWindow, parseProbeTimeout } from './options.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  no failure at or above --fail-on
  1  failures at or above --fail-on
  2  usage, config, credentials or snapshot error`;

const LIVE_ONLY = ['snapshot', 'demo'];

function addSourceOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--provider <name>', 'cloud provider').choices(['aws', 'azure', 'gcp']).default('aws').conflicts(LIVE_ONLY))
    .addOption(new Option('--profile <name>', 'AWS named profile (SSO and assume-role profiles included)').conflicts(LIVE_ONLY))
    .addOption(
      new Option('--region <region>', "region to audit; repeat or comma-separate for several (default: the profile's region)")
        .argParser(collectRegions)
        .conflicts(LIVE_ONLY),
    )
    .addOption(
      new Option('--endpoint-url <url>', 'override every service endpoint (default: $AWS_ENDPOINT_URL)').argParser(parseEndpointUrl).conflicts(LIVE_ONLY),
    )
    .addOption(new Option('--snapshot <file>', 'use a raw snapshot written by "cloud502 collect" instead of the cloud').conflicts(['demo']))
    .addOption(new Option('--demo', 'use the bundled demo environment (no cloud access; output is marked as demo data)'))
    .addOption(
      new Option('--metrics-window <duration>', 'CloudWatch window: 30m, 6h, 24h, 7d or seconds; 0 disables; at most 63d')
        .argParser(parseMetricsWindow)
        .default(86_400, '24h')
        .conflicts(LIVE_ONLY),
    )
    .addOption(new Option('--concurrency <n>', 'maximum concurrent API calls').argParser(parseConcurrency).conflicts(LIVE_ONLY))
    .addOption(new Option('-q, --quiet', 'no progress or status lines on stderr').conflicts('verbose'))
    .addOption(new Option('-v, --verbose', 'more detail: every result in text reports, stack traces on internal errors'));
}

/**
 * Builds the program. `setExitCode` receives each command's exit code; usage errors surface as thrown
 * CommanderErrors (exitOverride), so the caller prints them as one line.
 */
export function buildProgram(ctx: CliContext, setExitCode: (code: number) => void): Command {
  const program = new Command('cloud502')
    .description('Finds the load-balancer misconfigurations behind HTTP 502/503/504 (AWS; Azure and Google Cloud later).')
    .version(toolVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => void ctx.io.stdout.write(s),
      writeErr: (s) => void ctx.io.stderr.write(s),
      // Errors are printed by main() as `cloud502: <message>`, one line.
      outputError: () => undefined,
    });

  addSourceOptions(program.command('audit').description('audit load balancers and print the findings'))
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('text'))
    .addOption(new Option('-o, --output <file>', 'write the report to a file instead of stdout'))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a failure is at or above this severity ("none": never)')
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .addOption(new Option('--checks <list>', 'run only these checks: ids, families or globs (comma-separated, repeatable)').argParser(collectList))
    .addOption(new Option('--skip-checks <list>', 'skip these checks: ids, families or globs').argParser(collectList))
    .addOption(new Option('--config <file>', 'config file (default: .cloud502.yml, .cloud502.yaml or .cloud502.json in the working directory)'))
    .addOption(new Option('--no-color', 'no ANSI colors (also: NO_COLOR); colors are only used on a terminal'))
    .addOption(
      new Option('--probe', 'measure the targets from this machine: TLS handshake and certificate, HTTP keep-alive (connects to your targets)').conflicts(
        'demo',
      ),
    )
    .addOption(new Option('--probe-idle', 'with --probe: hold an idle connection to time when each backend closes it (slow)').implies({ probe: true }))
    .addOption(
      new Option('--probe-cidr <cidr>', 'with --probe: only probe targets in these CIDRs (default: only the target addresses the inventory names)')
        .argParser(collectList)
        .implies({ probe: true }),
    )
    .addOption(new Option('--probe-concurrency <n>', 'with --probe: probes in flight at once (default 8)').argParser(parseConcurrency))
    .addOption(new Option('--probe-timeout <duration>', 'with --probe: deadline of one probe, e.g. 5s (default 5s)').argParser(parseProbeTimeout))
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (flags: AuditFlags) => {
      const { auditCommand } = await import('./commands/audit.js');
      setExitCode(await auditCommand(flags, ctx));
    });

  addSourceOptions(
    program.command('collect').description('collect a raw snapshot to audit later with "audit --snapshot" (share it for a bug report)'),
  )
    .requiredOption('--out <file>', 'where to write the raw snapshot (JSON)')
    .action(async (flags: CollectFlags) => {
      const { collectCommand } = await import('./commands/collect.js');
      setExitCode(await collectCommand(flags, ctx));
    });

  program
    .command('checks')
    .description('list the check catalog')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('text'))
    .action(async (flags: ChecksFlags) => {
      const { checksCommand } = await import('./commands/checks.js');
      setExitCode(await checksCommand(flags, ctx));
    });

  return program;
}
