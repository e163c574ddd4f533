import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestStream, MiB, patternDigests, patternStream } from '../../helpers/data.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

/**
 * @aws-sdk/lib-storage's Upload: a large stream of unknown length in
 * concurrent 8 MiB parts, and an upload aborted midway.
 */
let server: TestServer;
let client: S3Client;
const bucket = 'lib-storage';

beforeAll(async () => {
  server = await startTestServer();
  client = server.client();
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

async function listUploads(): Promise<{ Key?: string; UploadId?: string }[]> {
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return listed.Uploads ?? [];
}

describe('@aws-sdk/lib-storage Upload', () => {
  it('uploads a 200 MiB stream in 8 MiB parts, 4 at a time; the download hashes equal', async () => {
    const size = 200 * MiB;
    const partSize = 8 * MiB;
    const key = 'big/200MiB stream.bin';
    const expected = patternDigests(size, 'lib-storage-200', partSize);

    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: patternStream(size, 'lib-storage-200'), ContentType: 'application/x-test' },
      queueSize: 4,
      partSize,
      leavePartsOnError: false,
    });
    const parts = new Set<number>();
    upload.on('httpUploadProgress', (p) => p.part && parts.add(p.part));
    const result = await upload.done();
    const want = await expected;
    expect(parts.size).toBe(25);
    expect(result.ETag).toBe(`"${want.multipartEtag}"`);

    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(size);
    expect(head.ContentType).toBe('application/x-test');
    expect(head.ETag).toBe(`"${want.multipartEtag}"`);

    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(got.ContentLength).toBe(size);
    const down = await digestStream(got.Body as Readable);
    expect(down.size).toBe(size);
    expect(down.sha256).toBe(want.sha256);

    expect(await listUploads()).toEqual([]);
  }, 180_000);

  it('an Upload aborted after some parts leaves no upload and no object behind', async () => {
    const key = 'aborted/upload.bin';
    const body = patternStream(100 * MiB, 'lib-storage-abort');
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: body },
      queueSize: 2,
      partSize: 5 * MiB,
      leavePartsOnError: false,
    });
    let loaded = 0;
    let aborting: Promise<void> | undefined;
    let sawUpload = false;
    upload.on('httpUploadProgress', (p) => {
      loaded = Math.max(loaded, p.loaded ?? 0);
      if (!aborting && loaded >= 15 * MiB) {
        aborting = (async () => {
          // The upload exists on the server while its parts are going up.
          try {
            sawUpload = (await listUploads()).some((u) => u.Key === key);
          } finally {
            await upload.abort();
          }
        })();
      }
    });
    await expect(upload.done()).rejects.toMatchObject({ name: 'AbortError' });
    body.destroy();
    await aborting;

    // done() rejects at once; the SDK sends AbortMultipartUpload once the parts in flight settle.
    const deadline = Date.now() + 30_000;
    let uploads = await listUploads();
    while (uploads.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      uploads = await listUploads();
    }
    expect(uploads).toEqual([]);
    expect(loaded).toBeGreaterThanOrEqual(15 * MiB);
    expect(sawUpload).toBe(true);
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  }, 120_000);
});
