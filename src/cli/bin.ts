#!/usr/bin/env node
import { main } from './main.js';

// `cloud502 audit | head` closes stdout early; that is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

try {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
} catch (err) {
  // main() reports its own errors; this is the last line of defence, still one line.
  process.stderr.write(`cloud502: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
}
