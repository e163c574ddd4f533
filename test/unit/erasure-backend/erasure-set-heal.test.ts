import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { framedShardSize } from '../../../src/erasure/stripe.js';
import { bodyOf, bytes, dataDirs, flipByte, meta, noCheck, openTestSet, readAll, shardPath, tempFiles, type TestSet } from './erasure-set-fixtures.js';

const MiB = 1 << 20;
let current: TestSet | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/** After healing, every drive alone must be able to serve its shard: with any m others failing, reads stay clean. */
async function expectFullyHealthy(t: TestSet, key: string, data: Buffer): Promise<void> {
  expect((await t.set.heal('bkt', key)).state).toBe('healthy');
  t.degraded.length = 0;
  const record = t.set.resolve('bkt', key)!;
  expect((await readAll(t.set.read(record, undefined))).equals(data)).toBe(true);
  expect(t.degraded).toEqual([]);
}

describe('ErasureSet heal (6 drives, 4+2)', () => {
  it('restores deleted and corrupted shard files and a deleted record', async () => {
    current = await openTestSet(6, 2);
    const { set, drives } = current;
    const data = bytes(3 * MiB + 5);
    const record = await set.put('bkt', 'obj', bodyOf(data), 'STANDARD', { meta }, noCheck);
    expect(await set.heal('bkt', 'obj')).toMatchObject({ state: 'healthy', healedDrives: [] });

    await rm(shardPath(drives[0], record));
    await flipByte(shardPath(drives[1], record), framedShardSize(MiB, set.geometryFor('STANDARD')) * 2 + 7);
    await drives[2].meta.deleteObject('bkt', 'obj');
    const outcome = await set.heal('bkt', 'obj');
    expect(outcome.state).toBe('healed');
    expect(outcome.healedDrives).toEqual([drives[0].root, drives[1].root, drives[2].root].sort());
    for (const drive of drives) expect(await tempFiles(drive)).toEqual([]);
    await expectFullyHealthy(current, 'obj', data);
  });

  it('restores inline records (missing, stale tags) and reports drives it cannot reach', async () => {
    current = await openTestSet(6, 2);
    const { set, drives } = current;
    const data = bytes(5000);
    await set.put('bkt', 'small', bodyOf(data), 'STANDARD', { meta }, noCheck);
    await drives[3].meta.deleteObject('bkt', 'small');
    const own = drives[4].meta.getObject('bkt', 'small')!;
    await drives[4].meta.putObject({ ...own, tags: [{ key: 'stale', value: 'yes' }] });
    drives[5].faults.metaReads = true;
    const partial = await set.heal('bkt', 'small');
    expect(partial.state).toBe('failed');
    expect(partial.reason).toContain(drives[5].root);
    expect(partial.healedDrives).toEqual([drives[3].root, drives[4].root].sort());
    drives[5].faults.metaReads = false;
    await expectFullyHealthy(current, 'small', data);
    expect(drives[4].meta.getObject('bkt', 'small')!.tags).toBeUndefined();
  });

  it('removes leftovers of an object gone by quorum', async () => {
    current = await openTestSet(6, 2);
    const { set, drives } = current;
    const record = await set.put('bkt', 'gone', bodyOf(bytes(2 * MiB)), 'STANDARD', { meta }, noCheck);
    // Records survive on fewer than k drives: the object no longer exists.
    for (const drive of drives.slice(0, 3)) await drive.meta.deleteObject('bkt', 'gone');
    expect(set.resolve('bkt', 'gone')).toBeUndefined();
    const outcome = await set.heal('bkt', 'gone');
    expect(outcome.state).toBe('gone');
    expect(outcome.healedDrives).toEqual(drives.slice(3).map((d) => d.root).sort());
    for (const drive of drives) {
      expect(drive.meta.getObject('bkt', 'gone')).toBeUndefined();
      expect(await dataDirs(drive, 'bkt')).not.toContain(record.dataId);
    }
  });

  it('heals multipart objects part by part', async () => {
    current = await openTestSet(4, 2);
    const { set, drives } = current;
    const upload = await set.createUpload('bkt', 'mp', 'STANDARD', { meta });
    const one = bytes(MiB + 1);
    const two = bytes(300);
    const p1 = await set.putPart(upload, 1, bodyOf(one));
    const p2 = await set.putPart(upload, 2, bodyOf(two));
    const record = await set.completeUpload(upload, { parts: [p1, p2], etag: 'e-2', checksums: {} }, noCheck);
    await rm(shardPath(drives[0], record, 1));
    await flipByte(shardPath(drives[1], record, 0), 10);
    expect((await set.heal('bkt', 'mp')).healedDrives).toEqual([drives[0].root, drives[1].root].sort());
    await expectFullyHealthy(current, 'mp', Buffer.concat([one, two]));
  });
});
