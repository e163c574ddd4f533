/**
 * The small-object fast paths: bucket records kept in memory by each drive's
 * meta store (only its own writes change them), and inline objects read
 * from the record copies their resolve() read, in one Buffer.
 */
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferedBody } from '../../../src/backends/buffered-body.js';
import { CorruptRecordError } from '../../../src/backends/erasure/drive.js';
import { META_DB_PATH, SqliteDriveMetaStore } from '../../../src/backends/erasure/meta-store.js';
import { createStripeCodec } from '../../../src/erasure/create-stripe-codec.js';
import { intactRunData } from '../../../src/erasure/run-codec.js';
import { bodyOf, bytes, meta, noCheck, openTestSet, readAll, type TestSet } from './erasure-set-fixtures.js';
import { tempRoot } from './meta-store-fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function openStore(): Promise<{ store: SqliteDriveMetaStore; root: string }> {
  const root = await tempRoot('cairn-bucket-cache-');
  const store = new SqliteDriveMetaStore(root.dir);
  cleanups.push(async () => {
    store.close();
    await root.cleanup();
  });
  return { store, root: root.dir };
}

async function openSet(drives: number, parity: number): Promise<TestSet> {
  const set = await openTestSet(drives, parity);
  cleanups.push(() => set.close());
  return set;
}

describe('bucket records in memory', () => {
  it('answers reads from memory, and the store’s own writes show at once', async () => {
    const { store } = await openStore();
    expect(store.getBucket('b')).toBeUndefined();
    await store.putBucket({ name: 'b', createdMs: 1, region: 'r1' });
    expect(store.getBucket('b')).toEqual({ name: 'b', createdMs: 1, region: 'r1' });
    await store.putBucket({ name: 'b', createdMs: 2, region: 'r2' });
    expect(store.getBucket('b')).toEqual({ name: 'b', createdMs: 2, region: 'r2' });
    await store.deleteBucket('b');
    expect(store.getBucket('b')).toBeUndefined();
  });

  it('a row changed behind the store’s back shows after listBuckets (the heal pass starts with it)', async () => {
    const { store, root } = await openStore();
    await store.putBucket({ name: 'b', createdMs: 1, region: 'r1' });
    expect(store.getBucket('b')?.region).toBe('r1'); // now remembered
    const other = new Database(path.join(root, META_DB_PATH));
    try {
      const row = other.prepare("SELECT record FROM buckets WHERE name = 'b'").get() as { record: Buffer };
      const flipped = Buffer.from(row.record);
      flipped[3] ^= 0x01;
      other.prepare("UPDATE buckets SET record = ? WHERE name = 'b'").run(flipped);
    } finally {
      other.close();
    }
    expect(store.getBucket('b')?.region).toBe('r1');
    expect(store.listBuckets()).toEqual([]);
    expect(() => store.getBucket('b')).toThrow(CorruptRecordError);
  });

  it('a failed drive fails bucket reads even when they are remembered', async () => {
    const { store } = await openStore();
    await store.putBucket({ name: 'b', createdMs: 1, region: 'r1' });
    store.getBucket('b');
    // As after a failed WAL sync (group-commit.ts): every later read throws.
    (store as unknown as { commits: { broken: Error } }).commits.broken = new Error('sync failed');
    expect(() => store.getBucket('b')).toThrow('sync failed');
  });
});

describe('inline objects read from the resolved copies', () => {
  it('serves an inline object as one buffer, whole and by range', async () => {
    const { set } = await openSet(6, 2);
    const data = bytes(4096);
    await set.put('bkt', 'small', bodyOf(data), 'STANDARD', { meta }, noCheck);
    const record = set.resolve('bkt', 'small')!;
    const whole = set.read(record, undefined);
    expect(whole).toBeInstanceOf(BufferedBody);
    expect((await readAll(whole)).equals(data)).toBe(true);
    expect((await readAll(set.read(record, { start: 1000, end: 3000 }))).equals(data.subarray(1000, 3001))).toBe(true);
    expect((await readAll(set.read(set.resolve('bkt', 'small')!, { start: 4095, end: 4095 }))).equals(data.subarray(4095))).toBe(true);
  });

  it('serves an empty object', async () => {
    const { set } = await openSet(4, 2);
    await set.put('bkt', 'empty', bodyOf(Buffer.alloc(0)), 'STANDARD', { meta }, noCheck);
    expect((await readAll(set.read(set.resolve('bkt', 'empty')!, undefined))).length).toBe(0);
  });

  it('reads the version it resolved, even when the object is replaced before the read', async () => {
    const { set } = await openSet(6, 2);
    const first = bytes(3000);
    await set.put('bkt', 'k', bodyOf(first), 'STANDARD', { meta }, noCheck);
    const record = set.resolve('bkt', 'k')!;
    await set.put('bkt', 'k', bodyOf(bytes(3000)), 'STANDARD', { meta }, noCheck);
    expect((await readAll(set.read(record, undefined))).equals(first)).toBe(true);
  });

  it('takes the general road when a data shard is missing: parity fills in, and the object is reported degraded', async () => {
    const { set, drives, degraded } = await openSet(6, 2);
    const data = bytes(5000);
    await set.put('bkt', 'k', bodyOf(data), 'STANDARD', { meta }, noCheck);
    const record = set.resolve('bkt', 'k')!;
    // The drive holding data shard 0 loses its record; resolve still finds k copies.
    await drives[record.layout.distribution.indexOf(0)].meta.deleteObject('bkt', 'k');
    const degradedRecord = set.resolve('bkt', 'k')!;
    const body = set.read(degradedRecord, undefined);
    expect(body).not.toBeInstanceOf(BufferedBody);
    expect((await readAll(body)).equals(data)).toBe(true);
    expect(degraded).toEqual(['bkt/k']);
  });
});

describe('intactRunData', () => {
  const geometry = { dataShards: 4, parityShards: 2, blockSize: 1024 };
  const codec = createStripeCodec();

  it('copies the data out of verified data shards (several blocks, a short last one)', async () => {
    const data = bytes(2 * 1024 + 300);
    const shards = await codec.encode(geometry, Buffer.from(data));
    expect(intactRunData(geometry, shards, data.length)?.equals(data)).toBe(true);
    expect(intactRunData(geometry, [...shards.slice(0, 4), undefined, undefined], data.length)?.equals(data)).toBe(true);
  });

  it('gives up (undefined) on a missing, corrupt or mis-sized data shard', async () => {
    const data = bytes(1500);
    const shards = await codec.encode(geometry, Buffer.from(data));
    expect(intactRunData(geometry, [undefined, ...shards.slice(1)], data.length)).toBeUndefined();
    const flipped = shards.map((shard) => Buffer.from(shard));
    flipped[2][10] ^= 0x01;
    expect(intactRunData(geometry, flipped, data.length)).toBeUndefined();
    const long = shards.map((shard, i) => (i === 1 ? Buffer.concat([shard, Buffer.alloc(1)]) : shard));
    expect(intactRunData(geometry, long, data.length)).toBeUndefined();
  });
});
