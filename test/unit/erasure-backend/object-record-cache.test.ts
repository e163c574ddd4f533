/**
 * Recently resolved records are kept in memory (object-record-cache.ts); every
 * locked task on the key drops them. Records deleted behind the set's back
 * show whether an answer came from the cache.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UNCONDITIONAL } from '../../../src/backends/erasure/engine-context.js';
import { ObjectRecordCache } from '../../../src/backends/erasure/object-record-cache.js';
import type { ObjectRecord } from '../../../src/backends/erasure/records.js';
import { bodyOf, bytes, meta, openTestSet, readAll, type TestSet } from './erasure-set-fixtures.js';
import { objectRecord } from './meta-store-fixtures.js';

let current: TestSet | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function open(): Promise<TestSet> {
  current = await openTestSet(6, 2, { recordCacheBytes: 1 << 20 });
  return current;
}

/** Removes the key's record from every drive without the set knowing. */
async function dropBehindTheBack(set: TestSet, key: string): Promise<void> {
  for (const drive of set.drives) await drive.meta.deleteObject('bkt', key);
}

async function readBytes(set: TestSet, key: string): Promise<Buffer | undefined> {
  const record = set.set.resolve('bkt', key);
  return record && readAll(set.set.read(record, undefined));
}

describe('resolved records in memory', () => {
  it('answers a resolved key from memory, bytes verified as from the drives', async () => {
    const test = await open();
    const data = bytes(4096);
    await test.set.put('bkt', 'k', bodyOf(data), 'STANDARD', { meta }, UNCONDITIONAL);
    expect((await readBytes(test, 'k'))?.equals(data)).toBe(true);
    await dropBehindTheBack(test, 'k');
    expect((await readBytes(test, 'k'))?.equals(data)).toBe(true);
  });

  it('forgets the key at every commit through the set: overwrite, update, delete, failed write', async () => {
    const test = await open();
    const { set, drives } = test;
    await set.put('bkt', 'k', bodyOf(bytes(3000)), 'STANDARD', { meta }, UNCONDITIONAL);
    set.resolve('bkt', 'k');
    const second = bytes(3000).reverse();
    await set.put('bkt', 'k', bodyOf(second), 'STANDARD', { meta }, UNCONDITIONAL);
    expect((await readBytes(test, 'k'))?.equals(second)).toBe(true);

    await set.update('bkt', 'k', (record) => ({ ...record, tags: [{ key: 't', value: 'v' }] }));
    expect(set.resolve('bkt', 'k')?.tags).toEqual([{ key: 't', value: 'v' }]);

    // A write below quorum changes nothing, and the entry is dropped anyway.
    for (const drive of drives.slice(0, 3)) drive.faults.metaWrites = true;
    await expect(set.put('bkt', 'k', bodyOf(bytes(10)), 'STANDARD', { meta }, UNCONDITIONAL)).rejects.toThrow();
    for (const drive of drives) drive.faults.metaWrites = false;
    await dropBehindTheBack(test, 'k');
    expect(set.resolve('bkt', 'k')).toBeUndefined();

    await set.put('bkt', 'k', bodyOf(second), 'STANDARD', { meta }, UNCONDITIONAL);
    set.resolve('bkt', 'k');
    await set.remove('bkt', 'k');
    expect(set.resolve('bkt', 'k')).toBeUndefined();
  });

  it('forgets the key when it is healed', async () => {
    const test = await open();
    await test.set.put('bkt', 'k', bodyOf(bytes(3000)), 'STANDARD', { meta }, UNCONDITIONAL);
    test.set.resolve('bkt', 'k');
    await dropBehindTheBack(test, 'k');
    await test.set.heal('bkt', 'k');
    expect(test.set.resolve('bkt', 'k')).toBeUndefined();
  });

  it('never keeps what it read while a commit on the key is in progress: concurrent overwrites and deletes', async () => {
    const test = await open();
    const { set } = test;
    const versions = Array.from({ length: 6 }, (_, i) => bytes(2000 + i));
    await set.put('bkt', 'k', bodyOf(versions[0]), 'STANDARD', { meta }, UNCONDITIONAL);
    for (let round = 1; round < versions.length; round++) {
      const write =
        round % 2 === 0
          ? set.remove('bkt', 'k').then(() => set.put('bkt', 'k', bodyOf(versions[round]), 'STANDARD', { meta }, UNCONDITIONAL))
          : set.put('bkt', 'k', bodyOf(versions[round]), 'STANDARD', { meta }, UNCONDITIONAL);
      // Resolve on every turn of the event loop while the write runs: each answer is some version written.
      let done = false;
      void write.finally(() => (done = true));
      while (!done) {
        const record = set.resolve('bkt', 'k');
        if (record) expect(versions.map((v) => v.length)).toContain(record.size);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await write;
      // Once the write is answered, the cache holds nothing older.
      expect((await readBytes(test, 'k'))?.equals(versions[round])).toBe(true);
      await dropBehindTheBack(test, 'k');
      expect((await readBytes(test, 'k'))?.equals(versions[round])).toBe(true);
      await set.put('bkt', 'k', bodyOf(versions[round]), 'STANDARD', { meta }, UNCONDITIONAL);
    }
  });

  it('is off with recordCacheBytes 0', async () => {
    current = await openTestSet(6, 2, { recordCacheBytes: 0 });
    await current.set.put('bkt', 'k', bodyOf(bytes(100)), 'STANDARD', { meta }, UNCONDITIONAL);
    current.set.resolve('bkt', 'k');
    await dropBehindTheBack(current, 'k');
    expect(current.set.resolve('bkt', 'k')).toBeUndefined();
  });
});

describe('ObjectRecordCache', () => {
  const record = (key: string, inlineBytes: number): ObjectRecord =>
    objectRecord(key, { parts: [{ partNumber: 1, size: inlineBytes, etag: 'e', checksums: {}, inline: Buffer.alloc(inlineBytes) }] });

  it('stays within its bytes, dropping the least recently used first', () => {
    const cache = new ObjectRecordCache(64 * 1024);
    for (let i = 0; i < 40; i++) cache.remember(`k${i}`, record(`k${i}`, 1000), [record(`k${i}`, 1000)]);
    expect(cache.size.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k39')).toBeDefined();
    const kept = [...Array(40).keys()].filter((i) => cache.get(`k${i}`) !== undefined);
    // k39 was just used: a new entry evicts the oldest unused one, not it.
    cache.remember('new', record('new', 1000), []);
    expect(cache.get('k39')).toBeDefined();
    expect(cache.get(`k${kept[0]}`)).toBeUndefined();
  });

  it('does not keep an entry larger than an eighth of its bytes', () => {
    const cache = new ObjectRecordCache(64 * 1024);
    cache.remember('big', record('big', 9000), []);
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });
});
