import { createHash, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3Error } from '../../src/s3/errors.js';
import { failingBody, md5Hex, readAll, stallingBody, testBody } from './body.js';
import { expectS3Error, getBytes, meta, putBytes, type SuiteContext } from './harness.js';

const TRICKY_KEYS = [
  'with space/and ünïcödé ✓.txt',
  'plus+sign',
  'percent%20encoded%2F',
  'hash#fragment',
  'question?mark=1&x',
  'emoji 😀 face',
  'tab\there',
  'quote"and\'apostrophe',
  '.cairn',
  'dir.cairn/.hidden',
  'back\\slash',
];

export function objectTests(ctx: SuiteContext): void {
  describe('objects', () => {
    let bucket: string;
    beforeEach(async () => {
      bucket = ctx.bucketName('obj');
      await ctx.backend().createBucket(bucket, { region: 'us-east-1' });
    });

    for (const size of [0, 1, 5 * 1024 * 1024 + 17]) {
      it(`stores and returns ${size} bytes exactly, with the MD5 as ETag`, async () => {
        const b = ctx.backend();
        const data = randomBytes(size);
        const info = await putBytes(b, bucket, `bytes-${size}`, data);
        expect(info.size).toBe(size);
        expect(info.etag).toBe(md5Hex(data));
        const got = await b.getObject(bucket, `bytes-${size}`, {});
        expect(got.range).toBeUndefined();
        expect(got.info.size).toBe(size);
        expect(got.info.etag).toBe(md5Hex(data));
        expect((await readAll(got.body)).equals(data)).toBe(true);
        const head = await b.headObject(bucket, `bytes-${size}`, {});
        expect(head.size).toBe(size);
        expect(head.etag).toBe(md5Hex(data));
        expect(head.key).toBe(`bytes-${size}`);
        expect(head.bucket).toBe(bucket);
      });
    }

    it('handles keys with spaces, unicode and URL-special characters', async () => {
      const b = ctx.backend();
      for (const key of TRICKY_KEYS) await putBytes(b, bucket, key, `body of ${key}`);
      for (const key of TRICKY_KEYS) {
        expect((await getBytes(b, bucket, key)).toString()).toBe(`body of ${key}`);
        expect((await b.headObject(bucket, key, {})).key).toBe(key);
      }
      const listed = (await b.listObjects(bucket, { prefix: '', maxKeys: 1000 })).objects.map((o) => o.key);
      expect([...listed].sort()).toEqual([...TRICKY_KEYS].sort());
    });

    it('round-trips content headers, user metadata, storage class and checksums', async () => {
      const b = ctx.backend();
      const m = meta({
        contentType: 'text/plain; charset=utf-8',
        contentEncoding: 'identity',
        contentDisposition: 'attachment; filename="ü.txt"',
        contentLanguage: 'de-CH',
        cacheControl: 'max-age=60',
        expires: 'Wed, 21 Oct 2037 07:28:00 GMT',
        userMetadata: { color: 'blue', 'with-dash': 'Ünïcode value', empty: '' },
        storageClass: 'REDUCED_REDUNDANCY',
      });
      const data = Buffer.from('metadata test body');
      await putBytes(b, bucket, 'meta', data, { meta: m, body: { checksums: ['CRC32', 'SHA256'] } });
      const head = await b.headObject(bucket, 'meta', {});
      expect(head.meta).toEqual(m);
      expect(Object.keys(head.checksums).sort()).toEqual(['CRC32', 'SHA256']);
      expect(head.checksums.SHA256).toBe(createSha256Base64(data));
      expect(head.checksumType).toBe('FULL_OBJECT');
      const got = await b.getObject(bucket, 'meta', {});
      got.body.destroy();
      expect(got.info.meta).toEqual(m);
      const listed = await b.listObjects(bucket, { prefix: 'meta', maxKeys: 10 });
      expect(listed.objects[0].storageClass).toBe('REDUCED_REDUNDANCY');
      expect(listed.objects[0].etag).toBe(md5Hex(data));
      expect(listed.objects[0].size).toBe(data.length);
    });

    it('overwrites bytes and metadata entirely', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'over', 'first version, longer', { meta: meta({ contentType: 'a/b', userMetadata: { old: '1' } }) });
      const second = await putBytes(b, bucket, 'over', 'second', { meta: meta({ userMetadata: { new: '2' } }) });
      expect(second.etag).toBe(md5Hex('second'));
      expect((await getBytes(b, bucket, 'over')).toString()).toBe('second');
      const head = await b.headObject(bucket, 'over', {});
      expect(head.meta.userMetadata).toEqual({ new: '2' });
      expect(head.meta.contentType).toBeUndefined();
      expect(head.size).toBe(6);
    });

    describe('ranges', () => {
      const data = Buffer.from('0123456789abcdefghij'); // 20 bytes
      beforeEach(async () => {
        await putBytes(ctx.backend(), bucket, 'ranged', data);
      });

      const cases = [
        { name: 'bounded', spec: { kind: 'bounded', start: 2, end: 5 }, start: 2, end: 5 },
        { name: 'bounded past the end (clamped)', spec: { kind: 'bounded', start: 15, end: 100 }, start: 15, end: 19 },
        { name: 'open', spec: { kind: 'open', start: 7 }, start: 7, end: 19 },
        { name: 'suffix', spec: { kind: 'suffix', length: 4 }, start: 16, end: 19 },
        { name: 'suffix longer than the object', spec: { kind: 'suffix', length: 100 }, start: 0, end: 19 },
        { name: 'single last byte', spec: { kind: 'bounded', start: 19, end: 19 }, start: 19, end: 19 },
      ] as const;
      for (const c of cases) {
        it(`serves a ${c.name} range`, async () => {
          const got = await ctx.backend().getObject(bucket, 'ranged', { range: c.spec });
          expect(got.range).toEqual({ start: c.start, end: c.end });
          expect(got.info.size).toBe(20);
          expect((await readAll(got.body)).toString()).toBe(data.subarray(c.start, c.end + 1).toString());
        });
      }

      it('answers InvalidRange (416) for a range starting past the end, an empty suffix, and any range of an empty object', async () => {
        const b = ctx.backend();
        await expectS3Error(b.getObject(bucket, 'ranged', { range: { kind: 'open', start: 20 } }), 'InvalidRange', 416);
        await expectS3Error(b.getObject(bucket, 'ranged', { range: { kind: 'bounded', start: 25, end: 30 } }), 'InvalidRange', 416);
        await expectS3Error(b.getObject(bucket, 'ranged', { range: { kind: 'suffix', length: 0 } }), 'InvalidRange', 416);
        await putBytes(b, bucket, 'empty', '');
        await expectS3Error(b.getObject(bucket, 'empty', { range: { kind: 'bounded', start: 0, end: 0 } }), 'InvalidRange', 416);
      });
    });

    it('answers NoSuchKey (404) for a missing key', async () => {
      const b = ctx.backend();
      await expectS3Error(b.getObject(bucket, 'nope', {}), 'NoSuchKey', 404);
      await expectS3Error(b.headObject(bucket, 'nope', {}), 'NoSuchKey', 404);
      await expectS3Error(b.getObject(bucket, 'nope/deeper', {}), 'NoSuchKey', 404);
    });

    it('a prefix is not an object', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'dir/file', 'x');
      await expectS3Error(b.headObject(bucket, 'dir', {}), 'NoSuchKey');
      await expectS3Error(b.headObject(bucket, 'dir/', {}), 'NoSuchKey');
      const listed = await b.listObjects(bucket, { prefix: '', maxKeys: 100 });
      expect(listed.objects.map((o) => o.key)).toEqual(['dir/file']);
    });

    it('rejects keys with . or .. segments and control characters', async () => {
      const b = ctx.backend();
      for (const key of ['../escape', 'a/../../b', 'a/./b', '..', 'nul\u0000byte', 'bell\u0007']) {
        await expectS3Error(putBytes(b, bucket, key, 'x'), 'InvalidArgument', 400);
      }
      await expectS3Error(putBytes(b, bucket, 'k'.repeat(1025), 'x'), 'KeyTooLongError', 400);
    });

    it('deletes idempotently', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'gone/soon', 'x');
      expect(await b.deleteObject(bucket, 'gone/soon', {})).toEqual({});
      await expectS3Error(b.headObject(bucket, 'gone/soon', {}), 'NoSuchKey');
      await b.deleteObject(bucket, 'gone/soon', {});
      await b.deleteObject(bucket, 'never/was', {});
      expect((await b.listObjects(bucket, { prefix: '', maxKeys: 10 })).objects).toEqual([]);
    });

    it('deleteObjects reports per-key results for a mix of present and missing keys', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'x1', '1');
      await putBytes(b, bucket, 'x/2', '2');
      const results = await b.deleteObjects(bucket, [{ key: 'x1' }, { key: 'missing' }, { key: 'x/2' }, { key: 'x1' }]);
      expect(results.map((r) => [r.key, r.deleted])).toEqual([
        ['x1', true],
        ['missing', true],
        ['x/2', true],
        ['x1', true],
      ]);
      expect((await b.listObjects(bucket, { prefix: '', maxKeys: 10 })).objects).toEqual([]);
    });

    it('deleteObjects reports an invalid key as a per-key error, not a failure of the call', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'ok', '1');
      const results = await b.deleteObjects(bucket, [{ key: '../bad' }, { key: 'ok' }]);
      expect(results[0]).toMatchObject({ key: '../bad', deleted: false, code: 'InvalidArgument' });
      expect(results[1]).toMatchObject({ key: 'ok', deleted: true });
    });

    describe('folder objects (keys ending in /)', () => {
      it('stores an empty folder object next to its children', async () => {
        const b = ctx.backend();
        await putBytes(b, bucket, 'folder/', '', { meta: meta({ contentType: 'application/x-directory' }) });
        await putBytes(b, bucket, 'folder/child', 'c');
        const head = await b.headObject(bucket, 'folder/', {});
        expect(head.size).toBe(0);
        expect(head.etag).toBe(md5Hex(''));
        expect(head.meta.contentType).toBe('application/x-directory');
        expect((await getBytes(b, bucket, 'folder/')).length).toBe(0);
        const flat = await b.listObjects(bucket, { prefix: '', maxKeys: 10 });
        expect(flat.objects.map((o) => o.key)).toEqual(['folder/', 'folder/child']);
        const grouped = await b.listObjects(bucket, { prefix: 'folder/', delimiter: '/', maxKeys: 10 });
        expect(grouped.objects.map((o) => o.key)).toEqual(['folder/', 'folder/child']);
        await b.deleteObject(bucket, 'folder/child', {});
        expect((await b.headObject(bucket, 'folder/', {})).size).toBe(0);
        await b.deleteObject(bucket, 'folder/', {});
        await expectS3Error(b.headObject(bucket, 'folder/', {}), 'NoSuchKey');
      });

      it('stores a folder object with a body', async () => {
        const b = ctx.backend();
        await putBytes(b, bucket, 'withbody/', 'folder body');
        expect((await getBytes(b, bucket, 'withbody/')).toString()).toBe('folder body');
        const ranged = await b.getObject(bucket, 'withbody/', { range: { kind: 'bounded', start: 7, end: 10 } });
        expect((await readAll(ranged.body)).toString()).toBe('body');
        expect((await b.headObject(bucket, 'withbody/', {})).etag).toBe(md5Hex('folder body'));
      });
    });

    it('accepts versionId "null" as the only version of an object in an unversioned bucket', async () => {
      const b = ctx.backend();
      await putBytes(b, bucket, 'v', 'x');
      expect((await b.headObject(bucket, 'v', { versionId: 'null' })).size).toBe(1);
      const got = await b.getObject(bucket, 'v', { versionId: 'null' });
      expect((await readAll(got.body)).toString()).toBe('x');
    });

    it('answers NoSuchVersion for any other versionId [skipped on versioning backends: ids are real there]', async ({ skip }) => {
      const b = ctx.backend();
      skip(b.capabilities.versioning, 'backend supports versioning: other version ids are meaningful');
      await putBytes(b, bucket, 'v', 'x');
      await expectS3Error(b.headObject(bucket, 'v', { versionId: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY' }), 'NoSuchVersion', 404);
      await expectS3Error(b.getObject(bucket, 'v', { versionId: 'abc' }), 'NoSuchVersion', 404);
    });

    it('a body stream that errors midway leaves nothing visible and the old object intact', async () => {
      const b = ctx.backend();
      const digestError = new S3Error('BadDigest');
      await expectS3Error(b.putObject(bucket, 'fails', failingBody(100_000, digestError), { meta: meta() }), 'BadDigest');
      await expectS3Error(b.headObject(bucket, 'fails', {}), 'NoSuchKey');
      expect((await b.listObjects(bucket, { prefix: '', maxKeys: 10 })).objects).toEqual([]);
      await putBytes(b, bucket, 'kept', 'original');
      await expectS3Error(b.putObject(bucket, 'kept', failingBody(50_000, new S3Error('SignatureDoesNotMatch')), { meta: meta() }), 'SignatureDoesNotMatch');
      expect((await getBytes(b, bucket, 'kept')).toString()).toBe('original');
    });

    it('an abort while the body streams leaves nothing visible', async () => {
      const b = ctx.backend();
      const controller = new AbortController();
      const put = b.putObject(bucket, 'aborted', stallingBody(10_000), { meta: meta() }, controller.signal);
      setTimeout(() => controller.abort(), 50);
      await expect(put).rejects.toThrow();
      await expectS3Error(b.headObject(bucket, 'aborted', {}), 'NoSuchKey');
    });

    it('an already aborted signal writes nothing', async () => {
      const b = ctx.backend();
      const controller = new AbortController();
      controller.abort();
      await expect(b.putObject(bucket, 'pre-aborted', testBody('data'), { meta: meta() }, controller.signal)).rejects.toThrow();
      await expectS3Error(b.headObject(bucket, 'pre-aborted', {}), 'NoSuchKey');
    });
  });
}

function createSha256Base64(data: Buffer): string {
  return createHash('sha256').update(data).digest('base64');
}
