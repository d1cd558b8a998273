/**
 * One `cloud502` CLI run in a process of its own, so that its peak memory is the audit's and the report's alone.
 * argv[2..] are the CLI arguments; prints one JSON line on stderr at exit: exit code, wall time, peak RSS.
 * Started by bench/report-scale.ts.
 */
import { main } from '../src/cli/main.js';

const started = performance.now();
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.stderr.write(`${JSON.stringify({ code, wallMs: Math.round(performance.now() - started), peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
process.exitCode = code;
