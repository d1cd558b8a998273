/**
 * The S3 and SNS clients of the Lambda, built on first use and then reused by every invocation of the sandbox.
 * An endpoint override (AWS_ENDPOINT_URL, validated in config) points both at an emulator such as moto.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';

export interface LambdaClientSettings {
  endpointUrl?: string;
  /** The topic's ARN: the SNS client must talk to the topic's region, which may differ from the function's. */
  topicArn?: string;
}

export interface LambdaClients {
  s3(): S3Client;
  sns(): SNSClient;
}

/** The region field of an ARN (`arn:aws:sns:eu-west-1:123456789012:name` → `eu-west-1`). */
export function regionOfArn(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

export function lazyClients(settings: LambdaClientSettings): LambdaClients {
  let s3: S3Client | undefined;
  let sns: SNSClient | undefined;
  const endpoint = settings.endpointUrl !== undefined ? { endpoint: settings.endpointUrl } : {};
  return {
    s3() {
      // A bucket in another region answers with a redirect; following it beats failing the run. Path-style
      // addressing behind an override, because emulators (moto, MinIO) do not resolve `<bucket>.<host>` names.
      s3 ??= new S3Client({ ...endpoint, followRegionRedirects: true, ...(settings.endpointUrl !== undefined ? { forcePathStyle: true } : {}) });
      return s3;
    },
    sns() {
      const region = settings.topicArn !== undefined ? regionOfArn(settings.topicArn) : undefined;
      sns ??= new SNSClient({ ...endpoint, ...(region !== undefined ? { region } : {}) });
      return sns;
    },
  };
}
