/**
 * Uploads a local file to S3 holding at most one part in memory: one PutObject up to MULTIPART_THRESHOLD_BYTES,
 * a multipart upload of PART_SIZE_BYTES parts beyond (S3: parts of 5 MiB to 5 GiB, at most 10,000 parts).
 * A failed multipart upload is aborted, so no parts are left to bill.
 */
import { open } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ReportStoreError } from '../store.js';

export const MULTIPART_THRESHOLD_BYTES = 16 * 1024 * 1024;
export const PART_SIZE_BYTES = 16 * 1024 * 1024;

export interface UploadTarget {
  bucket: string;
  key: string;
  contentType: string;
  metadata?: Record<string, string>;
}

export interface UploadSizes {
  thresholdBytes?: number;
  partBytes?: number;
}

function storeError(target: UploadTarget, err: unknown): ReportStoreError {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const hint = e.name === 'AccessDenied' || status === 403 ? `: the function needs s3:PutObject on s3://${target.bucket}/${target.key}` : '';
  return new ReportStoreError(`cannot write s3://${target.bucket}/${target.key} (${e.name ?? 'Error'}${status ? `, HTTP ${status}` : ''})${hint}`, { cause: err });
}

/** Writes a small object from memory. */
export async function putText(s3: S3Client, target: UploadTarget, body: string): Promise<void> {
  try {
    await s3.send(new PutObjectCommand({ Bucket: target.bucket, Key: target.key, Body: body, ContentType: target.contentType, ...(target.metadata ? { Metadata: target.metadata } : {}) }));
  } catch (err) {
    throw storeError(target, err);
  }
}

/** Uploads `path`; returns its size in bytes. */
export async function uploadFile(s3: S3Client, target: UploadTarget, path: string, sizes: UploadSizes = {}): Promise<number> {
  const threshold = sizes.thresholdBytes ?? MULTIPART_THRESHOLD_BYTES;
  const partBytes = sizes.partBytes ?? PART_SIZE_BYTES;
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const common = { Bucket: target.bucket, Key: target.key };
    if (size <= threshold) {
      const body = Buffer.alloc(size);
      await file.read(body, 0, size, 0);
      try {
        await s3.send(new PutObjectCommand({ ...common, Body: body, ContentType: target.contentType, ...(target.metadata ? { Metadata: target.metadata } : {}) }));
      } catch (err) {
        throw storeError(target, err);
      }
      return size;
    }
    let uploadId: string | undefined;
    try {
      const created = await s3.send(new CreateMultipartUploadCommand({ ...common, ContentType: target.contentType, ...(target.metadata ? { Metadata: target.metadata } : {}) }));
      uploadId = created.UploadId;
      if (!uploadId) throw new Error('CreateMultipartUpload answered without an UploadId');
      const parts: Array<{ ETag: string; PartNumber: number }> = [];
      const buffer = Buffer.alloc(partBytes);
      for (let offset = 0, part = 1; offset < size; offset += partBytes, part += 1) {
        const { bytesRead } = await file.read(buffer, 0, Math.min(partBytes, size - offset), offset);
        const out = await s3.send(new UploadPartCommand({ ...common, UploadId: uploadId, PartNumber: part, Body: buffer.subarray(0, bytesRead) }));
        if (!out.ETag) throw new Error(`UploadPart ${part} answered without an ETag`);
        parts.push({ ETag: out.ETag, PartNumber: part });
      }
      await s3.send(new CompleteMultipartUploadCommand({ ...common, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
      return size;
    } catch (err) {
      if (uploadId) {
        await s3.send(new AbortMultipartUploadCommand({ ...common, UploadId: uploadId })).catch(() => undefined);
      }
      throw err instanceof ReportStoreError ? err : storeError(target, err);
    }
  } finally {
    await file.close();
  }
}
