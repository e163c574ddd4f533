import { beforeEach, describe, expect, it } from 'vitest';
import type { Tag } from '../../src/s3/types.js';
import { readAll } from './body.js';
import { expectS3Error, getBytes, meta, putBytes, type SuiteContext } from './harness.js';

/**
 * Object tags. Contract: tags come back in the order they were set, and an
 * object without tags has `tags` omitted (never `[]`).
 */
export function tagTests(ctx: SuiteContext): void {
  describe('object tags', () => {
    let bucket: string;
    beforeEach(async () => {
      bucket = ctx.bucketName('tags');
      await ctx.backend().createBucket(bucket, { region: 'us-east-1' });
    });

    const tags: Tag[] = [
      { key: 'zeta', value: 'last letter first' },
      { key: 'alpha', value: '' },
      { key: 'ünï code', value: 'välue with spaces' },
    ];

    it('stores tags given at put time, in order, and omits them when there are none', async () => {
      const b = ctx.backend();
      const put = await putBytes(b, bucket, 'tagged', 'body', { tags });
      expect(put.tags).toEqual(tags);
      expect((await b.headObject(bucket, 'tagged', {})).tags).toEqual(tags);
      const got = await b.getObject(bucket, 'tagged', {});
      expect(got.info.tags).toEqual(tags);
      got.body.destroy();

      const plain = await putBytes(b, bucket, 'plain', 'body');
      expect(plain.tags).toBeUndefined();
      expect((await b.headObject(bucket, 'plain', {})).tags).toBeUndefined();
      await putBytes(b, bucket, 'empty-set', 'body', { tags: [] });
      expect((await b.headObject(bucket, 'empty-set', {})).tags).toBeUndefined();
    });

    it('a new put replaces the tags (none given: none kept)', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'k', 'v1', { tags });
      await putBytes(b, bucket, 'k', 'v2');
      expect((await b.headObject(bucket, 'k', {})).tags).toBeUndefined();
      await putBytes(b, bucket, 'k', 'v3', { tags: [{ key: 'n', value: '3' }] });
      expect((await b.headObject(bucket, 'k', {})).tags).toEqual([{ key: 'n', value: '3' }]);
    });

    it('updateObjectMeta replaces the tags and leaves bytes, ETag, metadata and Last-Modified alone', async () => {
      const b = ctx.backend();
      const m = meta({ contentType: 'text/plain', userMetadata: { keep: 'me' } });
      const before = await putBytes(b, bucket, 'dir/obj', 'the bytes', { meta: m, tags, body: { checksums: ['CRC32'] } });
      const replaced: Tag[] = [{ key: 'b', value: '2' }, { key: 'a', value: '1' }];
      const updated = await b.updateObjectMeta(bucket, 'dir/obj', { tags: replaced });
      expect(updated.tags).toEqual(replaced);
      expect(updated.etag).toBe(before.etag);
      const head = await b.headObject(bucket, 'dir/obj', {});
      expect(head.tags).toEqual(replaced);
      expect(head.etag).toBe(before.etag);
      expect(head.size).toBe(before.size);
      expect(head.meta).toEqual(m);
      expect(head.checksums).toEqual(before.checksums);
      expect(head.lastModified.getTime()).toBe(before.lastModified.getTime());
      expect((await getBytes(b, bucket, 'dir/obj')).toString()).toBe('the bytes');
      // Listing still sees the same object.
      const listed = await b.listObjects(bucket, { prefix: '', maxKeys: 10 });
      expect(listed.objects.map((o) => [o.key, o.etag])).toEqual([['dir/obj', before.etag]]);
    });

    it('updateObjectMeta with [] removes every tag', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'k', 'v', { tags });
      const updated = await b.updateObjectMeta(bucket, 'k', { tags: [] });
      expect(updated.tags).toBeUndefined();
      expect((await b.headObject(bucket, 'k', {})).tags).toBeUndefined();
    });

    it('tags an object that had none, and a folder object', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'untagged', 'v');
      await b.updateObjectMeta(bucket, 'untagged', { tags: [{ key: 'k', value: 'v' }] });
      expect((await b.headObject(bucket, 'untagged', {})).tags).toEqual([{ key: 'k', value: 'v' }]);
      await putBytes(b, bucket, 'folder/', '');
      await b.updateObjectMeta(bucket, 'folder/', { tags });
      expect((await b.headObject(bucket, 'folder/', {})).tags).toEqual(tags);
      const got = await b.getObject(bucket, 'folder/', {});
      expect((await readAll(got.body)).length).toBe(0);
    });

    it('updateObjectMeta answers NoSuchKey for a missing key and NoSuchBucket for a missing bucket', async () => {
      const b = ctx.backend();
      await expectS3Error(b.updateObjectMeta(bucket, 'absent', { tags }), 'NoSuchKey', 404);
      await expectS3Error(b.updateObjectMeta(ctx.bucketName('nobucket'), 'k', { tags }), 'NoSuchBucket', 404);
      await expectS3Error(b.headObject(bucket, 'absent', {}), 'NoSuchKey');
    });

    it('deleting an object deletes its tags', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'k', 'v', { tags });
      await b.deleteObject(bucket, 'k', {});
      await putBytes(b, bucket, 'k', 'v');
      expect((await b.headObject(bucket, 'k', {})).tags).toBeUndefined();
    });

    it('copyObject gives the destination the tags it is handed (none: none), to another key and onto itself', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'src', 'copied', { tags });
      const copied = await b.copyObject({ bucket, key: 'src' }, { bucket, key: 'with-tags' }, { meta: meta(), tags: [{ key: 'c', value: '1' }] });
      expect(copied.tags).toEqual([{ key: 'c', value: '1' }]);
      expect((await b.headObject(bucket, 'with-tags', {})).tags).toEqual([{ key: 'c', value: '1' }]);
      await b.copyObject({ bucket, key: 'src' }, { bucket, key: 'without' }, { meta: meta() });
      expect((await b.headObject(bucket, 'without', {})).tags).toBeUndefined();
      // the source keeps its own
      expect((await b.headObject(bucket, 'src', {})).tags).toEqual(tags);

      await b.copyObject({ bucket, key: 'src' }, { bucket, key: 'src' }, { meta: meta({ contentType: 'x/y' }), tags: [{ key: 'self', value: 'yes' }] });
      const self = await b.headObject(bucket, 'src', {});
      expect(self.tags).toEqual([{ key: 'self', value: 'yes' }]);
      expect(self.meta.contentType).toBe('x/y');
      await b.copyObject({ bucket, key: 'src' }, { bucket, key: 'src' }, { meta: meta() });
      expect((await b.headObject(bucket, 'src', {})).tags).toBeUndefined();
    });
  });
}
