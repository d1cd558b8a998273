/**
 * Test helpers for the Lambda suites: the AWS test environment, an SQS queue subscribed to an SNS topic on moto
 * (SQS through its JSON protocol with fetch: no SQS client is a dependency), and reading S3 objects.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { vi } from 'vitest';

/** Credentials moto accepts; no real endpoint can be reached with them, and no metadata service is probed. */
export function stubAwsEnv(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.stubEnv('CLOUD502_AWS_MAX_ATTEMPTS', '2');
}

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export function testS3(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, maxAttempts: 1 });
}

export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  const s3 = testS3(endpoint);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}

export async function readObject(s3: S3Client, bucket: string, key: string): Promise<{ body: string; contentType?: string; metadata: Record<string, string> }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { body: (await out.Body?.transformToString('utf-8')) ?? '', ...(out.ContentType ? { contentType: out.ContentType } : {}), metadata: out.Metadata ?? {} };
}

export async function objectExists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (err) {
    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw err;
  }
}

async function sqs<T>(endpoint: string, region: string, action: string, body: object): Promise<T> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `AmazonSQS.${action}`,
      // moto reads the region from the credential scope; it does not verify the signature.
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`SQS ${action}: HTTP ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** What SNS delivers to SQS (not raw delivery). */
export interface SnsEnvelope {
  Type: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
}

export interface TopicProbe {
  topicArn: string;
  /** Every notification delivered since the last call. moto delivers SNS → SQS during Publish. */
  drain(): Promise<SnsEnvelope[]>;
}

/** Creates a topic and an SQS queue subscribed to it, in `region`. */
export async function createTopicWithQueue(endpoint: string, region: string, name: string): Promise<TopicProbe> {
  const sns = new SNSClient({ endpoint, region, credentials, maxAttempts: 1 });
  try {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn;
    if (!topicArn) throw new Error('moto returned no topic ARN');
    const { QueueUrl } = await sqs<{ QueueUrl: string }>(endpoint, region, 'CreateQueue', { QueueName: `${name}-probe` });
    const { Attributes } = await sqs<{ Attributes: { QueueArn: string } }>(endpoint, region, 'GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] });
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes.QueueArn }));
    return {
      topicArn,
      async drain() {
        const out: SnsEnvelope[] = [];
        for (;;) {
          const { Messages } = await sqs<{ Messages?: Array<{ Body: string; ReceiptHandle: string }> }>(endpoint, region, 'ReceiveMessage', {
            QueueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
          });
          if (!Messages?.length) return out;
          for (const m of Messages) {
            out.push(JSON.parse(m.Body) as SnsEnvelope);
            await sqs(endpoint, region, 'DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle });
          }
        }
      },
    };
  } finally {
    sns.destroy();
  }
}
