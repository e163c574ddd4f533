import { describe, expect, it } from 'vitest';
import type { BucketConfigKind } from '../../src/backends/backend.js';
import { expectS3Error, putBytes, type SuiteContext } from './harness.js';
import { readAll, testBody } from './body.js';

export function bucketTests(ctx: SuiteContext): void {
  describe('buckets', () => {
    it('creates, heads and lists a bucket', async () => {
      const b = ctx.backend();
      const name = ctx.bucketName('create');
      const before = Date.now();
      await b.createBucket(name, { region: 'us-east-1' });
      const info = await b.headBucket(name);
      expect(info.name).toBe(name);
      expect(info.region).toBe('us-east-1');
      expect(info.creationDate.getTime()).toBeGreaterThan(before - 60_000);
      const listed = await b.listBuckets();
      expect(listed.map((x) => x.name)).toContain(name);
    });

    it('lists buckets sorted by name', async () => {
      const b = ctx.backend();
      const names = [ctx.bucketName('zz'), ctx.bucketName('aa'), ctx.bucketName('mm')];
      for (const n of names) await b.createBucket(n, { region: 'us-east-1' });
      const listed = (await b.listBuckets()).map((x) => x.name);
      expect(listed).toEqual([...listed].sort());
      for (const n of names) expect(listed).toContain(n);
    });

    it('answers BucketAlreadyOwnedByYou (409) when creating an existing bucket', async () => {
      const b = ctx.backend();
      const name = ctx.bucketName('twice');
      await b.createBucket(name, { region: 'us-east-1' });
      await expectS3Error(b.createBucket(name, { region: 'us-east-1' }), 'BucketAlreadyOwnedByYou', 409);
    });

    it('answers NoSuchBucket for bucket and object operations on a missing bucket', async () => {
      const b = ctx.backend();
      const name = ctx.bucketName('missing');
      await expectS3Error(b.headBucket(name), 'NoSuchBucket', 404);
      await expectS3Error(b.deleteBucket(name), 'NoSuchBucket', 404);
      await expectS3Error(b.getBucketConfig(name, 'policy'), 'NoSuchBucket', 404);
      await expectS3Error(b.putObject(name, 'k', testBody('x'), { meta: { userMetadata: {}, storageClass: 'STANDARD' } }), 'NoSuchBucket', 404);
      await expectS3Error(b.getObject(name, 'k', {}), 'NoSuchBucket', 404);
      await expectS3Error(b.headObject(name, 'k', {}), 'NoSuchBucket', 404);
      await expectS3Error(b.deleteObject(name, 'k', {}), 'NoSuchBucket', 404);
      await expectS3Error(b.listObjects(name, { prefix: '', maxKeys: 10 }), 'NoSuchBucket', 404);
    });

    it('refuses to delete a non-empty bucket (BucketNotEmpty, 409), then deletes it once empty', async () => {
      const b = ctx.backend();
      const name = ctx.bucketName('notempty');
      await b.createBucket(name, { region: 'us-east-1' });
      await putBytes(b, name, 'deep/down/file.txt', 'x');
      await expectS3Error(b.deleteBucket(name), 'BucketNotEmpty', 409);
      expect((await b.headBucket(name)).name).toBe(name);
      await b.deleteObject(name, 'deep/down/file.txt', {});
      await b.deleteBucket(name);
      await expectS3Error(b.headBucket(name), 'NoSuchBucket');
      expect((await b.listBuckets()).map((x) => x.name)).not.toContain(name);
    });

    it('a folder object alone keeps a bucket non-empty', async () => {
      const b = ctx.backend();
      const name = ctx.bucketName('folderonly');
      await b.createBucket(name, { region: 'us-east-1' });
      await putBytes(b, name, 'folder/', '');
      await expectS3Error(b.deleteBucket(name), 'BucketNotEmpty', 409);
      await b.deleteObject(name, 'folder/', {});
      await b.deleteBucket(name);
    });

    it('a re-created bucket starts empty, without the old configs', async () => {
      const b = ctx.backend();
      const name = ctx.bucketName('recreate');
      await b.createBucket(name, { region: 'us-east-1' });
      await b.putBucketConfig(name, 'tagging', '<Tagging/>');
      await b.deleteBucket(name);
      await b.createBucket(name, { region: 'us-east-1' });
      expect(await b.getBucketConfig(name, 'tagging')).toBeUndefined();
      expect((await b.listObjects(name, { prefix: '', maxKeys: 10 })).objects).toEqual([]);
    });

    it('stores, replaces and deletes bucket configuration documents', async () => {
      const b = ctx.backend();
      const name = ctx.bucketName('configs');
      await b.createBucket(name, { region: 'us-east-1' });
      const kinds: BucketConfigKind[] = ['policy', 'cors', 'lifecycle', 'tagging', 'versioning'];
      for (const kind of kinds) expect(await b.getBucketConfig(name, kind)).toBeUndefined();
      const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"arn:aws:s3:::x/ü*"}]}';
      await b.putBucketConfig(name, 'policy', policy);
      await b.putBucketConfig(name, 'cors', '<CORSConfiguration/>');
      expect(await b.getBucketConfig(name, 'policy')).toBe(policy);
      expect(await b.getBucketConfig(name, 'cors')).toBe('<CORSConfiguration/>');
      expect(await b.getBucketConfig(name, 'lifecycle')).toBeUndefined();
      await b.putBucketConfig(name, 'cors', '<CORSConfiguration><CORSRule/></CORSConfiguration>');
      expect(await b.getBucketConfig(name, 'cors')).toBe('<CORSConfiguration><CORSRule/></CORSConfiguration>');
      await b.putBucketConfig(name, 'policy', undefined);
      expect(await b.getBucketConfig(name, 'policy')).toBeUndefined();
      expect(await b.getBucketConfig(name, 'cors')).toBeDefined();
      await b.putBucketConfig(name, 'policy', undefined); // deleting a missing document is fine
    });

    it('keeps buckets apart', async () => {
      const b = ctx.backend();
      const one = ctx.bucketName('one');
      const two = ctx.bucketName('two');
      await b.createBucket(one, { region: 'us-east-1' });
      await b.createBucket(two, { region: 'us-east-1' });
      await putBytes(b, one, 'same-key', 'in one');
      await putBytes(b, two, 'same-key', 'in two');
      expect((await readAll((await b.getObject(one, 'same-key', {})).body)).toString()).toBe('in one');
      expect((await readAll((await b.getObject(two, 'same-key', {})).body)).toString()).toBe('in two');
      await b.putBucketConfig(one, 'tagging', 'one');
      expect(await b.getBucketConfig(two, 'tagging')).toBeUndefined();
    });
  });
}
