/**
 * Reading the run's objects: a streamed body (the item list and the ResultWriter files can be large), and whether an
 * object exists. A missing object is an answer (undefined / false), any other failure one clear error.
 */
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ReportStoreError } from '../store.js';

/** The object's body as a stream of bytes, or undefined when it does not exist. */
export async function objectStream(s3: S3Client, bucket: string, key: string): Promise<AsyncIterable<Uint8Array> | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return out.Body as AsyncIterable<Uint8Array> | undefined;
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return undefined;
    throw new ReportStoreError(`cannot read s3://${bucket}/${key} (${e.name ?? 'Error'})`, { cause: err });
  }
}

/** Whether the object exists (HeadObject needs s3:GetObject; s3:ListBucket makes a missing one a 404). */
export async function exists(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return false;
    throw new ReportStoreError(`cannot read s3://${bucket}/${key} (${e.name ?? 'Error'})`, { cause: err });
  }
}
