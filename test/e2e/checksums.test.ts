import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChecksumHasher } from '../../src/s3/checksums.js';
import type { ChecksumAlgorithm } from '../../src/s3/types.js';
import { sendSigned } from '../helpers/raw-request.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
const bucket = 'checksums';

beforeAll(async () => {
  server = await startTestServer();
  expect((await sendSigned(server.port, { method: 'PUT', path: `/${bucket}` })).status).toBe(200);
});
afterAll(async () => server?.stop());

const digest = (algorithm: ChecksumAlgorithm, data: Buffer) => {
  const h = createChecksumHasher(algorithm);
  h.update(data);
  return h.digestBase64();
};

describe('x-amz-checksum-* on PutObject', () => {
  it.each(['CRC32', 'CRC32C', 'SHA1', 'SHA256'] as const)('the JS SDK computes %s; the server verifies, stores and returns it', async (algorithm) => {
    const s3 = server.client();
    const data = randomBytes(123_457);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `sdk-${algorithm}`, Body: data, ChecksumAlgorithm: algorithm }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `sdk-${algorithm}`, ChecksumMode: 'ENABLED' }));
    expect(head[`Checksum${algorithm}`]).toBe(digest(algorithm, data));
    expect(head.ChecksumType).toBe('FULL_OBJECT');
  });

  it.each(['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const)('%s in a header: right is stored, wrong is BadDigest', async (algorithm) => {
    const data = randomBytes(10_000);
    const header = `x-amz-checksum-${algorithm.toLowerCase()}`;
    const ok = await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/raw-${algorithm}`, body: data, headers: { [header]: digest(algorithm, data) } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.headers[header]).toBe(digest(algorithm, data));
    const got = await sendSigned(server.port, { method: 'GET', path: `/${bucket}/raw-${algorithm}`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    expect(got.headers[header]).toBe(digest(algorithm, data));
    const wrong = await sendSigned(server.port, { method: 'PUT', path: `/${bucket}/raw-${algorithm}-bad`, body: data, headers: { [header]: digest(algorithm, Buffer.from('other')) } });
    expect({ status: wrong.status, code: wrong.code }).toEqual({ status: 400, code: 'BadDigest' });
  });

  it('never returns a whole-object checksum on a range response, nor without checksum mode', async () => {
    const s3 = server.client();
    const data = randomBytes(50_000);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranged', Body: data, ChecksumAlgorithm: 'SHA256' }));
    const ranged = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: 'bytes=0-99', ChecksumMode: 'ENABLED' }));
    expect(ranged.ChecksumSHA256).toBeUndefined();
    expect(Buffer.from(await ranged.Body!.transformToByteArray()).equals(data.subarray(0, 100))).toBe(true);
    const plain = await sendSigned(server.port, { method: 'HEAD', path: `/${bucket}/ranged` });
    expect(plain.headers['x-amz-checksum-sha256']).toBeUndefined();
    expect(plain.headers.etag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
  });

  it('two checksum headers at once are InvalidRequest', async () => {
    const data = Buffer.from('two');
    const res = await sendSigned(server.port, {
      method: 'PUT',
      path: `/${bucket}/two`,
      body: data,
      headers: { 'x-amz-checksum-crc32': digest('CRC32', data), 'x-amz-checksum-sha1': digest('SHA1', data) },
    });
    expect({ status: res.status, code: res.code }).toEqual({ status: 400, code: 'InvalidRequest' });
  });
});
