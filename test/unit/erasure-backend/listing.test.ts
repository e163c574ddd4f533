import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Drive, DriveMetaStore } from '../../../src/backends/erasure/drive.js';
import { compareKeys, prefixSuccessor } from '../../../src/backends/erasure/key-order.js';
import { listObjectsPage, type ListingSet } from '../../../src/backends/erasure/listing.js';
import { SqliteDriveMetaStore } from '../../../src/backends/erasure/meta-store.js';
import type { ObjectRecord } from '../../../src/backends/erasure/records.js';
import { S3Error } from '../../../src/s3/errors.js';
import { objectRecord, tempRoot } from './meta-store-fixtures.js';

/** Drives with real metadata stores and no shard files (listing reads records only). */
interface TestDrive extends Drive {
  rowsRead: number;
  failing: boolean;
}

function testDrive(root: string, setIndex: number, position: number): TestDrive {
  const store = new SqliteDriveMetaStore(root);
  const drive = { root, id: `d${setIndex}-${position}`, setIndex, position, rowsRead: 0, failing: false } as TestDrive;
  const meta: DriveMetaStore = Object.create(store);
  meta.listObjects = (bucket, options) => {
    if (drive.failing) throw new Error('drive offline');
    const rows = store.listObjects(bucket, options);
    drive.rowsRead += rows.length;
    return rows;
  };
  Object.assign(drive, { meta, files: undefined });
  return drive;
}

let cleanup: (() => Promise<void>) | undefined;
let sets: TestDrive[][] = [];

async function openSets(setCount: number, setSize: number): Promise<void> {
  const temp = await tempRoot('cairn-listing-');
  cleanup = temp.cleanup;
  sets = Array.from({ length: setCount }, (_, s) => Array.from({ length: setSize }, (_, p) => testDrive(`${temp.dir}/s${s}d${p}`, s, p)));
}

afterEach(async () => {
  for (const drive of sets.flat()) drive.meta.close();
  sets = [];
  await cleanup?.();
  cleanup = undefined;
});

const k2 = { dataShards: 2, parityShards: 2, blockSize: 1 << 20, distribution: [0, 1, 2, 3], shardIndex: 0 };

/** Writes `record` on the drives at `positions` of set `set`. */
async function place(set: number, positions: number[], record: ObjectRecord): Promise<void> {
  await Promise.all(positions.map((p) => sets[set][p].meta.putObject(record)));
}

function listingSets(minReadQuorum = 2): ListingSet[] {
  return sets.map((drives) => ({ drives, minReadQuorum }));
}

function keysOf(page: ReturnType<typeof listObjectsPage>): string[] {
  return page.objects.map((o) => o.key);
}

describe('key order', () => {
  it('compares by code point (binary UTF-8), not UTF-16 units', () => {
    const keys = ['\u{1F600}', '\uFF21', 'a', 'a/', 'a0', 'ä'];
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
  });

  it('the prefix successor is the smallest string after every key with the prefix', () => {
    expect(prefixSuccessor('photos/')).toBe('photos0');
    expect(prefixSuccessor('a\u{10FFFF}')).toBe('b');
    expect(prefixSuccessor('\uD7FF')).toBe('\uE000');
    expect(prefixSuccessor('\u{10FFFF}')).toBeUndefined();
  });
});

describe('listing by quorum within a set', () => {
  beforeEach(() => openSets(1, 4));

  it('lists a key only when its dataId is on at least k drives, the newest such version', async () => {
    await place(0, [0, 1, 2, 3], objectRecord('everywhere', { layout: k2 }));
    await place(0, [0], objectRecord('one-drive-only', { layout: k2 }));
    await place(0, [0, 1], objectRecord('two-drives', { layout: k2 }));
    // Two versions of one key: an older one on 2 drives, a newer one on 2 others.
    await place(0, [0, 1], objectRecord('versions', { layout: k2, dataId: 'old', lastModifiedMs: 1, size: 1 }));
    await place(0, [2, 3], objectRecord('versions', { layout: k2, dataId: 'new', lastModifiedMs: 2, size: 2 }));
    // A stale record beside a quorum: the quorum wins.
    await place(0, [0, 1, 2], objectRecord('stale', { layout: k2, dataId: 'current', size: 3 }));
    await place(0, [3], objectRecord('stale', { layout: k2, dataId: 'leftover', size: 99, lastModifiedMs: 9e12 }));

    const page = listObjectsPage('bkt', listingSets(), { prefix: '', maxKeys: 100 });
    expect(keysOf(page)).toEqual(['everywhere', 'stale', 'two-drives', 'versions']);
    expect(page.objects.find((o) => o.key === 'versions')!.size).toBe(2);
    expect(page.objects.find((o) => o.key === 'stale')!.size).toBe(3);
  });

  it('keeps listing with a failed drive, and answers SlowDown when fewer than k drives answer', async () => {
    await place(0, [0, 1, 2, 3], objectRecord('a', { layout: k2 }));
    await place(0, [0, 1, 2, 3], objectRecord('b', { layout: k2 }));
    sets[0][0].failing = true;
    sets[0][1].failing = true;
    expect(keysOf(listObjectsPage('bkt', listingSets(), { prefix: '', maxKeys: 10 }))).toEqual(['a', 'b']);
    sets[0][2].failing = true;
    let caught: unknown;
    try {
      listObjectsPage('bkt', listingSets(), { prefix: '', maxKeys: 10 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(S3Error);
    expect((caught as S3Error).code).toBe('SlowDown');
  });
});

describe('listing across sets', () => {
  beforeEach(() => openSets(3, 1));
  const k1 = { dataShards: 1, parityShards: 0, blockSize: 1 << 20, distribution: [0], shardIndex: 0 };

  it('merges the sets in key order, pages and groups by delimiter', async () => {
    const keys = ['a', 'b/1', 'b/2', 'c', 'd/x/1', 'e', 'f', 'g/1'];
    await Promise.all(keys.map((key, i) => place(i % 3, [0], objectRecord(key, { layout: k1 }))));
    expect(keysOf(listObjectsPage('bkt', listingSets(1), { prefix: '', maxKeys: 100 }))).toEqual(keys);

    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = listObjectsPage('bkt', listingSets(1), { prefix: '', delimiter: '/', maxKeys: 2, after });
      seen.push(...keysOf(page), ...page.commonPrefixes);
      if (!page.isTruncated) break;
      after = page.nextAfter;
    }
    expect(seen.sort()).toEqual(['a', 'b/', 'c', 'd/', 'e', 'f', 'g/']);
    // `after` inside a common prefix skips the whole group.
    const resumed = listObjectsPage('bkt', listingSets(1), { prefix: '', delimiter: '/', maxKeys: 10, after: 'b/1' });
    expect([...keysOf(resumed), ...resumed.commonPrefixes].sort()).toEqual(['c', 'd/', 'e', 'f', 'g/']);
  });
});

describe('delimiter listings jump past common prefixes', () => {
  beforeEach(() => openSets(1, 1));
  const k1 = { dataShards: 1, parityShards: 0, blockSize: 1 << 20, distribution: [0], shardIndex: 0 };

  /** Index rows read by a delimiter listing of the bucket root, with `hidden` keys under one prefix. */
  async function rowsReadWith(hidden: number): Promise<number> {
    const records = Array.from({ length: hidden }, (_, i) => objectRecord(`bulk/${String(i).padStart(7, '0')}`, { layout: k1 }));
    await Promise.all([...records, objectRecord('a', { layout: k1 }), objectRecord('z', { layout: k1 })].map((r) => place(0, [0], r)));
    sets[0][0].rowsRead = 0;
    const page = listObjectsPage('bkt', listingSets(1), { prefix: '', delimiter: '/', maxKeys: 1000 });
    expect(keysOf(page)).toEqual(['a', 'z']);
    expect(page.commonPrefixes).toEqual(['bulk/']);
    return sets[0][0].rowsRead;
  }

  it('reads the same number of rows whether the prefix holds 100 or 3000 keys', async () => {
    const small = await rowsReadWith(100);
    const large = await rowsReadWith(3000);
    expect(large).toBe(small);
    expect(large).toBeLessThan(40);
  });
});
