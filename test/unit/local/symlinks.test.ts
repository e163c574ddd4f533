import { mkdir, readFile, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectS3Error, getBytes, meta, putBytes } from '../../conformance/harness.js';
import { openLocal, outsideDir, type LocalFixture } from './fixture.js';

/**
 * Policy under test (safe-fs.ts): symlinks are followed only when their real
 * target is inside the same bucket. Links leading elsewhere are invisible to
 * reads and listings (NoSuchKey) and refused for writes (AccessDenied).
 */
describe('local backend: symlinks cannot lead outside the bucket', () => {
  let fx: LocalFixture;
  let outside: string;
  let bucketDir: string;

  beforeEach(async () => {
    fx = await openLocal();
    outside = outsideDir(fx);
    bucketDir = path.join(fx.root, 'vault');
    await mkdir(outside, { recursive: true });
    await writeFile(path.join(outside, 'secret'), 'top secret');
    await fx.backend.createBucket('vault', { region: 'us-east-1' });
    await fx.backend.createBucket('neighbour', { region: 'us-east-1' });
    await putBytes(fx.backend, 'neighbour', 'private', 'neighbour data');
  });
  afterEach(async () => fx.cleanup());

  it('a file symlink to outside the root reads as NoSuchKey and is not listed', async () => {
    await symlink(path.join(outside, 'secret'), path.join(bucketDir, 'leak'));
    await symlink(path.join(fx.root, 'neighbour', 'private'), path.join(bucketDir, 'cross-bucket'));
    await symlink('../../outside/secret', path.join(bucketDir, 'relative-leak'));
    for (const key of ['leak', 'cross-bucket', 'relative-leak']) {
      await expectS3Error(fx.backend.getObject('vault', key, {}), 'NoSuchKey');
      await expectS3Error(fx.backend.headObject('vault', key, {}), 'NoSuchKey');
      await expectS3Error(fx.backend.copyObject({ bucket: 'vault', key }, { bucket: 'vault', key: `copy-${key}` }, { meta: meta() }), 'NoSuchKey');
    }
    expect((await fx.backend.listObjects('vault', { prefix: '', maxKeys: 100 })).objects).toEqual([]);
  });

  it('a directory symlink to outside is not readable, listable or writable through', async () => {
    await symlink(outside, path.join(bucketDir, 'door'));
    await expectS3Error(fx.backend.getObject('vault', 'door/secret', {}), 'NoSuchKey');
    expect((await fx.backend.listObjects('vault', { prefix: '', maxKeys: 100 })).objects).toEqual([]);
    expect((await fx.backend.listObjects('vault', { prefix: 'door/', maxKeys: 100 })).objects).toEqual([]);
    await expectS3Error(putBytes(fx.backend, 'vault', 'door/planted', 'x'), 'AccessDenied', 403);
    await expectS3Error(putBytes(fx.backend, 'vault', 'door/sub/planted', 'x'), 'AccessDenied', 403);
    await expectS3Error(putBytes(fx.backend, 'vault', 'door/', ''), 'AccessDenied', 403);
    expect((await readdir(outside)).sort()).toEqual(['secret']);
  });

  it('writing onto a symlink that leads outside is refused and the target is untouched', async () => {
    await symlink(path.join(outside, 'secret'), path.join(bucketDir, 'leak'));
    await expectS3Error(putBytes(fx.backend, 'vault', 'leak', 'overwritten'), 'AccessDenied', 403);
    expect(await readFile(path.join(outside, 'secret'), 'utf8')).toBe('top secret');
    expect(await readlink(path.join(bucketDir, 'leak'))).toBe(path.join(outside, 'secret'));
  });

  it('deleting a symlink key never touches its target', async () => {
    await symlink(path.join(outside, 'secret'), path.join(bucketDir, 'leak'));
    await fx.backend.deleteObject('vault', 'leak', {});
    expect(await readFile(path.join(outside, 'secret'), 'utf8')).toBe('top secret');
    await symlink(outside, path.join(bucketDir, 'door'));
    await fx.backend.deleteObject('vault', 'door/secret', {});
    expect(await readFile(path.join(outside, 'secret'), 'utf8')).toBe('top secret');
  });

  it('symlinks inside the bucket are followed, and a loop does not hang the listing', async () => {
    await putBytes(fx.backend, 'vault', 'real/data.txt', 'inside');
    await symlink('real', path.join(bucketDir, 'alias'));
    await symlink('data.txt', path.join(bucketDir, 'real', 'link.txt'));
    await symlink('..', path.join(bucketDir, 'real', 'loop'));
    expect((await getBytes(fx.backend, 'vault', 'alias/data.txt')).toString()).toBe('inside');
    expect((await getBytes(fx.backend, 'vault', 'real/link.txt')).toString()).toBe('inside');
    const keys = (await fx.backend.listObjects('vault', { prefix: '', maxKeys: 100 })).objects.map((o) => o.key);
    expect(keys).toEqual(['alias/data.txt', 'alias/link.txt', 'real/data.txt', 'real/link.txt']);
  });

  it('a bucket folder that is a symlink is not a bucket', async () => {
    await symlink(outside, path.join(fx.root, 'linked-bucket'));
    expect((await fx.backend.listBuckets()).map((b) => b.name)).not.toContain('linked-bucket');
    await expectS3Error(fx.backend.getObject('linked-bucket', 'secret', {}), 'NoSuchBucket');
    await expectS3Error(putBytes(fx.backend, 'linked-bucket', 'x', 'x'), 'NoSuchBucket');
  });

  it('keys that a file system cannot hold are refused on write and absent on read', async () => {
    await expectS3Error(putBytes(fx.backend, 'vault', '/abs', 'x'), 'InvalidArgument', 400);
    await expectS3Error(putBytes(fx.backend, 'vault', 'a//b', 'x'), 'InvalidArgument', 400);
    await expectS3Error(putBytes(fx.backend, 'vault', `${'s'.repeat(256)}/x`, 'x'), 'KeyTooLongError', 400);
    await expectS3Error(fx.backend.getObject('vault', 'a//b', {}), 'NoSuchKey');
    await fx.backend.deleteObject('vault', '/abs', {});
    await putBytes(fx.backend, 'vault', `${'s'.repeat(255)}/x`, 'fits');
    expect((await readdir(bucketDir)).length).toBe(1);
  });
});
