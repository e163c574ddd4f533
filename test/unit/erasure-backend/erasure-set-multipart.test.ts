import { afterEach, describe, expect, it } from 'vitest';
import { S3Error } from '../../../src/s3/errors.js';
import { bodyOf, bytes, dataDirs, meta, noCheck, openTestSet, readAll, tempFiles, type TestSet } from './erasure-set-fixtures.js';

const MiB = 1 << 20;
let current: TestSet | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

describe('ErasureSet multipart uploads (4 drives, 2+2)', () => {
  it('uploads, replaces and lists parts, completes from chosen parts and frees the others', async () => {
    current = await openTestSet(4, 2);
    const { set, drives } = current;
    const upload = await set.createUpload('bkt', 'mp', 'STANDARD', { meta });
    expect(set.getUpload(upload.uploadId)?.dataId).toBe(upload.dataId);
    expect(set.listUploads('bkt').map((u) => u.uploadId)).toEqual([upload.uploadId]);

    const one = bytes(MiB + 3);
    const two = bytes(2 * MiB);
    const three = bytes(1000);
    await set.putPart(upload, 1, bodyOf(bytes(100)), undefined);
    const p1 = await set.putPart(upload, 1, bodyOf(one)); // replaces the first part 1
    await set.putPart(upload, 2, bodyOf(two));
    const p3 = await set.putPart(upload, 3, bodyOf(three));
    const parts = set.listParts(upload);
    expect(parts.map((p) => [p.part.partNumber, p.part.size])).toEqual([
      [1, one.length],
      [2, two.length],
      [3, three.length],
    ]);
    expect(parts[0].part.file).toBe(p1.part.file);

    const stale = { ...p1, part: { ...p1.part, file: 'part.1.gone' } };
    await expect(set.completeUpload(upload, { parts: [stale], etag: 'x-1', checksums: {} }, noCheck)).rejects.toMatchObject({ code: 'InvalidPart' });

    const record = await set.completeUpload(upload, { parts: [parts[0], p3], etag: 'abc-2', checksums: {} }, noCheck);
    expect(record.multipart).toBe(true);
    expect(record.size).toBe(one.length + three.length);
    expect(set.getUpload(upload.uploadId)).toBeUndefined();
    const resolved = set.resolve('bkt', 'mp')!;
    expect(resolved.etag).toBe('abc-2');
    expect((await readAll(set.read(resolved, undefined))).equals(Buffer.concat([one, three]))).toBe(true);
    const range = { start: one.length - 5, end: one.length + 4 };
    expect((await readAll(set.read(resolved, range))).equals(Buffer.concat([one, three]).subarray(range.start, range.end + 1))).toBe(true);
    // Part 2 and the replaced part 1 are gone; only the chosen part files remain.
    const { readdir } = await import('node:fs/promises');
    for (const drive of drives) {
      const files = (await readdir(`${drive.root}/data/bkt/${upload.dataId}`)).sort();
      expect(files).toEqual([p1.part.file, p3.part.file].sort());
      expect(await tempFiles(drive)).toEqual([]);
    }
  });

  it('a completion whose check refuses leaves the upload intact; abort removes records and data', async () => {
    current = await openTestSet(4, 2);
    const { set, drives } = current;
    const upload = await set.createUpload('bkt', 'mp', 'STANDARD', { meta, tags: [{ key: 't', value: 'v' }] });
    const part = await set.putPart(upload, 1, bodyOf(bytes(MiB)));
    const refused = set.completeUpload(upload, { parts: [part], etag: 'e-1', checksums: {} }, () => {
      throw new S3Error('PreconditionFailed');
    });
    await expect(refused).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect(set.resolve('bkt', 'mp')).toBeUndefined();
    expect(set.listParts(upload)).toHaveLength(1);

    await set.abortUpload(upload);
    expect(set.getUpload(upload.uploadId)).toBeUndefined();
    expect(set.listUploads('bkt')).toEqual([]);
    for (const drive of drives) expect(await dataDirs(drive, 'bkt')).toEqual([]);
    await expect(set.putPart(upload, 2, bodyOf(bytes(10)))).rejects.toMatchObject({ code: 'NoSuchUpload' });
    for (const drive of drives) expect(await dataDirs(drive, 'bkt')).toEqual([]);
  });
});
