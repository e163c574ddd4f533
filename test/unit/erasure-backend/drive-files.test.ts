import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskDriveFiles } from '../../../src/backends/erasure/drive-files.js';

const DATA_ID = '2b0a4c1e-95b0-4a57-9d1b-3e2f1c0d9a77';

describe('DiskDriveFiles', () => {
  let root: string;
  let files: DiskDriveFiles;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'cairn-drive-files-'));
    files = new DiskDriveFiles(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const tempNames = () => readdir(path.join(root, '.cairn.sys', 'tmp'));

  it('commits a temp shard into data/<bucket>/<dataId>/<file> and reads ranges of it', async () => {
    const temp = await files.createTemp();
    await temp.write(Buffer.from('hello '));
    await temp.write(Buffer.from('world'));
    expect(await tempNames()).toHaveLength(1);
    await temp.commit('bucket', DATA_ID, 'part.1');
    expect(await tempNames()).toEqual([]);
    await temp.discard(); // a no-op once committed
    expect(await files.size('bucket', DATA_ID, 'part.1')).toBe(11);
    expect((await files.read('bucket', DATA_ID, 'part.1', 6, 5)).toString()).toBe('world');
    expect(await files.listData('bucket')).toEqual([DATA_ID]);
  });

  it('throws on short reads and missing files, reports missing sizes as undefined', async () => {
    const temp = await files.createTemp();
    await temp.write(Buffer.alloc(10, 1));
    await temp.commit('bucket', DATA_ID, 'part.1');
    await expect(files.read('bucket', DATA_ID, 'part.1', 5, 6)).rejects.toThrow(/short/);
    await expect(files.read('bucket', DATA_ID, 'nope', 0, 1)).rejects.toThrow();
    expect(await files.size('bucket', DATA_ID, 'nope')).toBeUndefined();
    expect(await files.listData('other')).toEqual([]);
  });

  it('discards temp shards, removes files and data directories (missing is fine)', async () => {
    const temp = await files.createTemp();
    await temp.write(Buffer.alloc(3));
    await temp.discard();
    await temp.discard();
    expect(await tempNames()).toEqual([]);
    await expect(temp.write(Buffer.alloc(1))).rejects.toThrow();

    const kept = await files.createTemp();
    await kept.commit('bucket', DATA_ID, 'a');
    await files.remove('bucket', DATA_ID, 'a');
    await files.remove('bucket', DATA_ID, 'a');
    expect(await files.size('bucket', DATA_ID, 'a')).toBeUndefined();
    await files.removeData('bucket', DATA_ID);
    await files.removeData('bucket', DATA_ID);
    expect(await files.listData('bucket')).toEqual([]);
  });

  it('sweeps leftover temp files', async () => {
    const crashed = await files.createTemp();
    await writeFile(path.join(root, '.cairn.sys', 'tmp', 'debris'), 'x');
    await files.sweepTemp();
    expect(await tempNames()).toEqual([]);
    await crashed.discard();
  });

  it('refuses path components that could leave their directory', async () => {
    for (const bad of ['..', '.', '', 'a/b', 'a\\b']) {
      await expect(files.read(bad, DATA_ID, 'f', 0, 1)).rejects.toThrow(/unsafe/);
      await expect(files.size('bucket', bad, 'f')).rejects.toThrow(/unsafe/);
      await expect(files.removeData('bucket', bad)).rejects.toThrow(/unsafe/);
    }
    const temp = await files.createTemp();
    await expect(temp.commit('bucket', DATA_ID, '../escape')).rejects.toThrow(/unsafe/);
    await temp.discard();
    expect(await tempNames()).toEqual([]);
  });
});
