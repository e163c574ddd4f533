import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCopyCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkErrorOf } from '../helpers/errors.js';
import { checksumOf, complete, expectedEtag, md5Hex, MIN_PART, randomParts, startAndUpload } from '../helpers/multipart.js';
import { sendSigned } from '../helpers/raw-request.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let s3: S3Client;
const bucket = 'mpu-reads';
let parts: Buffer[];
let etag: string;

beforeAll(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  parts = randomParts(3, 2000);
  const up = await startAndUpload(s3, { Bucket: bucket, Key: 'multi', ChecksumAlgorithm: 'CRC32C' }, parts, { ChecksumAlgorithm: 'CRC32C' });
  etag = (await complete(s3, bucket, 'multi', up)).ETag!;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'single', Body: 'single-part body' }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});


describe('GetObject / HeadObject with partNumber', () => {
  it('answers each part of a multipart object as a 206 range with x-amz-mp-parts-count and the part checksum', async () => {
    let offset = 0;
    const total = parts.reduce((n, p) => n + p.length, 0);
    for (const [i, part] of parts.entries()) {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'multi', PartNumber: i + 1, ChecksumMode: 'ENABLED' }));
      expect(got.$metadata.httpStatusCode).toBe(206);
      expect(got.ContentRange).toBe(`bytes ${offset}-${offset + part.length - 1}/${total}`);
      expect(got.PartsCount).toBe(3);
      expect(got.ETag).toBe(etag);
      expect(got.ChecksumCRC32C).toBe(checksumOf('CRC32C', part));
      expect(md5Hex(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5Hex(part));
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'multi', PartNumber: i + 1 }));
      expect([head.$metadata.httpStatusCode, head.ContentLength, head.PartsCount]).toEqual([206, part.length, 3]);
      offset += part.length;
    }
  });

  it('a single-part object is its own part 1; other part numbers are InvalidPartNumber (416)', async () => {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'single', PartNumber: 1 }));
    expect([got.$metadata.httpStatusCode, got.ContentRange, got.PartsCount]).toEqual([206, 'bytes 0-15/16', undefined]);
    expect(await got.Body!.transformToString()).toBe('single-part body');
    expect(await sdkErrorOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'single', PartNumber: 2 })))).toEqual({ name: 'InvalidPartNumber', status: 416 });
    expect(await sdkErrorOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'multi', PartNumber: 4 })))).toEqual({ name: 'InvalidPartNumber', status: 416 });
    expect(await sdkErrorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'multi', PartNumber: 4 })))).toMatchObject({ status: 416 });
  });

  it('partNumber with Range is InvalidRequest; a malformed partNumber is InvalidArgument', async () => {
    expect(await sdkErrorOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'multi', PartNumber: 1, Range: 'bytes=0-9' })))).toEqual({ name: 'InvalidRequest', status: 400 });
    for (const n of ['0', '10001', 'x']) {
      const r = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/multi?partNumber=${n}` });
      expect([r.status, r.code]).toEqual([400, 'InvalidArgument']);
    }
  });
});

describe('GetObjectAttributes', () => {
  it('answers only the attributes asked for, with the ETag unquoted and the parts of a checksummed multipart object', async () => {
    const all = await s3.send(
      new GetObjectAttributesCommand({ Bucket: bucket, Key: 'multi', ObjectAttributes: ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'], MaxParts: 2 }),
    );
    expect(all.ETag).toBe(etag.replace(/"/g, ''));
    expect(all.ObjectSize).toBe(parts.reduce((n, p) => n + p.length, 0));
    expect(all.StorageClass).toBe('STANDARD');
    expect(all.Checksum?.ChecksumType).toBe('COMPOSITE');
    expect(all.Checksum?.ChecksumCRC32C).toMatch(/-3$/);
    expect(all.LastModified).toBeInstanceOf(Date);
    expect(all.ObjectParts).toMatchObject({ TotalPartsCount: 3, MaxParts: 2, IsTruncated: true, NextPartNumberMarker: '2' });
    expect(all.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size, p.ChecksumCRC32C])).toEqual(parts.slice(0, 2).map((p, i) => [i + 1, p.length, checksumOf('CRC32C', p)]));
    const rest = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'multi', ObjectAttributes: ['ObjectParts'], MaxParts: 2, PartNumberMarker: '2' }));
    expect(rest.ObjectParts?.Parts?.map((p) => p.PartNumber)).toEqual([3]);
    expect(rest.ObjectParts?.IsTruncated).toBe(false);
    expect(rest.ETag).toBeUndefined();

    const single = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'single', ObjectAttributes: ['ObjectSize', 'ObjectParts', 'ETag'] }));
    expect([single.ObjectSize, single.ObjectParts, single.ETag]).toEqual([16, undefined, md5Hex(Buffer.from('single-part body'))]);
  });

  it('refuses a missing or unknown attribute name, and answers NoSuchKey for a missing object', async () => {
    const none = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/multi?attributes` });
    expect([none.status, none.code]).toEqual([400, 'InvalidArgument']);
    const bad = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/multi?attributes`, headers: { 'x-amz-object-attributes': 'ETag,Colour' } });
    expect([bad.status, bad.code]).toEqual([400, 'InvalidArgument']);
    expect(await sdkErrorOf(s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'nope', ObjectAttributes: ['ETag'] })))).toMatchObject({ status: 404 });
  });
});

describe('UploadPartCopy', () => {
  it('copies whole objects and byte ranges into parts, under copy-source conditions', async () => {
    const source = randomBytes(MIN_PART + 5000);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: source }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copied', ChecksumAlgorithm: 'SHA256' }));
    const copy = (PartNumber: number, CopySourceRange?: string, extra = {}) =>
      s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied', UploadId, PartNumber, CopySource: `${bucket}/src`, CopySourceRange, ...extra }));
    const p1 = await copy(1, `bytes=0-${MIN_PART - 1}`, { CopySourceIfMatch: `"${md5Hex(source)}"` });
    const p2 = await copy(2, `bytes=${MIN_PART}-${MIN_PART + 4999}`);
    const whole = await copy(3);
    expect(p1.CopyPartResult?.ETag).toBe(`"${md5Hex(source.subarray(0, MIN_PART))}"`);
    expect(p1.CopyPartResult?.ChecksumSHA256).toBe(checksumOf('SHA256', source.subarray(0, MIN_PART)));
    expect(whole.CopyPartResult?.ETag).toBe(`"${md5Hex(source)}"`);
    expect(p2.CopyPartResult?.LastModified).toBeInstanceOf(Date);

    expect(await sdkErrorOf(copy(4, `bytes=0-${source.length}`))).toEqual({ name: 'InvalidRange', status: 416 });
    expect(await sdkErrorOf(copy(4, 'bytes=10-5'))).toEqual({ name: 'InvalidArgument', status: 400 });
    expect(await sdkErrorOf(copy(4, 'bytes=0-'))).toEqual({ name: 'InvalidArgument', status: 400 });
    expect(await sdkErrorOf(copy(4, undefined, { CopySourceIfNoneMatch: `"${md5Hex(source)}"` }))).toEqual({ name: 'PreconditionFailed', status: 412 });
    expect(await sdkErrorOf(copy(10001))).toMatchObject({ status: 400 });

    const done = await complete(s3, bucket, 'copied', {
      uploadId: UploadId!,
      parts: [p1, p2].map((p, i) => ({ PartNumber: i + 1, ETag: p.CopyPartResult?.ETag, ChecksumSHA256: p.CopyPartResult?.ChecksumSHA256 })),
    });
    expect(done.ETag).toBe(`"${expectedEtag([source.subarray(0, MIN_PART), source.subarray(MIN_PART)])}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copied' }));
    expect(md5Hex(Buffer.from(await got.Body!.transformToByteArray()))).toBe(md5Hex(source));
  });

  it('a missing source is NoSuchKey; a missing upload is NoSuchUpload', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copied2' }));
    expect(await sdkErrorOf(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied2', UploadId, PartNumber: 1, CopySource: `${bucket}/absent` })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(await sdkErrorOf(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied2', UploadId: 'nope', PartNumber: 1, CopySource: `${bucket}/single` })))).toEqual({ name: 'NoSuchUpload', status: 404 });
  });
});

