// The AWS adapter: wired by the collect and normalize work (see providers/aws/collect and providers/aws/normalize).
export const awsAdapter = undefined;
