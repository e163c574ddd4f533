import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3Error } from '../../../src/s3/errors.js';
import { failingBody, md5Hex, readAll, stallingBody, testBody } from '../../conformance/body.js';
import { expectS3Error, getBytes, meta, putBytes } from '../../conformance/harness.js';
import { openLocal, type LocalFixture } from './fixture.js';

describe('local backend: atomic, durable writes', () => {
  let fx: LocalFixture;
  const tempDir = (): string => path.join(fx.root, '.cairn', 'tmp');

  beforeEach(async () => {
    fx = await openLocal();
    await fx.backend.createBucket('data', { region: 'us-east-1' });
  });
  afterEach(async () => fx.cleanup());

  it('removes temp files left by a crash when it opens', async () => {
    await writeFile(path.join(tempDir(), 'crashed-upload.tmp'), 'partial');
    await mkdir(path.join(tempDir(), 'odd-dir'));
    await fx.reopen();
    expect(await readdir(tempDir())).toEqual([]);
  });

  it('a body that fails midway leaves no temp file and no object', async () => {
    await expectS3Error(fx.backend.putObject('data', 'k', failingBody(300_000, new S3Error('BadDigest')), { meta: meta() }), 'BadDigest');
    expect(await readdir(tempDir())).toEqual([]);
    expect(await readdir(path.join(fx.root, 'data'))).toEqual([]);
  });

  it('an abort leaves no temp file and no object', async () => {
    const controller = new AbortController();
    const put = fx.backend.putObject('data', 'nested/k', stallingBody(100_000), { meta: meta() }, controller.signal);
    setTimeout(() => controller.abort(), 30);
    await expect(put).rejects.toThrow();
    expect(await readdir(tempDir())).toEqual([]);
    expect(await readdir(path.join(fx.root, 'data'))).toEqual([]);
  });

  it('a failed conditional write or key conflict leaves no temp file', async () => {
    await putBytes(fx.backend, 'data', 'x', '1');
    await expectS3Error(putBytes(fx.backend, 'data', 'x', '2', { ifNoneMatch: '*' }), 'PreconditionFailed');
    await expectS3Error(putBytes(fx.backend, 'data', 'x/y', '2'), 'XCairnKeyConflict');
    expect(await readdir(tempDir())).toEqual([]);
    expect(await readdir(path.join(fx.root, 'data'))).toEqual(['x']);
  });

  it('a short body (fewer bytes than declared) is refused with IncompleteBody', async () => {
    await expectS3Error(fx.backend.putObject('data', 'short', testBody('abc', { declaredSize: 10 }), { meta: meta() }), 'IncompleteBody');
    await expectS3Error(fx.backend.headObject('data', 'short', {}), 'NoSuchKey');
  });

  it('concurrent writes to one key: one wins whole, never a mix', async () => {
    for (let round = 0; round < 5; round++) {
      const bodies = Array.from({ length: 6 }, (_, i) => Buffer.alloc(512 * 1024 + i, 65 + i));
      await Promise.all(bodies.map((body, i) => putBytes(fx.backend, 'data', 'contended', body, { meta: meta({ userMetadata: { writer: String(i) } }) })));
      const stored = await getBytes(fx.backend, 'data', 'contended');
      const winner = bodies.findIndex((b) => b.equals(stored));
      expect(winner).toBeGreaterThanOrEqual(0);
      const head = await fx.backend.headObject('data', 'contended', {});
      expect(head.etag).toBe(md5Hex(bodies[winner]));
      expect(head.meta.userMetadata.writer).toBe(String(winner));
      expect(head.size).toBe(bodies[winner].length);
    }
    expect(await readdir(tempDir())).toEqual([]);
  });

  it('a reader sees the old or the new object while writes land, never a torn one', async () => {
    const versions = Array.from({ length: 4 }, () => randomBytes(256 * 1024));
    await putBytes(fx.backend, 'data', 'hot', versions[0]);
    const writes = (async () => {
      for (let i = 1; i < 40; i++) await putBytes(fx.backend, 'data', 'hot', versions[i % versions.length]);
    })();
    const reads = (async () => {
      for (let i = 0; i < 40; i++) {
        const got = await fx.backend.getObject('data', 'hot', {});
        const body = await readAll(got.body);
        expect(versions.some((v) => v.equals(body))).toBe(true);
        expect(got.info.etag).toBe(md5Hex(body));
      }
    })();
    await Promise.all([writes, reads]);
  });

  it('deletes prune emptied folders but keep the bucket and folder objects', async () => {
    await putBytes(fx.backend, 'data', 'a/b/c/file', 'x');
    await putBytes(fx.backend, 'data', 'a/keep/', '');
    await putBytes(fx.backend, 'data', 'a/keep/inner/file', 'x');
    await fx.backend.deleteObject('data', 'a/b/c/file', {});
    expect(await readdir(path.join(fx.root, 'data', 'a'))).toEqual(['keep']);
    await fx.backend.deleteObject('data', 'a/keep/inner/file', {});
    expect(await readdir(path.join(fx.root, 'data', 'a'))).toEqual(['keep']);
    await fx.backend.deleteObject('data', 'a/keep/', {});
    expect(await readdir(path.join(fx.root, 'data'))).toEqual([]);
    expect((await stat(path.join(fx.root, 'data'))).isDirectory()).toBe(true);
  });

  it('a file may replace a leftover empty directory of the same name', async () => {
    await mkdir(path.join(fx.root, 'data', 'was-a-dir', 'empty-child'), { recursive: true });
    await expectS3Error(putBytes(fx.backend, 'data', 'was-a-dir', 'x'), 'XCairnKeyConflict');
    await mkdir(path.join(fx.root, 'data', 'empty-dir'));
    await putBytes(fx.backend, 'data', 'empty-dir', 'now a file');
    expect((await getBytes(fx.backend, 'data', 'empty-dir')).toString()).toBe('now a file');
  });

  it('deleteBucket removes leftover empty folders, but a foreign file keeps the bucket', async () => {
    await mkdir(path.join(fx.root, 'data', 'left', 'over'), { recursive: true });
    await fx.backend.deleteBucket('data');
    expect((await fx.backend.listBuckets()).map((b) => b.name)).toEqual([]);
    await fx.backend.createBucket('data', { region: 'us-east-1' });
    await mkdir(path.join(fx.root, 'data', 'deep', 'er'), { recursive: true });
    await writeFile(path.join(fx.root, 'data', 'deep', 'er', 'foreign'), 'x');
    await expectS3Error(fx.backend.deleteBucket('data'), 'BucketNotEmpty');
    expect((await getBytes(fx.backend, 'data', 'deep/er/foreign')).toString()).toBe('x');
  });

  it('serves a sidecar-only key name like .cairn inside a bucket', async () => {
    await putBytes(fx.backend, 'data', '.cairn/meta.db', 'not the sidecar');
    expect((await getBytes(fx.backend, 'data', '.cairn/meta.db')).toString()).toBe('not the sidecar');
    expect((await fx.backend.listBuckets()).map((b) => b.name)).toEqual(['data']);
  });
});
