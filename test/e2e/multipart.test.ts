import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkErrorOf } from '../helpers/errors.js';
import { complete, expectedEtag, md5Hex, MIN_PART, randomParts, startAndUpload } from '../helpers/multipart.js';
import { sendSigned, signRaw } from '../helpers/raw-request.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let s3: S3Client;
const bucket = 'mpu-life';

beforeAll(async () => {
  // One test inspects the local backend's part files (.cairn/multipart) to prove nothing is left behind.
  server = await startTestServer({}, { backend: 'local' });
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => {
  s3?.destroy();
  await server?.stop();
});

const uploadPath = (key: string, query: string) => `/${bucket}/${encodeURIComponent(key)}?${query}`;

describe('multipart upload lifecycle (JS SDK)', () => {
  it('creates, uploads, lists, completes; the object has the ETag, bytes, metadata and tags', async () => {
    const parts = randomParts(3, 777);
    const key = 'dir/big file.bin';
    const up = await startAndUpload(
      s3,
      { Bucket: bucket, Key: key, ContentType: 'application/x-cairn', Metadata: { color: 'blue' }, Tagging: 'team=storage&tier=hot', StorageClass: 'REDUCED_REDUNDANCY' },
      parts,
    );
    expect(up.parts.map((p) => p.ETag)).toEqual(parts.map((p) => `"${md5Hex(p)}"`));
    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: up.uploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual(parts.map((p, i) => [i + 1, p.length, `"${md5Hex(p)}"`]));
    expect(listed.StorageClass).toBe('REDUCED_REDUNDANCY');
    expect(listed.Initiator?.ID).toBeTruthy();

    const done = await complete(s3, bucket, key, up);
    expect(done.ETag).toBe(`"${expectedEtag(parts)}"`);
    expect(done.Bucket).toBe(bucket);
    expect(done.Key).toBe(key);
    expect(done.Location).toContain(`/${bucket}/dir/big%20file.bin`);

    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    expect(md5Hex(body)).toBe(md5Hex(Buffer.concat(parts)));
    expect(got.ETag).toBe(done.ETag);
    expect(got.ContentType).toBe('application/x-cairn');
    expect(got.Metadata).toEqual({ color: 'blue' });
    expect(got.StorageClass).toBe('REDUCED_REDUNDANCY');
    expect(got.PartsCount).toBeUndefined();
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    expect(tags.TagSet).toEqual([{ Key: 'team', Value: 'storage' }, { Key: 'tier', Value: 'hot' }]);

    // The upload is gone: completing again, listing or aborting it is NoSuchUpload.
    expect(await sdkErrorOf(complete(s3, bucket, key, up))).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(await sdkErrorOf(s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: up.uploadId })))).toEqual({ name: 'NoSuchUpload', status: 404 });
  });

  it('a re-sent part replaces the earlier one; completion may skip parts', async () => {
    const [a, b, c] = randomParts(3, 10);
    const up = await startAndUpload(s3, { Bucket: bucket, Key: 'resend' }, [a, b, c]);
    const replaced = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'resend', UploadId: up.uploadId, PartNumber: 3, Body: Buffer.from('new last') }));
    const done = await complete(s3, bucket, 'resend', { uploadId: up.uploadId, parts: [up.parts[0], { PartNumber: 3, ETag: replaced.ETag }] });
    expect(done.ETag).toBe(`"${expectedEtag([a, Buffer.from('new last')])}"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'resend' }));
    expect(head.ContentLength).toBe(MIN_PART + 8);
  });

  it('aborts with 204 and frees the upload', async () => {
    const up = await startAndUpload(s3, { Bucket: bucket, Key: 'aborted' }, [Buffer.from('x')]);
    const aborted = await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: up.uploadId }));
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    expect(await sdkErrorOf(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'aborted', UploadId: up.uploadId })))).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(await sdkErrorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'aborted' })))).toMatchObject({ status: 404 });
  });

  it('honours If-None-Match: * and If-Match on completion', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'guarded', Body: 'old' }));
    const up = await startAndUpload(s3, { Bucket: bucket, Key: 'guarded' }, [Buffer.from('new')]);
    expect(await sdkErrorOf(complete(s3, bucket, 'guarded', up, { IfNoneMatch: '*' }))).toEqual({ name: 'PreconditionFailed', status: 412 });
    expect(await sdkErrorOf(complete(s3, bucket, 'guarded', up, { IfMatch: '"00000000000000000000000000000000"' }))).toEqual({ name: 'PreconditionFailed', status: 412 });
    const done = await complete(s3, bucket, 'guarded', up, { IfMatch: `"${md5Hex(Buffer.from('old'))}"` });
    expect(done.ETag).toBe(`"${expectedEtag([Buffer.from('new')])}"`);
  });
});

describe('multipart errors, as AWS answers them', () => {
  it('part numbers outside 1..10000 are InvalidArgument; an unknown upload is NoSuchUpload', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'errs' }));
    for (const n of [0, 10001]) {
      const r = await sendSigned(server.port, { method: 'PUT', path: uploadPath('errs', `partNumber=${n}&uploadId=${UploadId}`), body: 'x' });
      expect([r.status, r.code, r.text.includes('Part number must be an integer between 1 and 10000, inclusive')]).toEqual([400, 'InvalidArgument', true]);
    }
    expect(await sdkErrorOf(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'errs', UploadId: 'nope', PartNumber: 1, Body: 'x' })))).toEqual({ name: 'NoSuchUpload', status: 404 });
    expect(await sdkErrorOf(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'other-key', UploadId, PartNumber: 1, Body: 'x' })))).toEqual({ name: 'NoSuchUpload', status: 404 });
  });

  it('a part over 5 GiB is EntityTooLarge before any byte is read', async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'huge' }));
    const size = 5 * 1024 ** 3 + 1;
    const r = await sendSigned(server.port, { method: 'PUT', path: uploadPath('huge', `partNumber=1&uploadId=${UploadId}`), headers: { 'content-length': String(size) } }, { payloadHash: 'UNSIGNED-PAYLOAD' });
    expect([r.status, r.code]).toEqual([400, 'EntityTooLarge']);
  });

  it('completion: InvalidPartOrder, InvalidPart, EntityTooSmall, MalformedXML', async () => {
    const parts = randomParts(2, 10);
    const up = await startAndUpload(s3, { Bucket: bucket, Key: 'bad-complete' }, [...parts, Buffer.from('third')]);
    const [p1, p2, p3] = up.parts;
    const attempt = (list: typeof up.parts) => sdkErrorOf(complete(s3, bucket, 'bad-complete', { uploadId: up.uploadId, parts: list }));
    expect(await attempt([p2, p1])).toEqual({ name: 'InvalidPartOrder', status: 400 });
    expect(await attempt([p1, { ...p2, ETag: '"0123456789abcdef0123456789abcdef"' }])).toEqual({ name: 'InvalidPart', status: 400 });
    expect(await attempt([p1, { ...p2, PartNumber: 7 }])).toEqual({ name: 'InvalidPart', status: 400 });
    expect(await attempt([p1, p2, p3])).toEqual({ name: 'EntityTooSmall', status: 400 });
    const empty = await sendSigned(server.port, { method: 'POST', path: uploadPath('bad-complete', `uploadId=${up.uploadId}`), body: '<CompleteMultipartUpload></CompleteMultipartUpload>' });
    expect([empty.status, empty.code]).toEqual([400, 'MalformedXML']);
    // ETags may be given with or without quotes.
    const unquoted = [p1, { ...p2, ETag: p2.ETag!.replace(/"/g, '') }];
    expect((await complete(s3, bucket, 'bad-complete', { uploadId: up.uploadId, parts: unquoted })).ETag).toBe(`"${expectedEtag(parts)}"`);
  });

  it('checksum settings AWS refuses on CreateMultipartUpload are InvalidRequest', async () => {
    const create = (headers: Record<string, string>) => sendSigned(server.port, { method: 'POST', path: uploadPath('ck', 'uploads'), headers });
    const refused: Record<string, string>[] = [
      { 'x-amz-checksum-algorithm': 'SHA256', 'x-amz-checksum-type': 'FULL_OBJECT' },
      { 'x-amz-checksum-algorithm': 'CRC64NVME', 'x-amz-checksum-type': 'COMPOSITE' },
      { 'x-amz-checksum-type': 'FULL_OBJECT' },
      { 'x-amz-checksum-algorithm': 'MD5' },
    ];
    for (const headers of refused) {
      const r = await create(headers);
      expect([r.status, r.code], JSON.stringify(headers)).toEqual([400, 'InvalidRequest']);
    }
    const ok = await create({ 'x-amz-checksum-algorithm': 'CRC32C' });
    expect([ok.status, ok.headers['x-amz-checksum-algorithm'], ok.headers['x-amz-checksum-type']]).toEqual([200, 'CRC32C', 'COMPOSITE']);
  });
});

describe('a client that disconnects mid-part', () => {
  it('leaves the upload usable: the part can be re-sent, and nothing stray remains', async () => {
    const key = 'disconnect';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const signed = await signRaw(
      server.port,
      { method: 'PUT', path: uploadPath(key, `partNumber=1&uploadId=${UploadId}`), headers: { 'content-length': String(MIN_PART) } },
      { payloadHash: 'UNSIGNED-PAYLOAD' },
    );
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, method: 'PUT', path: signed.path, headers: signed.headers });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.write(Buffer.alloc(512 * 1024, 1), () => setTimeout(() => req.destroy(), 100));
    });
    await sleep(300);
    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId }));
    expect(listed.Parts ?? []).toEqual([]);
    const sidecar = join(server.dataDir, '.cairn');
    expect(await filesUnder(join(sidecar, 'tmp'))).toEqual([]);
    expect(await filesUnder(join(sidecar, 'multipart'))).toEqual([]);

    const data = Buffer.alloc(MIN_PART, 2);
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: data }));
    const done = await complete(s3, bucket, key, { uploadId: UploadId!, parts: [{ PartNumber: 1, ETag: part.ETag }] });
    expect(done.ETag).toBe(`"${expectedEtag([data])}"`);
    expect(await filesUnder(join(sidecar, 'multipart'))).toEqual([]);
  });
});

/** Every file (not folder) below `dir`, recursively; none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
