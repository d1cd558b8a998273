const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** Checks the shape of an IAM role ARN so that a typo fails before any API call. */
export function parseRoleArn(value: string): string {
  const arn = value.trim();
  if (!ROLE_ARN.test(arn)) throw new Error(`"${arn}" is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME).`);
  return arn;
}
