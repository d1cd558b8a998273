/**
 * The commander program: flags, help and validation only. Command bodies are imported when they run, so `--help`
 * and `--version` load neither the check catalog nor any provider SDK.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { PROVIDER_DESCRIPTORS } from '../../providers/index.js';
import type { ProviderOptionSpec } from '../provider.js';
import { toolVersion } from '../audit.js';
import { SEVERITIES } from '../engine/result.js';
import { REPORT_FORMATS } from '../report/render.js';
import type { Provider } from '../model/index.js';
import type { AuditFlags, BaselineCreateFlags, ChecksFlags, CliContext, CollectFlags, DiffFlags, ExplainFlags, ReportFlags } from './context.js';
import { CATALOG_FORMATS, DIFF_FORMATS } from './context.js';
import { collectList, DEFAULT_TIMEOUT_SECONDS, formatList, parseConcurrency, parseEndpointUrl, parseMetricsWindow, parseProbeTimeout, parseTimeout } from './options.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  no failure at or above --fail-on (with --fail-on-coverage-gap: and nothing missing)
  1  failures at or above --fail-on
  2  usage, config, credentials or snapshot error, or nothing audited (no load balancer listing succeeded)
  3  with --fail-on-coverage-gap: the audit is partial (some data could not be collected)`;

const DIFF_HELP = `
Change review: compare the JSON reports of two audits (e.g. before and after a change, or yesterday's scheduled
audit and today's) by finding fingerprint. Lists new findings, resolved ones (saying whether they now pass or
merely could not be checked) and findings whose severity changed.

  cloud502 audit --format json --output before.json
  # ... apply the change ...
  cloud502 audit --format json --output after.json
  cloud502 diff before.json after.json --format markdown   # e.g. as a pull-request comment

Exit codes (the gate):
  0  no new finding, and no severity increase, at or above --fail-on
  1  a new finding, or a finding whose severity rose, at or above --fail-on
     (findings already present at that severity do not fail a change)
  2  usage error, or a file that is not a cloud502 JSON report`;

const REPORT_HELP = `
The JSON report (audit --format json) is the archived artifact; every other format is rendered from it.

  cloud502 report results.json --format html --output report.html
  cloud502 report results.json --format markdown,sarif --output-dir out/

Exit codes:
  0  rendered
  2  usage error, or a file that is not a cloud502 JSON report`;

const BASELINE_HELP = `
Accepts every failing finding of a saved JSON report, by fingerprint, with a reason and an optional expiry.
Pass the file to "audit --baseline FILE", or copy its entries under "baseline:" in .cloud502.yml.
Accepted findings are reported as "suppressed"; once "expires" has passed (end of that day, UTC) they fail again
and say that their acceptance expired.

  cloud502 audit --format json --output results.json
  cloud502 baseline create results.json --reason "legacy ALB, replaced in Q1 (JIRA-123)" --expires 2027-03-31
  cloud502 audit --baseline .cloud502-baseline.yml`;

const EXPLAIN_HELP = `
Everything about one finding (message, why it causes the 5xx, evidence with every metric, what causes it and what
it causes, the full fix, docs) or one check (what it checks, why, the fix templates, thresholds, its results).
A finding is looked up by its fingerprint, or a unique prefix of at least 4 hex digits as the text report shows it,
in a saved JSON report or in the audit the source flags describe.

  cloud502 explain 3f1c9a2b --demo
  cloud502 explain 3f1c9a2b --report results.json
  cloud502 explain network/health-check-port-blocked

Exit codes:
  0  explained
  2  unknown or ambiguous id, or a usage error`;

const LIVE_ONLY = ['snapshot', 'demo'];

const FORMATS_HELP = `report format: ${REPORT_FORMATS.join(', ')}; repeat or comma-separate for several, written into --output-dir (default: text)`;

/** The report output flags shared by `audit` and `report`. */
function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', FORMATS_HELP).argParser(formatList(REPORT_FORMATS)))
    .addOption(new Option('-o, --output <file>', 'write the report to a file instead of stdout (one format)').conflicts('outputDir'))
    .addOption(new Option('--output-dir <dir>', 'write each format to DIR/cloud502-report.<ext> (.txt .json .md .html .sarif .junit.xml .csv); created if missing'))
    .addOption(new Option('--no-color', 'no ANSI colors (also: NO_COLOR); colors are only used on a terminal'));
}

/** Each provider option once, with the providers that declare it (`--region` is AWS's and Google's). */
function providerOptionTable(): Array<{ spec: ProviderOptionSpec; providers: string[] }> {
  const table: Array<{ spec: ProviderOptionSpec; providers: string[] }> = [];
  for (const d of PROVIDER_DESCRIPTORS) {
    for (const spec of d.options) {
      const seen = table.find((e) => e.spec.key === spec.key);
      if (seen) seen.providers.push(d.id);
      else table.push({ spec, providers: [d.id] });
    }
  }
  return table;
}

/**
 * Commander's parser for a provider option: collects lists (repeatable and comma-separated). Values are validated by
 * the chosen provider once the command runs, since one flag (`--region`) can belong to several providers.
 */
function providerOptionParser(spec: ProviderOptionSpec): ((value: string, previous: unknown) => unknown) | undefined {
  if (!spec.list) return undefined;
  return (value: string, previous: unknown) => {
    const values = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (values.length === 0) throw new InvalidArgumentError('Expected a comma-separated list.');
    return [...new Set([...((previous as string[] | undefined) ?? []), ...values])];
  };
}

function addSourceOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('--provider <name>', 'cloud provider').choices(PROVIDER_DESCRIPTORS.map((d) => d.id)).default('aws').conflicts(LIVE_ONLY))
    .addOption(
      new Option('--endpoint-url <url>', "override the provider's API endpoint (default: the provider's own variable, e.g. $AWS_ENDPOINT_URL)")
        .argParser(parseEndpointUrl)
        .conflicts(LIVE_ONLY),
    );
  for (const { spec, providers } of providerOptionTable()) {
    const option = new Option(spec.flags, `${spec.description} [${providers.join(', ')}]`).conflicts(LIVE_ONLY);
    const parser = providerOptionParser(spec);
    cmd.addOption(parser ? option.argParser(parser) : option);
  }
  return cmd
    .addOption(new Option('--snapshot <file>', 'use a raw snapshot written by "cloud502 collect" instead of the cloud').conflicts(['demo']))
    .addOption(new Option('--demo', 'use the bundled demo environments (no cloud access; output is marked as demo data)'))
    .addOption(
      new Option('--metrics-window <duration>', 'metrics window: 30m, 6h, 24h, 7d or seconds; 0 disables; at most 63d')
        .argParser(parseMetricsWindow)
        .default(86_400, '24h')
        .conflicts(LIVE_ONLY),
    )
    .addOption(new Option('--concurrency <n>', 'maximum concurrent API calls').argParser(parseConcurrency).conflicts(LIVE_ONLY))
    .addOption(
      new Option('--timeout <duration>', 'deadline of the collection, e.g. 5m; past it the report is written with what was collected, marked partial')
        .argParser(parseTimeout)
        .default(DEFAULT_TIMEOUT_SECONDS, '15m')
        .conflicts(LIVE_ONLY),
    )
    .addOption(new Option('-q, --quiet', 'no progress or status lines on stderr').conflicts('verbose'))
    .addOption(new Option('-v, --verbose', 'more detail: every result in text reports, stack traces on internal errors'));
}

/**
 * Builds the program. `setExitCode` receives each command's exit code; usage errors surface as thrown
 * CommanderErrors (exitOverride), so the caller prints them as one line.
 */
export function buildProgram(ctx: CliContext, setExitCode: (code: number) => void): Command {
  const program = new Command('cloud502')
    .description(`Finds the load-balancer misconfigurations behind HTTP 502/503/504 (${PROVIDER_DESCRIPTORS.map((d) => d.title).join(', ')}).`)
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

  addOutputOptions(addSourceOptions(program.command('audit').description('audit load balancers and print the findings')))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a failure is at or above this severity ("none": never)')
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .addOption(new Option('--fail-on-coverage-gap', 'exit 3 when the audit is partial (a scope, an API or the deadline left data uncollected)'))
    .addOption(new Option('--checks <list>', 'run only these checks: ids, families or globs (comma-separated, repeatable)').argParser(collectList))
    .addOption(new Option('--skip-checks <list>', 'skip these checks: ids, families or globs').argParser(collectList))
    .addOption(new Option('--config <file>', 'config file (default: .cloud502.yml, .cloud502.yaml or .cloud502.json in the working directory)'))
    .addOption(
      new Option('--save-snapshot <file>', 'also write the raw snapshot this audit evaluated (replay it later with --snapshot)').conflicts('demo'),
    )
    .addOption(
      new Option('--baseline <file>', 'accepted findings (YAML or JSON with a "baseline:" list, see "baseline create"), added to the config\'s baseline'),
    )
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
    .addOption(new Option('--include-series', 'keep every metric series (per-period points) in the report; by default findings carry sum / peak / p99 summaries'))
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

  addOutputOptions(program.command('report').description('re-render a saved JSON report in other formats').argument('<report>', 'a JSON report (audit --format json)'))
    .addOption(new Option('-v, --verbose', 'text: list every result, passes included'))
    .addOption(new Option('-q, --quiet', 'no status line on stderr').conflicts('verbose'))
    .addHelpText('after', REPORT_HELP)
    .action(async (file: string, flags: ReportFlags) => {
      const { reportCommand } = await import('./commands/report.js');
      setExitCode(await reportCommand(file, flags, ctx));
    });

  addSourceOptions(
    program
      .command('explain')
      .description('explain one finding (by fingerprint) or one check (by id) in full')
      .argument('<id>', 'a finding fingerprint (or a unique prefix of 4+ hex digits) or a check id'),
  )
    .addOption(new Option('--report <file>', 'look the finding up in this saved JSON report (audit --format json)').conflicts(['snapshot', 'demo']))
    .addOption(new Option('--config <file>', 'config file, as for audit'))
    .addOption(new Option('--baseline <file>', 'accepted findings, as for audit'))
    .addOption(new Option('--no-color', 'no ANSI colors (also: NO_COLOR); colors are only used on a terminal'))
    .addHelpText('after', EXPLAIN_HELP)
    .action(async (id: string, flags: ExplainFlags) => {
      const { explainCommand } = await import('./commands/explain.js');
      setExitCode(await explainCommand(id, flags, ctx));
    });

  program
    .command('diff')
    .description('compare two JSON reports: new, resolved and changed findings (the change-review gate)')
    .argument('<before>', 'the earlier JSON report')
    .argument('<after>', 'the later JSON report')
    .addOption(new Option('--format <format>', 'output format').choices(DIFF_FORMATS).default('text'))
    .addOption(new Option('-o, --output <file>', 'write the diff to a file instead of stdout'))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a new finding (or a severity increase) is at or above this severity ("none": never)')
        .choices([...SEVERITIES, 'none'])
        .default('high'),
    )
    .addOption(new Option('-q, --quiet', 'no status line on stderr'))
    .addHelpText('after', DIFF_HELP)
    .action(async (before: string, after: string, flags: DiffFlags) => {
      const { diffCommand } = await import('./commands/diff.js');
      setExitCode(await diffCommand(before, after, flags, ctx));
    });

  const baseline = program.command('baseline').description('manage accepted findings (the baseline)');
  baseline
    .command('create')
    .description('accept every failing finding of a saved JSON report, with a reason and an optional expiry')
    .argument('<report>', 'a JSON report (audit --format json)')
    .requiredOption('--reason <text>', 'why these findings are accepted (written into every entry)')
    .addOption(new Option('--expires <date>', 'accept them through this day (YYYY-MM-DD, UTC); afterwards they fail again'))
    .addOption(new Option('--out <file>', 'where to write the baseline (YAML)').default('.cloud502-baseline.yml'))
    .addOption(new Option('--force', 'replace --out if it exists'))
    .addOption(new Option('-q, --quiet', 'no status line on stderr'))
    .addHelpText('after', BASELINE_HELP)
    .action(async (file: string, flags: BaselineCreateFlags) => {
      const { baselineCreateCommand } = await import('./commands/baseline.js');
      setExitCode(await baselineCreateCommand(file, flags, ctx));
    });

  program
    .command('checks')
    .description('list the check catalog (markdown: the README\'s check table)')
    .addOption(new Option('--format <format>', 'output format').choices(CATALOG_FORMATS).default('text'))
    .action(async (flags: ChecksFlags) => {
      const { checksCommand } = await import('./commands/checks.js');
      setExitCode(await checksCommand(flags, ctx));
    });

  program
    .command('iam-policy')
    .description("print the least-privilege permissions an audit needs, in the provider's format (AWS: IAM policy JSON)")
    .addOption(new Option('--provider <name>', 'cloud provider').choices(PROVIDER_DESCRIPTORS.map((d) => d.id)).default('aws'))
    .action(async (flags: { provider: Provider }) => {
      const { iamPolicyCommand } = await import('./commands/iam-policy.js');
      setExitCode(await iamPolicyCommand(flags.provider, ctx));
    });

  return program;
}
