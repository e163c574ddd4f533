import { rm, truncate } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { framedShardSize } from '../../../src/erasure/stripe.js';
import { S3Error } from '../../../src/s3/errors.js';
import {
  bodyOf,
  bytes,
  dataDirs,
  failingBody,
  flipByte,
  meta,
  noCheck,
  openTestSet,
  readAll,
  shardPath,
  tempFiles,
  type TestSet,
} from './erasure-set-fixtures.js';

const MiB = 1 << 20;
const INLINE_LIMIT = 128 << 10;

let current: TestSet | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function open(drives: number, parity: number): Promise<TestSet> {
  current = await openTestSet(drives, parity);
  return current;
}

/** The largest size whose framed shard still fits the inline limit (one block). */
function inlineBoundary(k: number): number {
  // Each block adds 4 frame bytes; below one block: 4 + ceil(size / k) ≤ limit.
  return (INLINE_LIMIT - 4) * k;
}

describe.each([
  [4, 2],
  [6, 2],
])('ErasureSet over %i drives with parity %i', (driveCount, parity) => {
  const k = driveCount - parity;
  const sizes = [0, 1, inlineBoundary(k), inlineBoundary(k) + 1, MiB - 1, MiB, MiB + 1, 5.5 * MiB];

  it('round-trips objects of every size, inline exactly when the shard fits', async () => {
    const { set, drives, degraded } = await open(driveCount, parity);
    for (const size of sizes) {
      const data = bytes(size);
      const key = `obj-${size}`;
      const record = await set.put('bkt', key, bodyOf(data), 'STANDARD', { meta }, noCheck);
      expect(record.size).toBe(size);
      expect(record.parts[0].file === undefined).toBe(framedShardSize(size, set.geometryFor('STANDARD')) <= INLINE_LIMIT);
      const resolved = set.resolve('bkt', key)!;
      expect(resolved.dataId).toBe(record.dataId);
      expect(resolved.etag).toBe(record.etag);
      expect((await readAll(set.read(resolved, undefined))).equals(data)).toBe(true);
    }
    expect(degraded).toEqual([]);
    for (const drive of drives) expect(await tempFiles(drive)).toEqual([]);
  });

  it('serves ranges reading only the blocks they cover', async () => {
    const { set, drives } = await open(driveCount, parity);
    const data = bytes(5.5 * MiB);
    await set.put('bkt', 'big', bodyOf(data), 'STANDARD', { meta }, noCheck);
    const record = set.resolve('bkt', 'big')!;
    const geometry = set.geometryFor('STANDARD');
    const blockFrame = framedShardSize(MiB, geometry);
    const cases = [
      { start: 0, end: 0, blocks: [0] },
      { start: data.length - 1, end: data.length - 1, blocks: [5] },
      { start: MiB - 10, end: MiB + 10, blocks: [0, 1] },
      { start: 2 * MiB + 5, end: 2 * MiB + 1000, blocks: [2] },
    ];
    for (const { start, end, blocks } of cases) {
      for (const drive of drives) drive.reads.length = 0;
      const got = await readAll(set.read(record, { start, end }));
      expect(got.equals(data.subarray(start, end + 1))).toBe(true);
      const reads = drives.flatMap((drive) => drive.reads);
      expect(reads).toHaveLength(k); // k drives, one run each
      for (const read of reads) {
        expect(read.offset).toBe(blocks[0] * blockFrame);
        expect(read.offset + read.length).toBeLessThanOrEqual((blocks[blocks.length - 1] + 1) * blockFrame);
      }
    }
  });

  it(`reads byte-exact with up to ${parity} shard files deleted or corrupted, and reports the object degraded`, async () => {
    const { set, drives, degraded } = await open(driveCount, parity);
    const data = bytes(2.5 * MiB);
    const record = await set.put('bkt', 'obj', bodyOf(data), 'STANDARD', { meta }, noCheck);
    // Break the drives holding data shards 0 and 1: parity is needed.
    const byShard = record.layout.distribution.map((_, position) => position).sort((a, b) => record.layout.distribution[a] - record.layout.distribution[b]);
    await rm(shardPath(drives[byShard[0]], record));
    const blockFrame = framedShardSize(MiB, set.geometryFor('STANDARD'));
    await flipByte(shardPath(drives[byShard[1]], record), blockFrame + 100); // block 1 only
    expect((await readAll(set.read(record, undefined))).equals(data)).toBe(true);
    expect(degraded).toEqual(['bkt/obj']);
    expect((await readAll(set.read(record, { start: MiB, end: MiB + 99 }))).equals(data.subarray(MiB, MiB + 100))).toBe(true);

    // One more broken shard than parity: the read fails with SlowDown.
    await truncate(shardPath(drives[byShard[2]], record), 10);
    await expect(readAll(set.read(record, undefined))).rejects.toMatchObject({ code: 'SlowDown' });
  });

  it('reads inline objects with up to parity records gone, and fails beyond', async () => {
    const { set, drives, degraded } = await open(driveCount, parity);
    const data = bytes(1000);
    await set.put('bkt', 'small', bodyOf(data), 'STANDARD', { meta }, noCheck);
    for (let i = 0; i < parity; i++) drives[i].faults.metaReads = true;
    const record = set.resolve('bkt', 'small')!;
    expect((await readAll(set.read(record, undefined))).equals(data)).toBe(true);
    expect((await readAll(set.read(record, { start: 10, end: 19 }))).equals(data.subarray(10, 20))).toBe(true);
    drives[parity].faults.metaReads = true;
    expect(() => set.resolve('bkt', 'small')).toThrow(S3Error);
    expect(degraded.length).toBeGreaterThan(0);
  });

  it('writes succeed with drives failing iff write quorum remains; below it SlowDown and nothing visible', async () => {
    const { set, drives } = await open(driveCount, parity);
    const writeQuorum = k === parity ? k + 1 : k;
    const tolerable = driveCount - writeQuorum;
    for (let i = 0; i < tolerable; i++) drives[i].faults.fileWrites = true;
    const data = bytes(MiB + 7);
    const ok = await set.put('bkt', 'ok', bodyOf(data), 'STANDARD', { meta }, noCheck);
    expect((await readAll(set.read(set.resolve('bkt', 'ok')!, undefined))).equals(data)).toBe(true);

    drives[tolerable].faults.fileWrites = true;
    await expect(set.put('bkt', 'no', bodyOf(data), 'STANDARD', { meta }, noCheck)).rejects.toMatchObject({ code: 'SlowDown' });
    expect(set.resolve('bkt', 'no')).toBeUndefined();
    for (const drive of drives) drive.faults.fileWrites = false;
    for (const drive of drives) {
      expect(await tempFiles(drive)).toEqual([]);
      expect(await dataDirs(drive, 'bkt')).toEqual(drive.position < tolerable ? [] : [ok.dataId]);
    }

    // Metadata commits failing below quorum: the previous object stays as it was.
    for (let i = 0; i <= tolerable; i++) drives[i].faults.metaWrites = true;
    await expect(set.put('bkt', 'ok', bodyOf(bytes(10)), 'STANDARD', { meta }, noCheck)).rejects.toMatchObject({ code: 'SlowDown' });
    for (const drive of drives) drive.faults.metaWrites = false;
    expect((await readAll(set.read(set.resolve('bkt', 'ok')!, undefined))).equals(data)).toBe(true);
  });

  it('leaves nothing behind when the body fails, the client aborts or the check refuses', async () => {
    const { set, drives } = await open(driveCount, parity);
    await expect(set.put('bkt', 'a', failingBody(bytes(3 * MiB)), 'STANDARD', { meta }, noCheck)).rejects.toThrow('client went away');
    const controller = new AbortController();
    const aborted = set.put('bkt', 'b', bodyOf(bytes(4 * MiB), 256 << 10), 'STANDARD', { meta }, noCheck, controller.signal);
    controller.abort();
    await expect(aborted).rejects.toThrow();
    const refused = set.put('bkt', 'c', bodyOf(bytes(2 * MiB)), 'STANDARD', { meta }, () => {
      throw new S3Error('PreconditionFailed');
    });
    await expect(refused).rejects.toMatchObject({ code: 'PreconditionFailed' });
    for (const key of ['a', 'b', 'c']) expect(set.resolve('bkt', key)).toBeUndefined();
    for (const drive of drives) {
      expect(await tempFiles(drive)).toEqual([]);
      expect(await dataDirs(drive, 'bkt')).toEqual([]);
    }
  });

  it('replaces, updates and removes objects, freeing replaced data', async () => {
    const { set, drives } = await open(driveCount, parity);
    const first = await set.put('bkt', 'k', bodyOf(bytes(MiB)), 'STANDARD', { meta }, noCheck);
    let seen: string | undefined;
    const second = await set.put('bkt', 'k', bodyOf(bytes(2 * MiB)), 'STANDARD', { meta }, (current) => {
      seen = current?.dataId;
    });
    expect(seen).toBe(first.dataId);
    for (const drive of drives) expect(await dataDirs(drive, 'bkt')).toEqual([second.dataId]);

    const updated = await set.update('bkt', 'k', (record) => ({ ...record, tags: [{ key: 'a', value: 'b' }] }));
    expect(updated.tags).toEqual([{ key: 'a', value: 'b' }]);
    expect(set.resolve('bkt', 'k')!.tags).toEqual([{ key: 'a', value: 'b' }]);
    await expect(set.update('bkt', 'missing', (r) => r)).rejects.toMatchObject({ code: 'NoSuchKey' });

    expect((await set.remove('bkt', 'k'))?.dataId).toBe(second.dataId);
    expect(set.resolve('bkt', 'k')).toBeUndefined();
    expect(await set.remove('bkt', 'k')).toBeUndefined();
    for (const drive of drives) expect(await dataDirs(drive, 'bkt')).toEqual([]);
  });
});
