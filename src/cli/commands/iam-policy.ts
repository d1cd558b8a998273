import { descriptorOf } from '../../../providers/index.js';
import { ConfigError } from '../../errors.js';
import type { Provider } from '../../model/index.js';
import type { CliContext } from '../context.js';

/** `cloud502 iam-policy --provider X`: the least-privilege permission document an audit of that provider needs. */
export async function iamPolicyCommand(provider: Provider, ctx: CliContext): Promise<number> {
  const descriptor = descriptorOf(provider);
  if (!descriptor) throw new ConfigError(`provider ${provider} is not available in this build`);
  // The adapter loads no SDK until it collects, so this stays fast.
  const adapter = await descriptor.load();
  const doc = adapter.permissions();
  ctx.io.stdout.write(doc.text.endsWith('\n') ? doc.text : `${doc.text}\n`);
  return 0;
}
