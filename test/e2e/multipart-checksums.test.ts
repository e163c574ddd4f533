import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client, UploadPartCommand, CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChecksumAlgorithm } from '../../src/s3/types.js';
import { sdkErrorOf } from '../helpers/errors.js';
import { checksumOf, complete, expectedEtag, MiB, randomParts, sha256Hex, startAndUpload } from '../helpers/multipart.js';
import { sendSigned } from '../helpers/raw-request.js';
import { ACCESS_KEY, REGION, SECRET_KEY, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let s3: S3Client;
const bucket = 'mpu-checksums';

beforeAll(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

/** Independent expectation: the checksum of the concatenated binary part checksums, then -N. */
function composite(algorithm: ChecksumAlgorithm, parts: Buffer[]): string {
  const binary = Buffer.concat(parts.map((p) => Buffer.from(checksumOf(algorithm, p), 'base64')));
  return `${checksumOf(algorithm, binary)}-${parts.length}`;
}

const field = (algorithm: ChecksumAlgorithm) => `Checksum${algorithm}` as const;

describe('multipart checksums', () => {
  for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const) {
    it(`${algorithm} COMPOSITE: each part checked, the object's checksum is over the part checksums`, async () => {
      const parts = randomParts(2, 4321);
      const key = `composite-${algorithm}`;
      const up = await startAndUpload(s3, { Bucket: bucket, Key: key, ChecksumAlgorithm: algorithm }, parts, { ChecksumAlgorithm: algorithm });
      expect(up.parts.map((p) => p[field(algorithm)])).toEqual(parts.map((p) => checksumOf(algorithm, p)));
      const done = await complete(s3, bucket, key, up);
      expect(done[field(algorithm)]).toBe(composite(algorithm, parts));
      expect(done.ChecksumType).toBe('COMPOSITE');
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      expect([head[field(algorithm)], head.ChecksumType]).toEqual([composite(algorithm, parts), 'COMPOSITE']);
    });
  }

  for (const algorithm of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    it(`${algorithm} FULL_OBJECT: the object's checksum equals a checksum of the whole object`, async () => {
      const parts = randomParts(3, 999);
      const key = `full-${algorithm}`;
      const whole = checksumOf(algorithm, Buffer.concat(parts));
      const up = await startAndUpload(s3, { Bucket: bucket, Key: key, ChecksumAlgorithm: algorithm, ChecksumType: 'FULL_OBJECT' }, parts, { ChecksumAlgorithm: algorithm });
      const done = await complete(s3, bucket, key, up, { ChecksumType: 'FULL_OBJECT', [field(algorithm)]: whole });
      expect([done[field(algorithm)], done.ChecksumType]).toEqual([whole, 'FULL_OBJECT']);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      expect(sha256Hex(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256Hex(Buffer.concat(parts)));
      expect(got[field(algorithm)]).toBe(whole);
    });
  }

  it('a wrong whole-object checksum or checksum type on completion is BadDigest; nothing is created', async () => {
    const parts = randomParts(2, 10);
    const up = await startAndUpload(s3, { Bucket: bucket, Key: 'bad-digest', ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' }, parts, { ChecksumAlgorithm: 'CRC32' });
    expect(await sdkErrorOf(complete(s3, bucket, 'bad-digest', up, { ChecksumCRC32: checksumOf('CRC32', Buffer.from('other')) }))).toEqual({ name: 'BadDigest', status: 400 });
    expect(await sdkErrorOf(complete(s3, bucket, 'bad-digest', up, { ChecksumType: 'COMPOSITE' }))).toEqual({ name: 'BadDigest', status: 400 });
    expect(await sdkErrorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'bad-digest' })))).toMatchObject({ status: 404 });
    expect((await complete(s3, bucket, 'bad-digest', up)).ChecksumCRC32).toBe(checksumOf('CRC32', Buffer.concat(parts)));
  });

  it('a COMPOSITE completion without a part checksum is InvalidRequest; a wrong one is InvalidPart', async () => {
    const parts = randomParts(2, 10);
    const up = await startAndUpload(s3, { Bucket: bucket, Key: 'missing-ck', ChecksumAlgorithm: 'SHA256' }, parts, { ChecksumAlgorithm: 'SHA256' });
    const [p1, p2] = up.parts;
    const without = { uploadId: up.uploadId, parts: [p1, { PartNumber: 2, ETag: p2.ETag }] };
    expect(await sdkErrorOf(complete(s3, bucket, 'missing-ck', without))).toEqual({ name: 'InvalidRequest', status: 400 });
    const wrong = { uploadId: up.uploadId, parts: [p1, { ...p2, ChecksumSHA256: p1.ChecksumSHA256 }] };
    expect(await sdkErrorOf(complete(s3, bucket, 'missing-ck', wrong))).toEqual({ name: 'InvalidPart', status: 400 });
  });

  it('a part sent without the upload\'s checksum gets it computed; a part with another algorithm is refused', async () => {
    const bare = new S3Client({
      endpoint: server.endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    try {
      const { UploadId } = await bare.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'computed', ChecksumAlgorithm: 'CRC32C' }));
      const data = randomBytes(100_000);
      const part = await bare.send(new UploadPartCommand({ Bucket: bucket, Key: 'computed', UploadId, PartNumber: 1, Body: data }));
      expect(part.ChecksumCRC32C).toBe(checksumOf('CRC32C', data));
      const other = await sdkErrorOf(bare.send(new UploadPartCommand({ Bucket: bucket, Key: 'computed', UploadId, PartNumber: 2, Body: data, ChecksumAlgorithm: 'SHA1' })));
      expect(other).toEqual({ name: 'InvalidRequest', status: 400 });
      const done = await complete(bare, bucket, 'computed', { uploadId: UploadId!, parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumCRC32C: part.ChecksumCRC32C }] });
      expect(done.ChecksumCRC32C).toBe(composite('CRC32C', [data]));
    } finally {
      bare.destroy();
    }
  });

  it('an upload without an algorithm takes parts with SDK-default CRC32s, with or without them named on completion', async () => {
    const parts = randomParts(2, 10);
    const up = await startAndUpload(s3, { Bucket: bucket, Key: 'no-alg' }, parts);
    expect(up.parts[0].ChecksumCRC32).toBe(checksumOf('CRC32', parts[0]));
    const done = await complete(s3, bucket, 'no-alg', { uploadId: up.uploadId, parts: up.parts.map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag })) });
    expect(done.ETag).toBe(`"${expectedEtag(parts)}"`);
    expect(done.ChecksumCRC32).toBeUndefined();
  });

  it('the composite checksum header on completion does not disturb the XML body check', async () => {
    const parts = randomParts(1, 50);
    const up = await startAndUpload(s3, { Bucket: bucket, Key: 'hdr', ChecksumAlgorithm: 'SHA1' }, parts, { ChecksumAlgorithm: 'SHA1' });
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${up.parts[0].ETag}</ETag><ChecksumSHA1>${up.parts[0].ChecksumSHA1}</ChecksumSHA1></Part></CompleteMultipartUpload>`;
    const r = await sendSigned(server.port, { method: 'POST', path: `/${bucket}/hdr?uploadId=${up.uploadId}`, headers: { 'x-amz-checksum-sha1': composite('SHA1', parts) }, body: xml });
    expect(r.status, r.text).toBe(200);
    expect(r.text).toContain(`<ChecksumSHA1>${composite('SHA1', parts)}</ChecksumSHA1>`);
  });
});

describe('@aws-sdk/lib-storage Upload with default settings', () => {
  it('sends CRC32 per part and gets the COMPOSITE CRC32 of the parts back', async () => {
    const data = randomBytes(12 * MiB + 17);
    const partSize = 5 * MiB;
    const upload = new Upload({ client: s3, params: { Bucket: bucket, Key: 'lib-storage/default.bin', Body: data }, partSize, queueSize: 3 });
    const result = await upload.done();
    const parts = [data.subarray(0, partSize), data.subarray(partSize, 2 * partSize), data.subarray(2 * partSize)];
    expect(result.ETag).toBe(`"${expectedEtag(parts)}"`);
    expect(result.ChecksumCRC32).toBe(composite('CRC32', parts));
    expect(result.ChecksumType).toBe('COMPOSITE');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'lib-storage/default.bin', ChecksumMode: 'ENABLED' }));
    expect(sha256Hex(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256Hex(data));
  });
});
