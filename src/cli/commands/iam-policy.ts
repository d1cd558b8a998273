import type { CliContext } from '../context.js';

/** `cloud502 iam-policy`: the least-privilege policy an AWS audit needs, as JSON for `aws iam create-policy`. */
export async function iamPolicyCommand(ctx: CliContext): Promise<number> {
  // providers/aws/iam.ts imports nothing (no SDK), so this stays fast; it is still loaded only when asked for.
  const { awsIamPolicyJson } = await import('../../../providers/aws/iam.js');
  ctx.io.stdout.write(awsIamPolicyJson());
  return 0;
}
