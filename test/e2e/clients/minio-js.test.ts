import * as Minio from 'minio';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestStream, MiB, patternBuffer, patternDigests, patternStream, sha256Hex } from '../../helpers/data.js';
import { ACCESS_KEY, REGION, SECRET_KEY, startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * The MinIO JavaScript SDK (npm `minio` v8): a multipart putObject of a stream
 * of unknown length in 5 MiB parts, getObject, listObjectsV2, and a presigned
 * GET fetched with plain HTTP.
 */
let server: TestServer;
let mc: Minio.Client;
const bucket = 'minio-js';

const collect = <T>(stream: NodeJS.ReadableStream): Promise<T[]> =>
  new Promise((resolve, reject) => {
    const items: T[] = [];
    stream.on('data', (item: T) => items.push(item));
    stream.on('error', reject);
    stream.on('end', () => resolve(items));
  });

beforeAll(async () => {
  server = await startTestServer();
  mc = new Minio.Client({
    endPoint: '127.0.0.1',
    port: server.port,
    useSSL: false,
    accessKey: ACCESS_KEY,
    secretKey: SECRET_KEY,
    region: REGION,
    pathStyle: true,
    // Its default is 64 MiB; the smallest allowed keeps the test small while still multipart.
    partSize: 5 * MiB,
  });
  await mc.makeBucket(bucket, REGION);
});
afterAll(async () => server?.stop());

describe('minio-js', () => {
  const bigKey = 'streams/23MiB+ stream.bin';
  const bigSize = 23 * MiB + 12345;
  const smallKey = 'small/ü key with spaces+plus.txt';
  const small = patternBuffer(70_000, 'minio-small');

  it('putObject of a stream of unknown length goes multipart; getObject returns the same bytes', async () => {
    const expected = await patternDigests(bigSize, 'minio-big', 5 * MiB);
    const put = await mc.putObject(bucket, bigKey, patternStream(bigSize, 'minio-big', 256 * 1024), undefined, { 'Content-Type': 'application/x-test', 'x-amz-meta-origin': 'minio-js' });
    // 5 parts of 5 MiB and a last one of 3 MiB + 12345 bytes.
    expect(put.etag).toBe(expected.multipartEtag);

    const stat = await mc.statObject(bucket, bigKey);
    expect(stat.size).toBe(bigSize);
    expect(stat.etag).toBe(expected.multipartEtag);
    expect(stat.metaData).toMatchObject({ 'content-type': 'application/x-test', origin: 'minio-js' });

    const got = await digestStream(await mc.getObject(bucket, bigKey));
    expect(got.size).toBe(bigSize);
    expect(got.sha256).toBe(expected.sha256);

    const incomplete = await collect<Minio.IncompleteUploadedBucketItem>(mc.listIncompleteUploads(bucket, '', true));
    expect(incomplete).toEqual([]);
  }, 120_000);

  it('putObject of a buffer (single request), listObjectsV2 shows both objects', async () => {
    const put = await mc.putObject(bucket, smallKey, small);
    expect(put.etag).toMatch(/^[0-9a-f]{32}$/);
    const objects = await collect<Minio.BucketItem>(mc.listObjectsV2(bucket, '', true));
    expect(objects.map((o) => [o.name, o.size]).sort()).toEqual(
      [
        [bigKey, bigSize],
        [smallKey, small.length],
      ].sort(),
    );
    const top = await collect<Minio.BucketItem>(mc.listObjectsV2(bucket, '', false));
    expect(top.map((o) => o.prefix ?? o.name).sort()).toEqual(['small/', 'streams/']);
  }, 60_000);

  it('presignedGetObject URLs fetched with plain HTTP return the same bytes', async () => {
    const smallUrl = await mc.presignedGetObject(bucket, smallKey, 300);
    const smallRes = await fetch(smallUrl);
    expect(smallRes.status, await smallRes.clone().text().catch(() => '')).toBe(200);
    expect(sha256Hex(Buffer.from(await smallRes.arrayBuffer()))).toBe(sha256Hex(small));

    const bigUrl = await mc.presignedGetObject(bucket, bigKey, 300);
    const bigRes = await fetch(bigUrl);
    expect(bigRes.status).toBe(200);
    expect(Number(bigRes.headers.get('content-length'))).toBe(bigSize);
    const got = await digestStream(bigRes.body as unknown as AsyncIterable<Uint8Array>);
    expect(got.sha256).toBe((await patternDigests(bigSize, 'minio-big')).sha256);

    // A ranged read through the SDK as well.
    const part = await digestStream((await mc.getPartialObject(bucket, smallKey, 1000, 500)) as Readable);
    expect(part.sha256).toBe(sha256Hex(small.subarray(1000, 1500)));
  }, 60_000);
});
