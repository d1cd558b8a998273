/**
 * Large organization files go to S3 as multipart uploads holding one part in memory; a failed upload is aborted so
 * no parts are left behind. Against moto, with a fault proxy refusing one part. Owns the bucket below.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { lazyOrgClients } from '../../../src/lambda/org/clients.js';
import { MERGE_ACTIONS } from '../../../src/lambda/org/permissions.js';
import { uploadFile } from '../../../src/lambda/org/upload.js';
import { ReportStoreError } from '../../../src/lambda/store.js';
import { stubAwsEnv, testS3 } from '../support.js';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.js';
import { iamActionsOf, record } from './support/recording.js';

const motoUrl = inject('motoUrl');
const BUCKET = 'cloud502-org-upload';
const MIB = 1024 * 1024;

let dir: string;
let file: string;
let content: Buffer;
let s3: S3Client;
let proxy: FaultProxy;

beforeAll(async () => {
  stubAwsEnv();
  dir = await mkdtemp(join(tmpdir(), 'cloud502-upload-'));
  file = join(dir, 'big.json');
  // 11 MiB: two 5 MiB parts (S3's smallest part) and a last one of 1 MiB.
  content = randomBytes(11 * MIB);
  await writeFile(file, content);
  s3 = testS3(motoUrl);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  proxy = await startFaultProxy(motoUrl, [
    ({ method, path }) =>
      method === 'PUT' && path.includes('/refused.json') && path.includes('partNumber=2')
        ? { status: 500, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>' }
        : undefined,
  ]);
});

afterAll(async () => {
  s3?.destroy();
  await proxy?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('uploadFile', () => {
  it('uploads a file above the threshold in parts, byte for byte', async () => {
    const calls = new Set<string>();
    const client = record(lazyOrgClients({ endpointUrl: motoUrl }).s3(), calls);
    const size = await uploadFile(client, { bucket: BUCKET, key: 'org/report.json', contentType: 'application/json' }, file, { thresholdBytes: 5 * MIB, partBytes: 5 * MIB });
    expect(size).toBe(content.length);
    const body = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'org/report.json' }))).Body!.transformToByteArray();
    expect(Buffer.from(body).equals(content)).toBe(true);
    expect([...calls].sort()).toEqual(['s3:CompleteMultipartUpload', 's3:CreateMultipartUpload', 's3:UploadPart']);
  });

  it('puts a file at the threshold in one request', async () => {
    const calls = new Set<string>();
    const client = record(lazyOrgClients({ endpointUrl: motoUrl }).s3(), calls);
    await uploadFile(client, { bucket: BUCKET, key: 'org/small.json', contentType: 'application/json' }, file, { thresholdBytes: 11 * MIB });
    expect([...calls]).toEqual(['s3:PutObject']);
  });

  it('aborts the upload when a part fails, and says which object could not be written', async () => {
    const calls = new Set<string>();
    const client = record(lazyOrgClients({ endpointUrl: proxy.url }).s3(), calls);
    const err = await uploadFile(client, { bucket: BUCKET, key: 'org/refused.json', contentType: 'application/json' }, file, { thresholdBytes: 5 * MIB, partBytes: 5 * MIB }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(ReportStoreError);
    expect(err!.message).toMatch(/^cannot write s3:\/\/cloud502-org-upload\/org\/refused\.json \(InternalError, HTTP 500\)$/);
    expect(calls).toContain('s3:AbortMultipartUpload');
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
    // Every action of the upload path is one the merge is granted.
    const granted: string[] = [...MERGE_ACTIONS.objects, ...MERGE_ACTIONS.abort];
    for (const a of iamActionsOf(calls)) expect(granted).toContain(a);
  });
});
