import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { md5Hex, readAll } from '../../conformance/body.js';
import { expectS3Error, getBytes, meta, putBytes } from '../../conformance/harness.js';
import { openLocal, type LocalFixture } from './fixture.js';

describe('local backend: the tree is shared with other programs', () => {
  let fx: LocalFixture;
  beforeEach(async () => {
    fx = await openLocal();
    await fx.backend.createBucket('shared', { region: 'eu-west-1' });
  });
  afterEach(async () => fx.cleanup());

  it('serves a file another program dropped in, with default metadata and its MD5 as ETag', async () => {
    const content = Buffer.from('written by another program\n');
    await mkdir(path.join(fx.root, 'shared', 'in', 'box'), { recursive: true });
    await writeFile(path.join(fx.root, 'shared', 'in', 'box', 'note.txt'), content);
    const head = await fx.backend.headObject('shared', 'in/box/note.txt', {});
    expect(head.etag).toBe(md5Hex(content));
    expect(head.size).toBe(content.length);
    expect(head.meta).toEqual(meta());
    expect(head.checksums).toEqual({});
    expect((await getBytes(fx.backend, 'shared', 'in/box/note.txt')).equals(content)).toBe(true);
    const listed = await fx.backend.listObjects('shared', { prefix: '', maxKeys: 10 });
    expect(listed.objects).toMatchObject([{ key: 'in/box/note.txt', etag: md5Hex(content), size: content.length }]);
  });

  it('computes the ETag of a foreign file during a listing too, and again after the file changes', async () => {
    const file = path.join(fx.root, 'shared', 'listed.bin');
    await writeFile(file, 'one');
    expect((await fx.backend.listObjects('shared', { prefix: '', maxKeys: 10 })).objects[0].etag).toBe(md5Hex('one'));
    await writeFile(file, 'two!');
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    expect((await fx.backend.listObjects('shared', { prefix: '', maxKeys: 10 })).objects[0].etag).toBe(md5Hex('two!'));
    expect((await fx.backend.headObject('shared', 'listed.bin', {})).etag).toBe(md5Hex('two!'));
  });

  it('an object modified by another program falls back to default metadata and a fresh MD5', async () => {
    await putBytes(fx.backend, 'shared', 'doc.txt', 'original', { meta: meta({ contentType: 'text/plain', userMetadata: { a: '1' } }) });
    const file = path.join(fx.root, 'shared', 'doc.txt');
    await writeFile(file, 'edited by hand');
    const head = await fx.backend.headObject('shared', 'doc.txt', {});
    expect(head.etag).toBe(md5Hex('edited by hand'));
    expect(head.meta).toEqual(meta());
    expect((await getBytes(fx.backend, 'shared', 'doc.txt')).toString()).toBe('edited by hand');
  });

  it('writes objects as plain files at their key path', async () => {
    await putBytes(fx.backend, 'shared', 'reports/2024/q1.csv', 'a,b\n1,2\n');
    expect(await readFile(path.join(fx.root, 'shared', 'reports', '2024', 'q1.csv'), 'utf8')).toBe('a,b\n1,2\n');
    await putBytes(fx.backend, 'shared', 'empty-folder/', '');
    expect((await readdir(path.join(fx.root, 'shared', 'empty-folder'))).length).toBe(0);
  });

  it('treats folders made by other programs as buckets, but not invalid names, symlinks or .cairn', async () => {
    await mkdir(path.join(fx.root, 'made-elsewhere'));
    await mkdir(path.join(fx.root, 'Not_A_Bucket'));
    await mkdir(path.join(fx.root, '.hidden'));
    await writeFile(path.join(fx.root, 'plain-file'), 'x');
    const names = (await fx.backend.listBuckets()).map((b) => b.name);
    expect(names).toEqual(['made-elsewhere', 'shared']);
    const foreign = await fx.backend.headBucket('made-elsewhere');
    expect(foreign.region).toBe('us-east-1');
    expect((await fx.backend.headBucket('shared')).region).toBe('eu-west-1');
    await expectS3Error(fx.backend.headBucket('Not_A_Bucket'), 'NoSuchBucket');
    await expectS3Error(fx.backend.headBucket('.cairn'), 'NoSuchBucket');
    await expectS3Error(fx.backend.createBucket('plain-file', { region: 'us-east-1' }), 'BucketAlreadyExists');
    await expectS3Error(fx.backend.createBucket('made-elsewhere', { region: 'us-east-1' }), 'BucketAlreadyOwnedByYou');
  });

  it('a bare directory is a prefix, not an object; empty directories do not appear', async () => {
    await mkdir(path.join(fx.root, 'shared', 'bare', 'deeper'), { recursive: true });
    await mkdir(path.join(fx.root, 'shared', 'empty'));
    await writeFile(path.join(fx.root, 'shared', 'bare', 'deeper', 'f'), 'x');
    await expectS3Error(fx.backend.headObject('shared', 'bare/', {}), 'NoSuchKey');
    const flat = await fx.backend.listObjects('shared', { prefix: '', maxKeys: 10 });
    expect(flat.objects.map((o) => o.key)).toEqual(['bare/deeper/f']);
    const grouped = await fx.backend.listObjects('shared', { prefix: '', delimiter: '/', maxKeys: 10 });
    expect(grouped.commonPrefixes).toEqual(['bare/']);
    await fx.backend.deleteObject('shared', 'bare/', {}); // not an object: nothing to do
    expect((await readdir(path.join(fx.root, 'shared', 'bare'))).length).toBe(1);
  });

  it('skips FIFOs (without blocking) and names that are not UTF-8', async () => {
    const fifo = path.join(fx.root, 'shared', 'pipe');
    execFileSync('mkfifo', [fifo]);
    await writeFile(Buffer.concat([Buffer.from(path.join(fx.root, 'shared') + '/'), Buffer.from([0x66, 0xff, 0x66])]), 'latin');
    await writeFile(path.join(fx.root, 'shared', 'ok'), 'ok');
    const listed = await fx.backend.listObjects('shared', { prefix: '', maxKeys: 10 });
    expect(listed.objects.map((o) => o.key)).toEqual(['ok']);
    await expectS3Error(fx.backend.getObject('shared', 'pipe', {}), 'NoSuchKey');
    await expectS3Error(fx.backend.deleteBucket('shared'), 'BucketNotEmpty');
  });

  it('keeps metadata, configs and cached ETags across a restart', async () => {
    await putBytes(fx.backend, 'shared', 'kept', 'data', { meta: meta({ contentType: 'x/y', userMetadata: { k: 'v' } }), body: { checksums: ['CRC32'] } });
    await fx.backend.putBucketConfig('shared', 'policy', '{"p":1}');
    const backend = await fx.reopen();
    const head = await backend.headObject('shared', 'kept', {});
    expect(head.meta).toEqual(meta({ contentType: 'x/y', userMetadata: { k: 'v' } }));
    expect(head.checksums.CRC32).toBeDefined();
    expect(await backend.getBucketConfig('shared', 'policy')).toBe('{"p":1}');
    expect((await backend.headBucket('shared')).region).toBe('eu-west-1');
  });

  it('streams a large foreign file from an offset', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
    big.write('tail', big.length - 4);
    await writeFile(path.join(fx.root, 'shared', 'big'), big);
    const got = await fx.backend.getObject('shared', 'big', { range: { kind: 'suffix', length: 4 } });
    expect((await readAll(got.body)).toString()).toBe('tail');
    expect(got.info.etag).toBe(md5Hex(big));
  });
});
