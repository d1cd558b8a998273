/** Option parsers of the AWS descriptor: shape checks only, so that a typo fails before any API call. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** Checks the shape of an IAM role ARN so that a typo fails before any API call. */
export function parseRoleArn(value: string): string {
  const arn = value.trim();
  if (!ROLE_ARN.test(arn)) throw new Error(`"${arn}" is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME).`);
  return arn;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Checks the shape of a region name (`eu-west-1`); whether it exists is checked when collecting. */
export function parseRegionName(value: string): string {
  const region = value.trim();
  if (!REGION.test(region)) throw new Error(`"${region}" is not a region name (e.g. eu-west-1).`);
  return region;
}
