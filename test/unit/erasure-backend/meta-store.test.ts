import Database from 'better-sqlite3';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CorruptRecordError } from '../../../src/backends/erasure/drive.js';
import { compareKeys, prefixSuccessor } from '../../../src/backends/erasure/key-order.js';
import { META_DB_PATH, SqliteDriveMetaStore } from '../../../src/backends/erasure/meta-store.js';
import { objectRecord, partRecord, tempRoot, uploadRecord } from './meta-store-fixtures.js';

let root: { dir: string; cleanup: () => Promise<void> };
let store: SqliteDriveMetaStore;
let corrupt: CorruptRecordError[];

function open(): SqliteDriveMetaStore {
  return new SqliteDriveMetaStore(root.dir, { onCorrupt: (err) => corrupt.push(err) });
}

beforeEach(async () => {
  root = await tempRoot();
  corrupt = [];
  store = open();
});

afterEach(async () => {
  store.close();
  await root.cleanup();
});

function keysOf(entries: { key: string }[]): string[] {
  return entries.map((entry) => entry.key);
}

describe('SqliteDriveMetaStore round trips', () => {
  it('stores buckets and their configs', async () => {
    await Promise.all([store.putBucket({ name: 'b2', createdMs: 2, region: 'us-east-1' }), store.putBucket({ name: 'b1', createdMs: 1, region: 'eu-west-1' })]);
    await store.putBucketConfig('b1', 'policy', { doc: '{"Version":"2012-10-17"}', modifiedMs: 5 });
    await store.putBucketConfig('b1', 'cors', { modifiedMs: 6 });
    expect(store.listBuckets()).toEqual([
      { name: 'b1', createdMs: 1, region: 'eu-west-1' },
      { name: 'b2', createdMs: 2, region: 'us-east-1' },
    ]);
    expect(store.getBucket('b2')).toEqual({ name: 'b2', createdMs: 2, region: 'us-east-1' });
    expect(store.getBucket('nope')).toBeUndefined();
    expect(store.getBucketConfig('b1', 'policy')).toEqual({ doc: '{"Version":"2012-10-17"}', modifiedMs: 5 });
    expect(store.getBucketConfig('b1', 'cors')).toEqual({ modifiedMs: 6 });
    expect(store.getBucketConfig('b2', 'policy')).toBeUndefined();

    await store.deleteBucket('b1');
    expect(store.getBucket('b1')).toBeUndefined();
    expect(store.getBucketConfig('b1', 'policy')).toBeUndefined();
    expect(keysOf(store.listBuckets().map((b) => ({ key: b.name })))).toEqual(['b2']);
  });

  it('stores objects with inline and file parts, byte-exact', async () => {
    const multi = objectRecord('multi', {
      multipart: true,
      etag: 'abc-3',
      tags: [{ key: 'k', value: 'v' }],
      checksumType: 'COMPOSITE',
      parts: [
        { partNumber: 1, size: 3, etag: 'e1', checksums: {}, inline: Buffer.from('one') },
        { partNumber: 2, size: 4, etag: 'e2', checksums: { CRC32C: 'x==' }, file: 'part.2' },
        { partNumber: 3, size: 0, etag: 'e3', checksums: {}, inline: Buffer.alloc(0) },
        { partNumber: 4, size: 5, etag: 'e4', checksums: {}, inline: Buffer.from('fifth') },
      ],
    });
    const plain = objectRecord('plain', { parts: [{ partNumber: 1, size: 9, etag: 'e', checksums: {}, file: 'part.1' }] });
    const small = objectRecord('small');
    await Promise.all([store.putObject(multi), store.putObject(plain), store.putObject(small)]);

    for (const record of [multi, plain, small]) expect(store.getObject('bkt', record.key)).toEqual(record);
    expect(Buffer.isBuffer(store.getObject('bkt', 'small')!.parts[0].inline)).toBe(true);
    expect(store.getObject('bkt', 'absent')).toBeUndefined();
    expect(store.getObject('other', 'small')).toBeUndefined();
    expect(store.hasObjects('bkt')).toBe(true);
    expect(store.hasObjects('other')).toBe(false);

    expect(store.listObjects('bkt', { prefix: '', limit: 10 })).toEqual([
      { key: 'multi', dataId: 'data-multi', size: 5, etag: 'abc-3', lastModifiedMs: 1_700_000_000_000, storageClass: 'STANDARD', dataShards: 2 },
      expect.objectContaining({ key: 'plain' }),
      expect.objectContaining({ key: 'small' }),
    ]);

    const replaced = objectRecord('small', { dataId: 'second', size: 7 });
    await store.putObject(replaced);
    expect(store.getObject('bkt', 'small')).toEqual(replaced);
    expect(await store.deleteObject('bkt', 'small', 'data-small')).toBe(false);
    expect(await store.deleteObject('bkt', 'small', 'second')).toBe(true);
    expect(await store.deleteObject('bkt', 'plain')).toBe(true);
    expect(await store.deleteObject('bkt', 'plain')).toBe(false);
    expect(keysOf(store.listObjects('bkt', { prefix: '', limit: 10 }))).toEqual(['multi']);
  });

  it('stores uploads and parts, and completes an upload in one step', async () => {
    await Promise.all([store.putUpload(uploadRecord('u2', 'a')), store.putUpload(uploadRecord('u1', 'b')), store.putUpload(uploadRecord('u3', 'a'))]);
    await Promise.all([store.putPart(partRecord('u1', 2)), store.putPart(partRecord('u1', 1, Buffer.from([9, 8, 7]))), store.putPart(partRecord('u2', 1))]);
    expect(store.getUpload('u1')).toEqual(uploadRecord('u1', 'b'));
    expect(store.getUpload('zz')).toBeUndefined();
    expect(store.listUploads('bkt').map((u) => u.uploadId)).toEqual(['u2', 'u3', 'u1']);
    expect(store.listUploads('other')).toEqual([]);
    expect(store.listParts('u1')).toEqual([partRecord('u1', 1, Buffer.from([9, 8, 7])), partRecord('u1', 2)]);

    await store.putPart({ ...partRecord('u1', 2), lastModifiedMs: 42 });
    expect(store.listParts('u1')[1].lastModifiedMs).toBe(42);

    const completed = objectRecord('b', { dataId: 'data-u1', multipart: true });
    await store.completeUpload(completed, 'u1');
    expect(store.getObject('bkt', 'b')).toEqual(completed);
    expect(store.getUpload('u1')).toBeUndefined();
    expect(store.listParts('u1')).toEqual([]);

    await store.deleteUpload('u2');
    expect(store.getUpload('u2')).toBeUndefined();
    expect(store.listParts('u2')).toEqual([]);
  });
});

describe('SqliteDriveMetaStore listing', () => {
  // Deliberately includes characters where UTF-16 order and UTF-8 byte order disagree (U+FFFD vs U+1F600).
  const keys = ['a', 'a/b', 'a/c/d', 'a0', 'B', 'é', 'éa', '\uFFFD', '😀', '😀/x', '\uE000', 'a%', 'a_', 'A/b', 'z'];

  beforeEach(async () => {
    await Promise.all(keys.map((key) => store.putObject(objectRecord(key))));
  });

  it('lists in UTF-8 byte order', () => {
    const expected = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(keysOf(store.listObjects('bkt', { prefix: '', limit: 100 }))).toEqual(expected);
  });

  it('orders and bounds keys in JavaScript exactly as SQLite does (key-order.ts)', () => {
    const sample = [...keys, '', '\u{10FFFF}', 'a\u{10FFFF}', '\uD7FF', '\u{10000}'];
    const bytewise = (x: string, y: string) => Buffer.compare(Buffer.from(x), Buffer.from(y));
    for (const x of sample) for (const y of sample) expect(Math.sign(compareKeys(x, y))).toBe(bytewise(x, y));
    expect(prefixSuccessor('')).toBeUndefined();
    expect(prefixSuccessor('\u{10FFFF}')).toBeUndefined();
    expect(prefixSuccessor('ab')).toBe('ac');
    expect(prefixSuccessor('a\u{10FFFF}')).toBe('b');
    expect(prefixSuccessor('a\uD7FF')).toBe('a\uE000');
    expect(prefixSuccessor('a\uFFFF')).toBe('a\u{10000}');
  });

  it('filters by prefix as a byte range, case-sensitively and without wildcards', () => {
    expect(keysOf(store.listObjects('bkt', { prefix: 'a/', limit: 100 }))).toEqual(['a/b', 'a/c/d']);
    expect(keysOf(store.listObjects('bkt', { prefix: 'a', limit: 100 }))).toEqual(['a', 'a%', 'a/b', 'a/c/d', 'a0', 'a_']);
    expect(keysOf(store.listObjects('bkt', { prefix: 'a_', limit: 100 }))).toEqual(['a_']);
    expect(keysOf(store.listObjects('bkt', { prefix: 'é', limit: 100 }))).toEqual(['é', 'éa']);
    expect(keysOf(store.listObjects('bkt', { prefix: '😀', limit: 100 }))).toEqual(['😀', '😀/x']);
    expect(keysOf(store.listObjects('bkt', { prefix: 'nothing', limit: 100 }))).toEqual([]);
  });

  it('pages with after, from and limit', () => {
    expect(keysOf(store.listObjects('bkt', { prefix: 'a', after: 'a%', limit: 2 }))).toEqual(['a/b', 'a/c/d']);
    expect(keysOf(store.listObjects('bkt', { prefix: 'a', after: 'a/c/d', limit: 10 }))).toEqual(['a0', 'a_']);
    // from lets a delimiter listing jump past a whole common prefix (here "a/")
    expect(keysOf(store.listObjects('bkt', { prefix: 'a', from: 'a0', limit: 10 }))).toEqual(['a0', 'a_']);
    expect(keysOf(store.listObjects('bkt', { prefix: 'a', after: 'a', from: 'a%', limit: 10 }))).toEqual(['a%', 'a/b', 'a/c/d', 'a0', 'a_']);
    expect(keysOf(store.listObjects('bkt', { prefix: 'a', after: 'a_', limit: 10 }))).toEqual([]);
    expect(keysOf(store.listObjects('bkt', { prefix: '', after: '\uFFFD', limit: 10 }))).toEqual(['😀', '😀/x']);
    expect(keysOf(store.listObjects('bkt', { prefix: 'a/', after: 'B', limit: 10 }))).toEqual(['a/b', 'a/c/d']);
    expect(store.listObjects('bkt', { prefix: '', limit: 0 })).toEqual([]);
  });
});

describe('SqliteDriveMetaStore corruption', () => {
  let other: Database.Database;

  beforeEach(() => {
    other = new Database(path.join(root.dir, META_DB_PATH));
  });
  afterEach(() => other.close());

  function flipByte(table: string, column: string, where: string, offset = 3): void {
    const row = other.prepare(`SELECT ${column} AS value FROM ${table} WHERE ${where}`).get() as { value: Buffer };
    const bytes = Buffer.from(row.value);
    bytes[offset] ^= 0x01;
    other.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${where}`).run(bytes);
  }

  function flipBody(column: string, key: string, offset = 3): void {
    flipByte('object_bodies', column, `id = (SELECT body FROM objects WHERE key = '${key}')`, offset);
  }

  it('detects a flipped bit in an object record or its inline bytes', async () => {
    await Promise.all(['k1', 'k2', 'k3'].map((key) => store.putObject(objectRecord(key))));
    flipBody('record', 'k1');
    flipBody('inline_data', 'k2', 1);
    expect(() => store.getObject('bkt', 'k1')).toThrow(CorruptRecordError);
    expect(() => store.getObject('bkt', 'k2')).toThrow(/corrupt metadata record object bkt\/k2/);
    expect(store.getObject('bkt', 'k3')).toEqual(objectRecord('k3'));
  });

  it('skips and reports rows whose listing columns were altered, and refuses them on read', async () => {
    await Promise.all(['k1', 'k2', 'k3'].map((key) => store.putObject(objectRecord(key))));
    other.prepare("UPDATE objects SET size = size + 1 WHERE key = 'k2'").run();
    expect(keysOf(store.listObjects('bkt', { prefix: '', limit: 10 }))).toEqual(['k1', 'k3']);
    expect(corrupt.map((err) => err.message)).toEqual([`corrupt metadata record object bkt/k2 on drive ${root.dir}`]);
    expect(() => store.getObject('bkt', 'k2')).toThrow(CorruptRecordError);
    // a page cut short by a skipped row is filled up, so it never reads as the end of the listing
    expect(keysOf(store.listObjects('bkt', { prefix: '', limit: 2 }))).toEqual(['k1', 'k3']);
  });

  it('detects a record moved under another key, a swapped body pointer and a missing body', async () => {
    await Promise.all(['k1', 'k2', 'k3'].map((key) => store.putObject(objectRecord(key))));
    other.prepare("UPDATE objects SET key = 'k9' WHERE key = 'k1'").run();
    other.prepare("UPDATE objects SET body = (SELECT body FROM objects WHERE key = 'k3') WHERE key = 'k2'").run();
    other.prepare("DELETE FROM object_bodies WHERE id = (SELECT body FROM objects WHERE key = 'k3')").run();
    for (const key of ['k9', 'k2', 'k3']) expect(() => store.getObject('bkt', key)).toThrow(CorruptRecordError);
  });

  it('detects corrupt bucket, config, upload and part rows', async () => {
    await Promise.all([
      store.putBucket({ name: 'b1', createdMs: 1, region: 'r' }),
      store.putBucket({ name: 'b2', createdMs: 1, region: 'r' }),
      store.putBucketConfig('b1', 'policy', { doc: 'x', modifiedMs: 1 }),
      store.putUpload(uploadRecord('u1')),
      store.putPart(partRecord('u1', 1, Buffer.from('inline'))),
      store.putPart(partRecord('u1', 2)),
    ]);
    flipByte('buckets', 'record', "name = 'b1'");
    flipByte('bucket_configs', 'record', "bucket = 'b1'");
    flipByte('uploads', 'record', "upload_id = 'u1'");
    flipByte('parts', 'inline_data', 'part_number = 1', 0);
    expect(() => store.getBucket('b1')).toThrow(CorruptRecordError);
    expect(store.listBuckets().map((b) => b.name)).toEqual(['b2']);
    expect(() => store.getBucketConfig('b1', 'policy')).toThrow(CorruptRecordError);
    expect(() => store.getUpload('u1')).toThrow(CorruptRecordError);
    expect(store.listUploads('bkt')).toEqual([]);
    expect(store.listParts('u1')).toEqual([partRecord('u1', 2)]);
    expect(corrupt).toHaveLength(3);
  });
});

describe('SqliteDriveMetaStore group commit', () => {
  it('commits 100 concurrent puts in one transaction and one sync, and they survive reopening', async () => {
    const records = Array.from({ length: 100 }, (_, i) => objectRecord(`key-${String(i).padStart(3, '0')}`));
    await Promise.all(records.map((record) => store.putObject(record)));
    expect(store.commitStats()).toMatchObject({ transactions: 1, syncs: 1, writes: 100 });
    store.close();
    store = open();
    expect(store.listObjects('bkt', { prefix: '', limit: 1000 })).toHaveLength(100);
    for (const record of records) expect(store.getObject('bkt', record.key)).toEqual(record);
  });

  it('rejects every writer of a batch that fails, and recovers for the next batch', async () => {
    const other = new Database(path.join(root.dir, META_DB_PATH));
    try {
      other.prepare('BEGIN IMMEDIATE').run(); // holds the write lock: our batch's transaction fails
      const results = await Promise.allSettled([store.putObject(objectRecord('x')), store.putBucket({ name: 'b', createdMs: 1, region: 'r' })]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
      other.prepare('COMMIT').run();
    } finally {
      other.close();
    }
    expect(store.getObject('bkt', 'x')).toBeUndefined();
    await store.putObject(objectRecord('y'));
    expect(store.getObject('bkt', 'y')).toEqual(objectRecord('y'));
  });

  it('checkpoints in the background worker, and the data stays intact', async () => {
    const records = Array.from({ length: 600 }, (_, i) => objectRecord(`cp-${i}`));
    await Promise.all(records.map((record) => store.putObject(record)));
    await vi.waitFor(() => expect(store.commitStats().checkpoints).toBe(1), { timeout: 10_000 });
    const size = (await stat(path.join(root.dir, `${META_DB_PATH}`))).size;
    expect(size).toBeGreaterThan(100 * 1024); // the frames reached the database file
    store.close();
    store = open();
    expect(store.listObjects('bkt', { prefix: 'cp-', limit: 1000 })).toHaveLength(600);
  });

  it('flushes queued writes on close', async () => {
    const pending = store.putObject(objectRecord('late'));
    store.close();
    await pending;
    store = open();
    expect(store.getObject('bkt', 'late')).toEqual(objectRecord('late'));
  });
});
