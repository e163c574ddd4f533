import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { sdkErrorOf } from '../helpers/errors.js';

let server: TestServer;
let s3: S3Client;
const bucket = 'sdk-objects';

const errorOf = sdkErrorOf;

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

beforeAll(async () => {
  server = await startTestServer();
  s3 = server.client();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterAll(async () => server?.stop());

describe('buckets through the JS SDK', () => {
  it('creates, lists, heads, locates and deletes a bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'tmp-bucket-1' }));
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining([bucket, 'tmp-bucket-1']));
    const head = await s3.send(new HeadBucketCommand({ Bucket: 'tmp-bucket-1' }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'tmp-bucket-1' }));
    expect(location.LocationConstraint ?? '').toBe('');
    expect(await errorOf(s3.send(new CreateBucketCommand({ Bucket: 'tmp-bucket-1' })))).toEqual({ name: 'BucketAlreadyOwnedByYou', status: 409 });
    await s3.send(new DeleteBucketCommand({ Bucket: 'tmp-bucket-1' }));
    expect(await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'tmp-bucket-1' })))).toMatchObject({ status: 404 });
  });

  it('refuses to delete a bucket that is not empty', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'tmp-full' }));
    await s3.send(new PutObjectCommand({ Bucket: 'tmp-full', Key: 'x', Body: 'x' }));
    expect(await errorOf(s3.send(new DeleteBucketCommand({ Bucket: 'tmp-full' })))).toEqual({ name: 'BucketNotEmpty', status: 409 });
    await s3.send(new DeleteObjectCommand({ Bucket: 'tmp-full', Key: 'x' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'tmp-full' }));
  });

  it('refuses invalid bucket names and foreign regions', async () => {
    expect(await errorOf(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })))).toEqual({ name: 'InvalidBucketName', status: 400 });
    const err = await errorOf(s3.send(new CreateBucketCommand({ Bucket: 'eu-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })));
    expect(err.status).toBe(400);
  });
});

describe('objects through the JS SDK', () => {
  it('round-trips bytes, ETag and every metadata header', async () => {
    const body = randomBytes(300_000);
    const expires = new Date('2030-01-01T00:00:00Z');
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'dir/meta file+ü.bin',
        Body: body,
        ContentType: 'application/x-test',
        ContentEncoding: 'identity',
        ContentDisposition: 'attachment; filename="a.bin"',
        ContentLanguage: 'de-CH',
        CacheControl: 'max-age=60',
        Expires: expires,
        Metadata: { color: 'blue', 'multi-word': 'Hello World' },
        StorageClass: 'REDUCED_REDUNDANCY',
      }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/meta file+ü.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.ContentType).toBe('application/x-test');
    expect(got.ContentEncoding).toBe('identity');
    expect(got.ContentDisposition).toBe('attachment; filename="a.bin"');
    expect(got.ContentLanguage).toBe('de-CH');
    expect(got.CacheControl).toBe('max-age=60');
    expect(got.ExpiresString).toBe(expires.toUTCString());
    expect(got.Metadata).toEqual({ color: 'blue', 'multi-word': 'Hello World' });
    expect(got.StorageClass).toBe('REDUCED_REDUNDANCY');
    expect(got.ETag).toBe(`"${md5(body)}"`);
    expect(got.ContentLength).toBe(body.length);
  });

  it('refuses user metadata over 2 KiB', async () => {
    const err = await errorOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big-meta', Body: 'x', Metadata: { a: 'x'.repeat(2100) } })));
    expect(err).toEqual({ name: 'MetadataTooLarge', status: 400 });
    expect(await errorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big-meta' })))).toMatchObject({ status: 404 });
  });

  it('serves single, open and suffix ranges, and 416 outside the object', async () => {
    const body = Buffer.from('0123456789abcdef');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'range', Body: body }));
    const get = async (Range: string) => {
      const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range', Range }));
      return { text: await r.Body!.transformToString(), range: r.ContentRange, status: r.$metadata.httpStatusCode };
    };
    expect(await get('bytes=2-5')).toEqual({ text: '2345', range: 'bytes 2-5/16', status: 206 });
    expect(await get('bytes=10-')).toEqual({ text: 'abcdef', range: 'bytes 10-15/16', status: 206 });
    expect(await get('bytes=-3')).toEqual({ text: 'def', range: 'bytes 13-15/16', status: 206 });
    expect(await get('bytes=14-100')).toEqual({ text: 'ef', range: 'bytes 14-15/16', status: 206 });
    expect(await errorOf(get('bytes=16-20'))).toEqual({ name: 'InvalidRange', status: 416 });
  });

  it('honours If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since', async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond', Body: 'conditional' }));
    const etag = put.ETag!;
    const past = new Date(Date.now() - 3600_000);
    const future = new Date(Date.now() + 3600_000);
    const ok = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfMatch: etag }));
    expect(await ok.Body!.transformToString()).toBe('conditional');
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfMatch: '"nope"' })))).toMatchObject({ status: 412 });
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfNoneMatch: etag })))).toMatchObject({ status: 304 });
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfModifiedSince: future })))).toMatchObject({ status: 304 });
    expect(await errorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cond', IfUnmodifiedSince: past })))).toMatchObject({ status: 412 });
    const since = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cond', IfModifiedSince: past }));
    expect(since.ETag).toBe(etag);
  });

  it('answers response-* overrides on GET', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'override', Body: 'x', ContentType: 'text/plain' }));
    const got = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'override', ResponseContentType: 'application/json', ResponseContentDisposition: 'inline', ResponseCacheControl: 'no-cache' }),
    );
    expect(got.ContentType).toBe('application/json');
    expect(got.ContentDisposition).toBe('inline');
    expect(got.CacheControl).toBe('no-cache');
  });

  it('writes conditionally with If-None-Match: * and If-Match', async () => {
    const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'create-once', Body: 'one', IfNoneMatch: '*' }));
    expect(await errorOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'create-once', Body: 'two', IfNoneMatch: '*' })))).toMatchObject({ status: 412 });
    expect(await errorOf(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'create-once', Body: 'two', IfMatch: '"0000"' })))).toMatchObject({ status: 412 });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'create-once', Body: 'three', IfMatch: first.ETag }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'create-once' }));
    expect(await got.Body!.transformToString()).toBe('three');
  });

  it('copies with COPY and REPLACE directives, onto itself, and with source conditions', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'copy me', ContentType: 'text/x-src', Metadata: { origin: 'src' } }));
    const copy = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src` }));
    expect(copy.CopyObjectResult?.ETag).toBe(`"${md5(Buffer.from('copy me'))}"`);
    const dst = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst' }));
    expect(dst.ContentType).toBe('text/x-src');
    expect(dst.Metadata).toEqual({ origin: 'src' });

    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst2', CopySource: `${bucket}/src`, MetadataDirective: 'REPLACE', ContentType: 'text/x-new', Metadata: { fresh: '1' } }));
    const dst2 = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst2' }));
    expect(dst2.ContentType).toBe('text/x-new');
    expect(dst2.Metadata).toEqual({ fresh: '1' });

    expect(await errorOf(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src` })))).toEqual({ name: 'InvalidRequest', status: 400 });
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'src', CopySource: `${bucket}/src`, MetadataDirective: 'REPLACE', Metadata: { self: 'yes' } }));
    const self = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'src' }));
    expect(self.Metadata).toEqual({ self: 'yes' });
    expect(await self.Body!.transformToString()).toBe('copy me');

    expect(await errorOf(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst3', CopySource: `${bucket}/src`, CopySourceIfMatch: '"bad"' })))).toMatchObject({ status: 412 });
    expect(await errorOf(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst3', CopySource: `${bucket}/src`, CopySourceIfNoneMatch: self.ETag })))).toMatchObject({ status: 412 });
    expect(await errorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst3' })))).toMatchObject({ status: 404 });
    expect(await errorOf(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst3', CopySource: `${bucket}/missing` })))).toEqual({ name: 'NoSuchKey', status: 404 });
  });

  it('deletes single objects idempotently and many at once with per-key results', async () => {
    for (const k of ['d1', 'd2', 'd3']) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd1' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd1' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd2', VersionId: 'null' }));
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'd3' }, { Key: 'never-existed' }, { Key: 'd1', VersionId: 'null' }] } }),
    );
    expect(result.Deleted?.map((d) => d.Key).sort()).toEqual(['d1', 'd3', 'never-existed']);
    expect(result.Errors ?? []).toEqual([]);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Quiet: true, Objects: [{ Key: 'x1' }] } }));
    expect(quiet.Deleted ?? []).toEqual([]);
    expect(await errorOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'd3' })))).toMatchObject({ status: 404 });
  });

  it('answers NoSuchKey and NoSuchBucket', async () => {
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' })))).toEqual({ name: 'NoSuchKey', status: 404 });
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket-x', Key: 'k' })))).toEqual({ name: 'NoSuchBucket', status: 404 });
    expect(await errorOf(s3.send(new PutObjectCommand({ Bucket: 'no-such-bucket-x', Key: 'k', Body: 'x' })))).toEqual({ name: 'NoSuchBucket', status: 404 });
  });

  it('works with virtual-hosted-style addressing on a configured domain', async () => {
    const vhost = await startTestServer({ CAIRN_DOMAIN: 'localhost' });
    try {
      // Resolve every name to loopback, so bucket.localhost needs no DNS.
      const lookup = ((_host: string, options: unknown, cb: (...args: unknown[]) => void) => {
        const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
        if (all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
        else cb(null, '127.0.0.1', 4);
      }) as unknown as typeof import('node:dns').lookup;
      const client = new S3Client({
        requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ lookup }) }),
        endpoint: `http://localhost:${vhost.port}`,
        region: 'us-east-1',
        forcePathStyle: false,
        credentials: { accessKeyId: 'testadmin', secretAccessKey: 'testsecret-123456' },
      });
      await client.send(new CreateBucketCommand({ Bucket: 'vhost-bucket' }));
      await client.send(new PutObjectCommand({ Bucket: 'vhost-bucket', Key: 'a/b.txt', Body: 'virtual' }));
      const got = await vhost.client().send(new GetObjectCommand({ Bucket: 'vhost-bucket', Key: 'a/b.txt' }));
      expect(await got.Body!.transformToString()).toBe('virtual');
    } finally {
      await vhost.stop();
    }
  });
});
