import { beforeEach, describe, expect, it } from 'vitest';
import { md5Hex } from './body.js';
import { expectS3Error, getBytes, meta, putBytes, type SuiteContext } from './harness.js';

export function writeTests(ctx: SuiteContext): void {
  describe('conditional writes', () => {
    let bucket: string;
    beforeEach(async () => {
      bucket = ctx.bucketName('cond');
      await ctx.backend().createBucket(bucket, { region: 'us-east-1' });
    });

    it("If-None-Match '*' creates a missing key and refuses an existing one (412)", async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'once', 'first', { ifNoneMatch: '*' });
      await expectS3Error(putBytes(b, bucket, 'once', 'second', { ifNoneMatch: '*' }), 'PreconditionFailed', 412);
      expect((await getBytes(b, bucket, 'once')).toString()).toBe('first');
    });

    it('If-Match writes only over the matching ETag (412 otherwise)', async () => {
      const b = ctx.backend();
      const first = await putBytes(b, bucket, 'cas', 'v1');
      await expectS3Error(putBytes(b, bucket, 'cas', 'v2', { ifMatch: md5Hex('something else') }), 'PreconditionFailed', 412);
      expect((await getBytes(b, bucket, 'cas')).toString()).toBe('v1');
      await putBytes(b, bucket, 'cas', 'v2', { ifMatch: `"${first.etag}"` });
      expect((await getBytes(b, bucket, 'cas')).toString()).toBe('v2');
    });

    it('If-Match on a missing key fails and writes nothing', async () => {
      const b = ctx.backend();
      await expect(putBytes(b, bucket, 'absent', 'x', { ifMatch: md5Hex('x') })).rejects.toThrow();
      await expectS3Error(b.headObject(bucket, 'absent', {}), 'NoSuchKey');
    });

    it("only one of several concurrent If-None-Match '*' writes wins", async () => {
      const b = ctx.backend();
      const bodies = Array.from({ length: 8 }, (_, i) => `writer ${i}`);
      const results = await Promise.allSettled(bodies.map((body) => putBytes(b, bucket, 'race', body, { ifNoneMatch: '*' })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const stored = (await getBytes(b, bucket, 'race')).toString();
      expect(bodies).toContain(stored);
    });
  });

  describe('copy', () => {
    let bucket: string;
    beforeEach(async () => {
      bucket = ctx.bucketName('copy');
      await ctx.backend().createBucket(bucket, { region: 'us-east-1' });
    });

    it('copies bytes and ETag to a new key with the metadata given', async () => {
      const b = ctx.backend();
      const source = await putBytes(b, bucket, 'src/file', 'copy me', {
        meta: meta({ contentType: 'text/plain', userMetadata: { a: '1' } }),
        body: { checksums: ['CRC32C'] },
      });
      const destMeta = meta({ contentType: 'text/x-copied', userMetadata: { b: '2' } });
      const copied = await b.copyObject({ bucket, key: 'src/file' }, { bucket, key: 'dst/copy' }, { meta: destMeta });
      expect(copied.etag).toBe(source.etag);
      expect(copied.size).toBe(7);
      expect((await getBytes(b, bucket, 'dst/copy')).toString()).toBe('copy me');
      const head = await b.headObject(bucket, 'dst/copy', {});
      expect(head.meta).toEqual(destMeta);
      expect(head.checksums.CRC32C).toBe(source.checksums.CRC32C);
      // the source is untouched
      expect((await b.headObject(bucket, 'src/file', {})).meta.userMetadata).toEqual({ a: '1' });
    });

    it('copies across buckets and over an existing object', async () => {
      const b = ctx.backend();
      const other = ctx.bucketName('copy-dst');
      await b.createBucket(other, { region: 'us-east-1' });
      await putBytes(b, bucket, 'k', 'new content');
      await putBytes(b, other, 'k', 'old content that is longer');
      await b.copyObject({ bucket, key: 'k' }, { bucket: other, key: 'k' }, { meta: meta() });
      expect((await getBytes(b, other, 'k')).toString()).toBe('new content');
    });

    it('copies onto itself to replace metadata, keeping the bytes', async () => {
      const b = ctx.backend();
      const before = await putBytes(b, bucket, 'self', 'same bytes', { meta: meta({ userMetadata: { v: '1' } }) });
      const replaced = meta({ contentType: 'application/json', userMetadata: { v: '2' } });
      const after = await b.copyObject({ bucket, key: 'self' }, { bucket, key: 'self' }, { meta: replaced });
      expect(after.etag).toBe(before.etag);
      expect(after.lastModified.getTime()).toBeGreaterThanOrEqual(before.lastModified.getTime());
      const head = await b.headObject(bucket, 'self', {});
      expect(head.meta).toEqual(replaced);
      expect(head.etag).toBe(before.etag);
      expect((await getBytes(b, bucket, 'self')).toString()).toBe('same bytes');
    });

    it('copies a 0-byte object and a folder object', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'empty', '');
      await b.copyObject({ bucket, key: 'empty' }, { bucket, key: 'empty-copy' }, { meta: meta() });
      expect((await getBytes(b, bucket, 'empty-copy')).length).toBe(0);
      await putBytes(b, bucket, 'folder/', '');
      await b.copyObject({ bucket, key: 'folder/' }, { bucket, key: 'folder-copy/' }, { meta: meta() });
      expect((await b.headObject(bucket, 'folder-copy/', {})).size).toBe(0);
    });

    it('fails with PreconditionFailed when the source ETag changed, and NoSuchKey for a missing source', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'moving', 'v1');
      await expectS3Error(
        b.copyObject({ bucket, key: 'moving' }, { bucket, key: 'dst' }, { meta: meta(), sourceEtag: md5Hex('v0') }),
        'PreconditionFailed',
        412,
      );
      await expectS3Error(b.headObject(bucket, 'dst', {}), 'NoSuchKey');
      await b.copyObject({ bucket, key: 'moving' }, { bucket, key: 'dst' }, { meta: meta(), sourceEtag: md5Hex('v1') });
      await expectS3Error(b.copyObject({ bucket, key: 'nothing' }, { bucket, key: 'dst2' }, { meta: meta() }), 'NoSuchKey', 404);
    });
  });

  describe('a file and a prefix of the same name', () => {
    let bucket: string;
    beforeEach(async () => {
      bucket = ctx.bucketName('coexist');
      await ctx.backend().createBucket(bucket, { region: 'us-east-1' });
    });

    it('stores "a" and "a/b" side by side [skipped unless capabilities.fileAndPrefixCoexist]', async ({ skip }) => {
      const b = ctx.backend();
      skip(!b.capabilities.fileAndPrefixCoexist, 'backend cannot hold a file and a prefix of the same name');
      await putBytes(b, bucket, 'a', 'file');
      await putBytes(b, bucket, 'a/b', 'child');
      expect((await getBytes(b, bucket, 'a')).toString()).toBe('file');
      expect((await getBytes(b, bucket, 'a/b')).toString()).toBe('child');
      expect((await b.listObjects(bucket, { prefix: '', maxKeys: 10 })).objects.map((o) => o.key)).toEqual(['a', 'a/b']);
    });

    it('refuses "a" next to "a/b" (and the reverse) with XCairnKeyConflict [skipped when capabilities.fileAndPrefixCoexist]', async ({
      skip,
    }) => {
      const b = ctx.backend();
      skip(b.capabilities.fileAndPrefixCoexist, 'backend holds a file and a prefix of the same name');
      await putBytes(b, bucket, 'a', 'file');
      await expectS3Error(putBytes(b, bucket, 'a/b', 'child'), 'XCairnKeyConflict', 409);
      await expectS3Error(putBytes(b, bucket, 'a/', ''), 'XCairnKeyConflict', 409);
      await expectS3Error(b.copyObject({ bucket, key: 'a' }, { bucket, key: 'a/c' }, { meta: meta() }), 'XCairnKeyConflict', 409);
      expect((await getBytes(b, bucket, 'a')).toString()).toBe('file');
      await putBytes(b, bucket, 'x/y', 'child');
      await expectS3Error(putBytes(b, bucket, 'x', 'file'), 'XCairnKeyConflict', 409);
      await putBytes(b, bucket, 'f/', '');
      await expectS3Error(putBytes(b, bucket, 'f', 'file'), 'XCairnKeyConflict', 409);
      expect((await b.listObjects(bucket, { prefix: '', maxKeys: 10 })).objects.map((o) => o.key)).toEqual(['a', 'f/', 'x/y']);
    });
  });
}
