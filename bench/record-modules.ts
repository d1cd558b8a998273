/**
 * Preloaded with `node --import ./dist/bench/record-modules.js …`: records the URL of every module the process
 * resolves (ESM imports and CommonJS requires alike, through a synchronous resolve hook) and writes them, one per
 * line, to the file named by CLOUD502_RECORD_MODULES when the process exits.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const out = process.env.CLOUD502_RECORD_MODULES;
if (out) {
  const seen = new Set<string>();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      seen.add(result.url);
      return result;
    },
  });
  process.on('exit', () => {
    writeFileSync(out, [...seen].join('\n'));
  });
}
