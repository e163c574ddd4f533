import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3Error } from '../../../src/s3/errors.js';
import { failingBody, md5Hex, stallingBody } from '../../conformance/body.js';
import { expectS3Error, getBytes, putBytes } from '../../conformance/harness.js';
import { completeWith, partData, sendPart, startUpload } from '../../conformance/multipart.js';
import { openLocal, type LocalFixture } from './fixture.js';

describe('local backend: multipart uploads on disk', () => {
  let fx: LocalFixture;
  const multipartDir = (): string => path.join(fx.root, '.cairn', 'multipart');
  const uploadDir = (id: string): string => path.join(multipartDir(), id);
  const tempDir = (): string => path.join(fx.root, '.cairn', 'tmp');

  beforeEach(async () => {
    fx = await openLocal();
    await fx.backend.createBucket('data', { region: 'us-east-1' });
  });
  afterEach(async () => fx.cleanup());

  it('upload ids are 192 random bits in hex, and each upload has its own folder', async () => {
    const id = await startUpload(fx.backend, 'data', 'k');
    expect(id).toMatch(/^[0-9a-f]{48}$/);
    expect((await stat(uploadDir(id))).isDirectory()).toBe(true);
  });

  it('refuses at creation a key the file system cannot hold', async () => {
    await expectS3Error(startUpload(fx.backend, 'data', 'a//b'), 'InvalidArgument', 400);
    await expectS3Error(startUpload(fx.backend, 'data', '/leading'), 'InvalidArgument', 400);
    await expectS3Error(startUpload(fx.backend, 'data', `${'x'.repeat(256)}/y`), 'KeyTooLongError', 400);
    expect(await readdir(multipartDir())).toEqual([]);
  });

  it('an acknowledged part survives a restart, and the upload completes afterwards', async () => {
    const id = await startUpload(fx.backend, 'data', 'k');
    const p1 = await sendPart(fx.backend, 'data', 'k', id, 1, partData(1));
    const p2 = await sendPart(fx.backend, 'data', 'k', id, 2, partData(2));
    await fx.reopen();
    const { parts } = await fx.backend.listParts('data', 'k', id);
    expect(parts).toEqual([p1, p2]);
    await completeWith(fx.backend, 'data', 'k', id, parts);
    expect((await getBytes(fx.backend, 'data', 'k')).equals(Buffer.concat([partData(1), partData(2)]))).toBe(true);
  });

  it('a re-uploaded part leaves exactly one file for its number', async () => {
    const id = await startUpload(fx.backend, 'data', 'k');
    await sendPart(fx.backend, 'data', 'k', id, 1, 'one');
    await sendPart(fx.backend, 'data', 'k', id, 1, 'one again');
    await sendPart(fx.backend, 'data', 'k', id, 2, 'two');
    const files = (await readdir(uploadDir(id))).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^1\.[0-9a-f]{16}\.part$/);
    expect(files[1]).toMatch(/^2\.[0-9a-f]{16}\.part$/);
  });

  it('a failing or abandoned part body leaves no temp file and no part file', async () => {
    const id = await startUpload(fx.backend, 'data', 'k');
    await sendPart(fx.backend, 'data', 'k', id, 1, 'kept');
    const before = await readdir(uploadDir(id));
    await expectS3Error(fx.backend.uploadPart('data', 'k', id, 1, failingBody(300_000, new S3Error('BadDigest'))), 'BadDigest');
    const controller = new AbortController();
    const stalled = fx.backend.uploadPart('data', 'k', id, 2, stallingBody(100_000), controller.signal);
    setTimeout(() => controller.abort(), 30);
    await expect(stalled).rejects.toThrow();
    expect(await readdir(tempDir())).toEqual([]);
    expect(await readdir(uploadDir(id))).toEqual(before);
  });

  it('completion and abort remove the upload folder, unchosen parts included, and the staging area is clean', async () => {
    const done = await startUpload(fx.backend, 'data', 'done');
    const parts = [];
    for (const n of [1, 2, 3]) parts.push(await sendPart(fx.backend, 'data', 'done', done, n, partData(n)));
    await completeWith(fx.backend, 'data', 'done', done, [parts[1]]);
    const aborted = await startUpload(fx.backend, 'data', 'aborted');
    await sendPart(fx.backend, 'data', 'aborted', aborted, 1, 'x');
    await fx.backend.abortMultipartUpload('data', 'aborted', aborted);
    expect(await readdir(multipartDir())).toEqual([]);
    expect(await readdir(tempDir())).toEqual([]);
    // The object is a plain file at its key path.
    expect((await stat(path.join(fx.root, 'data', 'done'))).size).toBe(partData(2).length);
  });

  it('dates the completed object (its file mtime) by the upload initiation, as S3 does', async () => {
    const upload = await fx.backend.createMultipartUpload('data', 'dated', { meta: { userMetadata: {}, storageClass: 'STANDARD' } });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const part = await sendPart(fx.backend, 'data', 'dated', upload.uploadId, 1, 'x');
    const info = await completeWith(fx.backend, 'data', 'dated', upload.uploadId, [part]);
    expect(info.lastModified.getTime()).toBe(upload.initiated.getTime());
    expect((await fx.backend.headObject('data', 'dated', {})).lastModified.getTime()).toBe(upload.initiated.getTime());
    expect(Math.floor((await stat(path.join(fx.root, 'data', 'dated'))).mtimeMs)).toBe(upload.initiated.getTime());
  });

  it('a key conflict at completion writes nothing and keeps the upload', async () => {
    await putBytes(fx.backend, 'data', 'a', 'a file');
    const id = await startUpload(fx.backend, 'data', 'a/b');
    const part = await sendPart(fx.backend, 'data', 'a/b', id, 1, 'child');
    await expectS3Error(completeWith(fx.backend, 'data', 'a/b', id, [part]), 'XCairnKeyConflict', 409);
    expect((await fx.backend.listParts('data', 'a/b', id)).parts).toEqual([part]);
    expect(await readdir(tempDir())).toEqual([]);
    await fx.backend.abortMultipartUpload('data', 'a/b', id);
  });

  it('assembles parts larger than the copy buffer, and of odd sizes, byte for byte', async () => {
    const sizes = [9 * 1024 * 1024 + 3, 4 * 1024 * 1024, 1, 5 * 1024 * 1024 - 1];
    const id = await startUpload(fx.backend, 'data', 'large');
    const bodies = sizes.map((size) => randomBytes(size));
    const parts = [];
    for (const [i, body] of bodies.entries()) parts.push(await sendPart(fx.backend, 'data', 'large', id, i + 1, body));
    const info = await completeWith(fx.backend, 'data', 'large', id, parts);
    const whole = Buffer.concat(bodies);
    expect(info.size).toBe(whole.length);
    expect(md5Hex(await getBytes(fx.backend, 'data', 'large'))).toBe(md5Hex(whole));
  });

  it('completes into a folder object', async () => {
    const id = await startUpload(fx.backend, 'data', 'folder/');
    const parts = [await sendPart(fx.backend, 'data', 'folder/', id, 1, 'body '), await sendPart(fx.backend, 'data', 'folder/', id, 2, 'of a folder')];
    const info = await completeWith(fx.backend, 'data', 'folder/', id, parts);
    expect(info.parts).toHaveLength(2);
    expect((await getBytes(fx.backend, 'data', 'folder/')).toString()).toBe('body of a folder');
    expect((await stat(path.join(fx.root, 'data', 'folder'))).isDirectory()).toBe(true);
  });

  describe('after a crash', () => {
    it('removes folders of unknown uploads and part files no row names, keeping recorded parts', async () => {
      const id = await startUpload(fx.backend, 'data', 'k');
      const part = await sendPart(fx.backend, 'data', 'k', id, 1, 'recorded');
      const [recordedFile] = await readdir(uploadDir(id));
      await writeFile(path.join(uploadDir(id), '2.00000000deadbeef.part'), 'renamed in, never recorded');
      await writeFile(path.join(uploadDir(id), '1.1111111111111111.part'), 'replaced, never removed');
      await mkdir(path.join(multipartDir(), 'f'.repeat(48)));
      await writeFile(path.join(multipartDir(), 'f'.repeat(48), '1.aaaaaaaaaaaaaaaa.part'), 'upload row never committed');
      await writeFile(path.join(tempDir(), 'half-received.tmp'), 'partial');
      await fx.reopen();
      expect(await readdir(multipartDir())).toEqual([id]);
      expect(await readdir(uploadDir(id))).toEqual([recordedFile]);
      expect(await readdir(tempDir())).toEqual([]);
      expect((await fx.backend.listParts('data', 'k', id)).parts).toEqual([part]);
    });

    it('an upload whose part files are gone stays listable; completing it is InvalidPart; it can take new parts or be aborted', async () => {
      const id = await startUpload(fx.backend, 'data', 'k');
      const lost = await sendPart(fx.backend, 'data', 'k', id, 1, 'lost');
      await rm(uploadDir(id), { recursive: true });
      await fx.reopen();
      expect((await fx.backend.listMultipartUploads('data')).map((u) => u.uploadId)).toEqual([id]);
      expect((await fx.backend.listParts('data', 'k', id)).parts).toEqual([lost]);
      await expectS3Error(completeWith(fx.backend, 'data', 'k', id, [lost]), 'InvalidPart', 400);
      const again = await sendPart(fx.backend, 'data', 'k', id, 1, 'sent again');
      await completeWith(fx.backend, 'data', 'k', id, [again]);
      expect((await getBytes(fx.backend, 'data', 'k')).toString()).toBe('sent again');

      const other = await startUpload(fx.backend, 'data', 'k2');
      await sendPart(fx.backend, 'data', 'k2', other, 1, 'x');
      await rm(uploadDir(other), { recursive: true });
      await fx.reopen();
      await fx.backend.abortMultipartUpload('data', 'k2', other);
      expect(await fx.backend.listMultipartUploads('data')).toEqual([]);
    });

    it('a part file that was truncated behind our back fails completion with InvalidPart', async () => {
      const id = await startUpload(fx.backend, 'data', 'k');
      const part = await sendPart(fx.backend, 'data', 'k', id, 1, 'full length part');
      const [file] = await readdir(uploadDir(id));
      await writeFile(path.join(uploadDir(id), file), 'short');
      await expectS3Error(completeWith(fx.backend, 'data', 'k', id, [part]), 'InvalidPart', 400);
      await expectS3Error(fx.backend.headObject('data', 'k', {}), 'NoSuchKey');
    });
  });

  describe('buckets', () => {
    it('deleting a bucket removes its upload folders; other buckets keep theirs', async () => {
      await fx.backend.createBucket('other', { region: 'us-east-1' });
      const keep = await startUpload(fx.backend, 'other', 'k');
      const gone = await startUpload(fx.backend, 'data', 'k');
      await sendPart(fx.backend, 'data', 'k', gone, 1, 'x');
      await fx.backend.deleteBucket('data');
      expect(await readdir(multipartDir())).toEqual([keep]);
    });

    it('a bucket that refuses deletion (objects left) keeps its uploads', async () => {
      await putBytes(fx.backend, 'data', 'obj', 'x');
      const id = await startUpload(fx.backend, 'data', 'k');
      await expectS3Error(fx.backend.deleteBucket('data'), 'BucketNotEmpty', 409);
      expect((await fx.backend.listMultipartUploads('data')).map((u) => u.uploadId)).toEqual([id]);
    });

    it('re-creating a bucket whose folder was removed behind our back drops its stale uploads', async () => {
      const id = await startUpload(fx.backend, 'data', 'k');
      await rm(path.join(fx.root, 'data'), { recursive: true });
      await fx.backend.createBucket('data', { region: 'us-east-1' });
      expect(await fx.backend.listMultipartUploads('data')).toEqual([]);
      expect(await readdir(multipartDir())).not.toContain(id);
    });
  });
});
