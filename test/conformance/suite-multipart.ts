import { beforeEach, describe, expect, it } from 'vitest';
import { createChecksumHasher } from '../../src/s3/checksums.js';
import { S3Error } from '../../src/s3/errors.js';
import type { Tag } from '../../src/s3/types.js';
import { failingBody, md5Hex, readAll } from './body.js';
import { expectS3Error, getBytes, meta, putBytes, type SuiteContext } from './harness.js';
import { completeWith, completionOf, multipartEtag, partData, sendPart, startUpload } from './multipart.js';

/**
 * Multipart uploads at the backend level. Sizes stay small: the 5 MiB
 * minimum part size is the front door's rule, and a backend must not enforce it.
 */
export function multipartTests(ctx: SuiteContext): void {
  describe('multipart uploads', () => {
    let bucket: string;
    beforeEach(async () => {
      bucket = ctx.bucketName('mpu');
      await ctx.backend().createBucket(bucket, { region: 'us-east-1' });
    });

    it('creates an upload with an unguessable, URL-safe id; nothing is visible under the key until completion', async () => {
      const b = ctx.backend();
      const tags: Tag[] = [{ key: 't', value: '1' }];
      const m = meta({ contentType: 'application/x-test', userMetadata: { origin: 'mpu' } });
      const upload = await b.createMultipartUpload(bucket, 'big/file.bin', { meta: m, tags, checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' });
      expect(upload.uploadId).toMatch(/^[A-Za-z0-9._~-]{22,}$/);
      expect(upload).toMatchObject({ bucket, key: 'big/file.bin', meta: m, tags, checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' });
      expect(upload.initiated).toBeInstanceOf(Date);
      const other = await startUpload(b, bucket, 'big/file.bin');
      expect(other).not.toBe(upload.uploadId);

      await sendPart(b, bucket, 'big/file.bin', upload.uploadId, 1, 'part one', ['CRC32']);
      await expectS3Error(b.headObject(bucket, 'big/file.bin', {}), 'NoSuchKey');
      expect((await b.listObjects(bucket, { prefix: '', maxKeys: 100 })).objects).toEqual([]);

      const listed = await b.listParts(bucket, 'big/file.bin', upload.uploadId);
      expect(listed.upload).toMatchObject({ uploadId: upload.uploadId, key: 'big/file.bin', meta: m, tags, checksumAlgorithm: 'CRC32' });
      expect(listed.upload.initiated.getTime()).toBe(upload.initiated.getTime());
    });

    it('uploads parts out of order; listParts answers them ascending with size, ETag, checksums and date', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'k');
      const sent = [];
      for (const n of [3, 1, 2]) sent.push(await sendPart(b, bucket, 'k', id, n, partData(n), ['SHA256']));
      for (const part of sent) {
        expect(part.etag).toBe(md5Hex(partData(part.partNumber)));
        expect(part.size).toBe(partData(part.partNumber).length);
        expect(part.checksums.SHA256).toBe(sha256Base64(partData(part.partNumber)));
        expect(part.lastModified).toBeInstanceOf(Date);
      }
      const { parts } = await b.listParts(bucket, 'k', id);
      expect(parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
      for (const p of parts) {
        const original = sent.find((s) => s.partNumber === p.partNumber)!;
        expect(p).toEqual(original);
      }
    });

    it('completes into an object whose bytes are the parts concatenated, with the given ETag, checksums and the part list', async () => {
      const b = ctx.backend();
      const m = meta({ contentType: 'text/plain', userMetadata: { a: 'b' } });
      const tags: Tag[] = [{ key: 'from', value: 'create' }];
      const upload = await b.createMultipartUpload(bucket, 'dir/assembled', { meta: m, tags, checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' });
      const parts = [];
      for (const n of [1, 2, 3]) parts.push(await sendPart(b, bucket, 'dir/assembled', upload.uploadId, n, partData(n), ['CRC32']));
      const expected = Buffer.concat([1, 2, 3].map((n) => partData(n)));
      const composite = { CRC32: 'AAAAAA==-3' };
      const info = await completeWith(b, bucket, 'dir/assembled', upload.uploadId, parts, { checksums: composite, checksumType: 'COMPOSITE' });
      expect(info.etag).toBe(multipartEtag(parts.map((p) => p.etag)));
      expect(info.size).toBe(expected.length);
      expect(info.parts).toEqual(parts.map((p) => ({ partNumber: p.partNumber, size: p.size, checksums: p.checksums })));

      const got = await b.getObject(bucket, 'dir/assembled', {});
      expect((await readAll(got.body)).equals(expected)).toBe(true);
      expect(got.info.etag).toBe(info.etag);
      const head = await b.headObject(bucket, 'dir/assembled', {});
      expect(head.etag).toBe(info.etag);
      expect(head.size).toBe(expected.length);
      expect(head.meta).toEqual(m);
      expect(head.tags).toEqual(tags);
      expect(head.checksums).toEqual(composite);
      expect(head.checksumType).toBe('COMPOSITE');
      expect(head.parts).toEqual(info.parts);
      const listed = await b.listObjects(bucket, { prefix: '', maxKeys: 10 });
      expect(listed.objects.map((o) => [o.key, o.etag, o.size])).toEqual([['dir/assembled', info.etag, expected.length]]);

      // The upload is gone.
      await expectS3Error(b.listParts(bucket, 'dir/assembled', upload.uploadId), 'NoSuchUpload', 404);
      expect(await b.listMultipartUploads(bucket)).toEqual([]);
    });

    it('serves byte ranges of a multipart object across part boundaries', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'ranged');
      const parts = [await sendPart(b, bucket, 'ranged', id, 1, 'aaaa'), await sendPart(b, bucket, 'ranged', id, 2, 'bbbb')];
      await completeWith(b, bucket, 'ranged', id, parts);
      const got = await b.getObject(bucket, 'ranged', { range: { kind: 'bounded', start: 2, end: 5 } });
      expect((await readAll(got.body)).toString()).toBe('aabb');
    });

    it('a re-uploaded part replaces the earlier one', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'k');
      const first = await sendPart(b, bucket, 'k', id, 1, 'first version');
      const second = await sendPart(b, bucket, 'k', id, 1, 'second version, longer');
      expect(second.etag).not.toBe(first.etag);
      const { parts } = await b.listParts(bucket, 'k', id);
      expect(parts).toEqual([second]);
      await expectS3Error(completeWith(b, bucket, 'k', id, [first]), 'InvalidPart', 400);
      await completeWith(b, bucket, 'k', id, [second]);
      expect((await getBytes(b, bucket, 'k')).toString()).toBe('second version, longer');
    });

    it('a part body that fails midway records nothing and leaves the earlier part with that number intact', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'k');
      const good = await sendPart(b, bucket, 'k', id, 2, 'the good part');
      await expectS3Error(b.uploadPart(bucket, 'k', id, 2, failingBody(200_000, new S3Error('BadDigest'))), 'BadDigest');
      await expectS3Error(b.uploadPart(bucket, 'k', id, 3, failingBody(1000, new S3Error('IncompleteBody'))), 'IncompleteBody');
      expect((await b.listParts(bucket, 'k', id)).parts).toEqual([good]);
      await completeWith(b, bucket, 'k', id, [good]);
      expect((await getBytes(b, bucket, 'k')).toString()).toBe('the good part');
    });

    it('an aborted part upload records nothing', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'k');
      const controller = new AbortController();
      controller.abort();
      await expect(b.uploadPart(bucket, 'k', id, 1, failingBody(10, new Error('never read')), controller.signal)).rejects.toThrow();
      expect((await b.listParts(bucket, 'k', id)).parts).toEqual([]);
    });

    it('completes with a subset of the parts; the bytes are those parts only and the others are freed', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'subset');
      const parts = [];
      for (const n of [1, 2, 3, 4]) parts.push(await sendPart(b, bucket, 'subset', id, n, partData(n)));
      const chosen = [parts[0], parts[2]];
      const info = await completeWith(b, bucket, 'subset', id, chosen);
      expect(info.parts?.map((p) => p.partNumber)).toEqual([1, 3]);
      expect((await getBytes(b, bucket, 'subset')).equals(Buffer.concat([partData(1), partData(3)]))).toBe(true);
      await expectS3Error(b.listParts(bucket, 'subset', id), 'NoSuchUpload');
      await expectS3Error(sendPart(b, bucket, 'subset', id, 5, 'late'), 'NoSuchUpload');
    });

    it('completes from a single empty part into an empty object', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'empty');
      const part = await sendPart(b, bucket, 'empty', id, 1, '');
      const info = await completeWith(b, bucket, 'empty', id, [part]);
      expect(info.size).toBe(0);
      expect((await getBytes(b, bucket, 'empty')).length).toBe(0);
    });

    it('answers InvalidPart for a wrong ETag or a part never uploaded, and keeps the upload', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'k');
      const p1 = await sendPart(b, bucket, 'k', id, 1, 'one');
      const p2 = await sendPart(b, bucket, 'k', id, 2, 'two');
      await expectS3Error(completeWith(b, bucket, 'k', id, [p1, { ...p2, etag: md5Hex('not two') }]), 'InvalidPart', 400);
      await expectS3Error(completeWith(b, bucket, 'k', id, [p1, { ...p2, partNumber: 7 }]), 'InvalidPart', 400);
      await expectS3Error(b.headObject(bucket, 'k', {}), 'NoSuchKey');
      expect((await b.listParts(bucket, 'k', id)).parts).toEqual([p1, p2]);
      // Quoted ETags, as clients send them, are the same ETags.
      const quoted = completionOf([p1, p2]);
      quoted.parts = quoted.parts.map((p) => ({ ...p, etag: `"${p.etag}"` }));
      await b.completeMultipartUpload(bucket, 'k', id, quoted);
      expect((await getBytes(b, bucket, 'k')).toString()).toBe('onetwo');
    });

    it('answers NoSuchUpload for an unknown id, a malformed id, and an id of another key or bucket', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'mine');
      const p1 = await sendPart(b, bucket, 'mine', id, 1, 'x');
      const unknown = 'A'.repeat(40);
      for (const [key, uploadId] of [
        ['mine', unknown],
        ['mine', '../../etc'],
        ['other', id],
      ] as const) {
        await expectS3Error(sendPart(b, bucket, key, uploadId, 1, 'x'), 'NoSuchUpload', 404);
        await expectS3Error(b.listParts(bucket, key, uploadId), 'NoSuchUpload', 404);
        await expectS3Error(completeWith(b, bucket, key, uploadId, [p1]), 'NoSuchUpload', 404);
        await expectS3Error(b.abortMultipartUpload(bucket, key, uploadId), 'NoSuchUpload', 404);
      }
      const otherBucket = ctx.bucketName('mpu-other');
      await b.createBucket(otherBucket, { region: 'us-east-1' });
      await expectS3Error(b.listParts(otherBucket, 'mine', id), 'NoSuchUpload', 404);
      // Still intact after all that.
      expect((await b.listParts(bucket, 'mine', id)).parts).toEqual([p1]);
    });

    it('abort frees the upload: no parts, not listed, nothing under the key; a second abort is NoSuchUpload', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'k');
      await sendPart(b, bucket, 'k', id, 1, 'one');
      await sendPart(b, bucket, 'k', id, 2, 'two');
      await b.abortMultipartUpload(bucket, 'k', id);
      await expectS3Error(b.listParts(bucket, 'k', id), 'NoSuchUpload');
      expect(await b.listMultipartUploads(bucket)).toEqual([]);
      await expectS3Error(b.headObject(bucket, 'k', {}), 'NoSuchKey');
      await expectS3Error(b.abortMultipartUpload(bucket, 'k', id), 'NoSuchUpload', 404);
    });

    it('an upload in progress does not disturb the object already under its key', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'k', 'existing');
      const id = await startUpload(b, bucket, 'k');
      await sendPart(b, bucket, 'k', id, 1, 'replacement');
      expect((await getBytes(b, bucket, 'k')).toString()).toBe('existing');
      await b.abortMultipartUpload(bucket, 'k', id);
      expect((await getBytes(b, bucket, 'k')).toString()).toBe('existing');
    });

    it('completion replaces an existing object; a later put makes it single-part again', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'k', 'old', { tags: [{ key: 'old', value: '1' }] });
      const id = await startUpload(b, bucket, 'k');
      const parts = [await sendPart(b, bucket, 'k', id, 1, 'new '), await sendPart(b, bucket, 'k', id, 2, 'bytes')];
      await completeWith(b, bucket, 'k', id, parts);
      const head = await b.headObject(bucket, 'k', {});
      expect(head.tags).toBeUndefined();
      expect(head.parts).toHaveLength(2);
      expect((await getBytes(b, bucket, 'k')).toString()).toBe('new bytes');
      await putBytes(b, bucket, 'k', 'plain');
      const after = await b.headObject(bucket, 'k', {});
      expect(after.parts).toBeUndefined();
      expect(after.etag).toBe(md5Hex('plain'));
    });

    it("completion honours If-None-Match '*' and If-Match (412), leaving the upload to retry or abort", async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'taken', 'already here');
      const id = await startUpload(b, bucket, 'taken');
      const parts = [await sendPart(b, bucket, 'taken', id, 1, 'would replace')];
      await expectS3Error(completeWith(b, bucket, 'taken', id, parts, { ifNoneMatch: '*' }), 'PreconditionFailed', 412);
      await expectS3Error(completeWith(b, bucket, 'taken', id, parts, { ifMatch: md5Hex('something else') }), 'PreconditionFailed', 412);
      expect((await getBytes(b, bucket, 'taken')).toString()).toBe('already here');
      expect((await b.listParts(bucket, 'taken', id)).parts).toHaveLength(1);
      await completeWith(b, bucket, 'taken', id, parts, { ifMatch: `"${md5Hex('already here')}"` });
      expect((await getBytes(b, bucket, 'taken')).toString()).toBe('would replace');

      const fresh = await startUpload(b, bucket, 'fresh');
      const freshParts = [await sendPart(b, bucket, 'fresh', fresh, 1, 'first')];
      await completeWith(b, bucket, 'fresh', fresh, freshParts, { ifNoneMatch: '*' });
      expect((await getBytes(b, bucket, 'fresh')).toString()).toBe('first');
    });

    it('uploads different parts of one upload concurrently', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'parallel');
      const numbers = Array.from({ length: 12 }, (_, i) => i + 1);
      const sent = await Promise.all(numbers.map((n) => sendPart(b, bucket, 'parallel', id, n, partData(n, 20_000 + n))));
      const { parts } = await b.listParts(bucket, 'parallel', id);
      expect(parts.map((p) => p.partNumber)).toEqual(numbers);
      expect(parts.map((p) => p.etag)).toEqual(numbers.map((n) => md5Hex(partData(n, 20_000 + n))));
      await completeWith(b, bucket, 'parallel', id, sent.sort((x, y) => x.partNumber - y.partNumber));
      expect((await getBytes(b, bucket, 'parallel')).equals(Buffer.concat(numbers.map((n) => partData(n, 20_000 + n))))).toBe(true);
    });

    it('concurrent uploads of the same part number leave one whole part', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'contended');
      const bodies = Array.from({ length: 6 }, (_, i) => partData(i + 1, 50_000 + i));
      await Promise.all(bodies.map((body) => sendPart(b, bucket, 'contended', id, 1, body)));
      const { parts } = await b.listParts(bucket, 'contended', id);
      expect(parts).toHaveLength(1);
      const winner = bodies.find((body) => md5Hex(body) === parts[0].etag);
      expect(winner).toBeDefined();
      await completeWith(b, bucket, 'contended', id, parts);
      expect((await getBytes(b, bucket, 'contended')).equals(winner!)).toBe(true);
    });

    it('lists uploads of the bucket ordered by key (binary UTF-8), then initiation, then id', async () => {
      const b = ctx.backend();
      const keys = ['b', 'a/b', 'é', 'a', 'Z', 'a-'];
      const ids: Record<string, string[]> = {};
      for (const key of [...keys, 'a']) {
        (ids[key] ??= []).push(await startUpload(b, bucket, key));
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      const other = ctx.bucketName('mpu-list-other');
      await b.createBucket(other, { region: 'us-east-1' });
      await startUpload(b, other, 'a');

      const listed = await b.listMultipartUploads(bucket);
      const expectedKeys = [...keys, 'a'].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      expect(listed.map((u) => u.key)).toEqual(expectedKeys);
      expect(listed.filter((u) => u.key === 'a').map((u) => u.uploadId)).toEqual(ids.a);
      for (let i = 1; i < listed.length; i++) {
        const [prev, cur] = [listed[i - 1], listed[i]];
        if (prev.key === cur.key) expect(prev.initiated.getTime()).toBeLessThanOrEqual(cur.initiated.getTime());
      }
      expect(listed.every((u) => u.bucket === bucket)).toBe(true);
      await expectS3Error(b.listMultipartUploads(ctx.bucketName('mpu-none')), 'NoSuchBucket', 404);
    });

    it('answers NoSuchBucket for multipart calls on a missing bucket', async () => {
      const b = ctx.backend();
      const missing = ctx.bucketName('mpu-missing');
      await expectS3Error(startUpload(b, missing, 'k'), 'NoSuchBucket', 404);
      await expectS3Error(b.listMultipartUploads(missing), 'NoSuchBucket', 404);
    });

    it('deleting a bucket with uploads in progress succeeds (as on AWS) and discards them', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'pending');
      await sendPart(b, bucket, 'pending', id, 1, 'orphaned');
      await b.deleteBucket(bucket);
      await b.createBucket(bucket, { region: 'us-east-1' });
      expect(await b.listMultipartUploads(bucket)).toEqual([]);
      await expectS3Error(b.listParts(bucket, 'pending', id), 'NoSuchUpload');
    });

    it('tags and metadata updates keep the part list', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'k');
      const parts = [await sendPart(b, bucket, 'k', id, 1, 'one'), await sendPart(b, bucket, 'k', id, 2, 'two')];
      const info = await completeWith(b, bucket, 'k', id, parts);
      const tagged = await b.updateObjectMeta(bucket, 'k', { tags: [{ key: 'x', value: 'y' }] });
      expect(tagged.parts).toEqual(info.parts);
      expect(tagged.etag).toBe(info.etag);
      expect((await b.headObject(bucket, 'k', {})).parts).toEqual(info.parts);
    });

    it('a copy of a multipart object is single-part: MD5 ETag, full-object checksums recomputed, no part list (as on AWS)', async () => {
      const b = ctx.backend();
      const id = await startUpload(b, bucket, 'src', { checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' });
      const parts = [await sendPart(b, bucket, 'src', id, 1, partData(1), ['CRC32']), await sendPart(b, bucket, 'src', id, 2, partData(2), ['CRC32'])];
      const source = await completeWith(b, bucket, 'src', id, parts, { checksums: { CRC32: 'AAAAAA==-2' }, checksumType: 'COMPOSITE' });
      const whole = Buffer.concat([partData(1), partData(2)]);

      const copied = await b.copyObject({ bucket, key: 'src' }, { bucket, key: 'dst' }, { meta: meta(), checksums: source.checksums, sourceEtag: source.etag });
      expect(copied.etag).toBe(md5Hex(whole));
      expect(copied.parts).toBeUndefined();
      expect(copied.checksums).toEqual({ CRC32: crc32Base64(whole) });
      expect(copied.checksumType).toBe('FULL_OBJECT');
      const head = await b.headObject(bucket, 'dst', {});
      expect(head.etag).toBe(md5Hex(whole));
      expect(head.parts).toBeUndefined();
      expect(head.checksums).toEqual({ CRC32: crc32Base64(whole) });
      expect((await getBytes(b, bucket, 'dst')).equals(whole)).toBe(true);
      // The source is untouched.
      expect((await b.headObject(bucket, 'src', {})).etag).toBe(source.etag);

      // Copied onto itself (a metadata change), it becomes single-part the same way.
      const self = await b.copyObject({ bucket, key: 'src' }, { bucket, key: 'src' }, { meta: meta({ contentType: 'x/y' }), checksums: source.checksums });
      expect(self.etag).toBe(md5Hex(whole));
      expect(self.parts).toBeUndefined();
      expect(self.checksums).toEqual({ CRC32: crc32Base64(whole) });
      expect((await b.headObject(bucket, 'src', {})).parts).toBeUndefined();
      expect((await getBytes(b, bucket, 'src')).equals(whole)).toBe(true);
    });
  });
}

function sha256Base64(data: Buffer): string {
  const hasher = createChecksumHasher('SHA256');
  hasher.update(data);
  return hasher.digestBase64();
}

function crc32Base64(data: Buffer): string {
  const hasher = createChecksumHasher('CRC32');
  hasher.update(data);
  return hasher.digestBase64();
}
