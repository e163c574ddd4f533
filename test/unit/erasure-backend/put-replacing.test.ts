/**
 * A PUT without conditions commits without reading the records first: each
 * drive's write answers the row it replaced (DriveMetaStore.putObjectReplacing),
 * and those answers free the old data and restore the drives below quorum.
 */
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UNCONDITIONAL } from '../../../src/backends/erasure/engine-context.js';
import { META_DB_PATH, SqliteDriveMetaStore } from '../../../src/backends/erasure/meta-store.js';
import { S3Error } from '../../../src/s3/errors.js';
import { bodyOf, bytes, dataDirs, meta, openTestSet, readAll, type TestSet } from './erasure-set-fixtures.js';
import { objectRecord, tempRoot } from './meta-store-fixtures.js';

let current: TestSet | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** 6 drives, 4+2; a small inline limit so a few KiB make shard files. */
async function open(): Promise<TestSet> {
  current = await openTestSet(6, 2, { inlineLimit: 1024 });
  return current;
}

const SMALL = 2000; // inline: 4 + 500 bytes per shard
const LARGE = 8000; // shard files

function slowDown(err: unknown): boolean {
  return err instanceof S3Error && err.code === 'SlowDown';
}

describe('SqliteDriveMetaStore.putObjectReplacing', () => {
  it('answers the row each write replaced: absent, found, or corrupt', async () => {
    const root = await tempRoot();
    const store = new SqliteDriveMetaStore(root.dir);
    try {
      expect(await store.putObjectReplacing(objectRecord('k', { dataId: 'd1' }))).toEqual({ state: 'absent' });
      const [second, third] = await Promise.all([
        store.putObjectReplacing(objectRecord('k', { dataId: 'd2' })),
        store.putObjectReplacing(objectRecord('k', { dataId: 'd3' })),
      ]);
      // Two writes in one batch: each sees the one before it.
      expect(second).toEqual({ state: 'found', value: objectRecord('k', { dataId: 'd1' }) });
      expect(third).toEqual({ state: 'found', value: objectRecord('k', { dataId: 'd2' }) });
      const other = new Database(path.join(root.dir, META_DB_PATH));
      other.prepare("UPDATE object_bodies SET crc = crc + 1 WHERE id = (SELECT body FROM objects WHERE key = 'k')").run();
      other.close();
      expect(await store.putObjectReplacing(objectRecord('k', { dataId: 'd4' }))).toEqual({ state: 'corrupt' });
      expect(store.getObject('bkt', 'k')).toEqual(objectRecord('k', { dataId: 'd4' }));
    } finally {
      store.close();
      await root.cleanup();
    }
  });
});

describe('PUT without conditions', () => {
  it('needs no record reads: it commits even while every drive fails them, where a conditional PUT cannot decide', async () => {
    const { set, drives } = await open();
    await set.put('bkt', 'k', bodyOf(bytes(SMALL)), 'STANDARD', { meta }, UNCONDITIONAL);
    for (const drive of drives) drive.faults.metaReads = true;
    const conditional = set.put('bkt', 'k', bodyOf(bytes(SMALL)), 'STANDARD', { meta }, () => undefined);
    await expect(conditional).rejects.toSatisfy(slowDown);
    const data = bytes(SMALL).reverse();
    await set.put('bkt', 'k', bodyOf(data), 'STANDARD', { meta }, UNCONDITIONAL);
    for (const drive of drives) drive.faults.metaReads = false;
    expect((await readAll(set.read(set.resolve('bkt', 'k')!, undefined))).equals(data)).toBe(true);
  });

  it('frees the shard files of the version it replaced', async () => {
    const { set, drives } = await open();
    const first = await set.put('bkt', 'k', bodyOf(bytes(LARGE)), 'STANDARD', { meta }, UNCONDITIONAL);
    for (const drive of drives) expect(await dataDirs(drive, 'bkt')).toEqual([first.dataId]);
    const data = bytes(LARGE).reverse();
    const second = await set.put('bkt', 'k', bodyOf(data), 'STANDARD', { meta }, UNCONDITIONAL);
    for (const drive of drives) expect(await dataDirs(drive, 'bkt')).toEqual([second.dataId]);
    // An inline version replacing a file-backed one frees the files too.
    await set.put('bkt', 'k', bodyOf(bytes(SMALL)), 'STANDARD', { meta }, UNCONDITIONAL);
    for (const drive of drives) expect(await dataDirs(drive, 'bkt')).toEqual([]);
  });

  it('frees only the version the quorum held: a minority row naming other data leaves that data alone', async () => {
    const { set, drives } = await open();
    const first = await set.put('bkt', 'k', bodyOf(bytes(LARGE)), 'STANDARD', { meta }, UNCONDITIONAL);
    const otherData = bytes(LARGE).reverse();
    const other = await set.put('bkt', 'other', bodyOf(otherData), 'STANDARD', { meta }, UNCONDITIONAL);
    // One drive's row for k names the other object's data (as a drive that missed a restore could).
    await drives[0].meta.putObject({ ...drives[0].meta.getObject('bkt', 'k')!, dataId: other.dataId });
    const second = await set.put('bkt', 'k', bodyOf(bytes(LARGE)), 'STANDARD', { meta }, UNCONDITIONAL);
    for (const drive of drives) expect((await dataDirs(drive, 'bkt')).sort()).toEqual([other.dataId, second.dataId].sort());
    expect(first.dataId).not.toBe(other.dataId);
    expect((await readAll(set.read(set.resolve('bkt', 'other')!, undefined))).equals(otherData)).toBe(true);
  });

  it('below write quorum puts every drive back as it was, and the previous version stays whole', async () => {
    const { set, drives } = await open();
    const data = bytes(LARGE);
    const first = await set.put('bkt', 'k', bodyOf(data), 'STANDARD', { meta }, UNCONDITIONAL);
    // 3 of 6 drives refuse record writes: 3 < write quorum 4.
    for (const drive of drives.slice(0, 3)) drive.faults.metaWrites = true;
    await expect(set.put('bkt', 'k', bodyOf(bytes(LARGE).reverse()), 'STANDARD', { meta }, UNCONDITIONAL)).rejects.toSatisfy(slowDown);
    for (const drive of drives) drive.faults.metaWrites = false;
    for (const drive of drives) {
      expect(drive.meta.getObject('bkt', 'k')?.dataId).toBe(first.dataId);
      expect(await dataDirs(drive, 'bkt')).toEqual([first.dataId]);
    }
    expect((await readAll(set.read(set.resolve('bkt', 'k')!, undefined))).equals(data)).toBe(true);
  });

  it('below write quorum on a new key leaves no record anywhere', async () => {
    const { set, drives } = await open();
    for (const drive of drives.slice(3)) drive.faults.metaWrites = true;
    await expect(set.put('bkt', 'new', bodyOf(bytes(SMALL)), 'STANDARD', { meta }, UNCONDITIONAL)).rejects.toSatisfy(slowDown);
    for (const drive of drives) drive.faults.metaWrites = false;
    for (const drive of drives) expect(drive.meta.getObject('bkt', 'new')).toBeUndefined();
    expect(set.resolve('bkt', 'new')).toBeUndefined();
  });
});
