import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErasureAdmin } from '../../../src/backends/erasure/erasure-admin.js';
import type { ErasureBackend } from '../../../src/backends/erasure/erasure-backend.js';
import { ErasureScanner } from '../../../src/backends/erasure/scanner.js';
import { expectS3Error } from '../../conformance/harness.js';
import { allShardFiles, bytes, getBytes, makeDrives, putBytes, type Drives } from './scanner-fixtures.js';

const BUCKET = 'scanned';
const BIG = bytes(600 * 1024, 7); // shard files (300 KiB shards at 2 + 2)
const SMALL = bytes(1000, 3); // inline in the records

let drives: Drives;
let backend: ErasureBackend | undefined;

afterEach(async () => {
  await backend?.close();
  backend = undefined;
  await drives?.cleanup();
});

async function setUp(): Promise<ErasureBackend> {
  drives = await makeDrives(4);
  backend = await drives.open();
  await backend.createBucket(BUCKET, { region: 'us-east-1' });
  await putBytes(backend, BUCKET, 'big.bin', BIG);
  await putBytes(backend, BUCKET, 'dir/small.txt', SMALL);
  return backend;
}

const scanner = (b: ErasureBackend, deepEvery = 0) => new ErasureScanner(b, { sleepFactor: 0, deepEvery });

describe('background scanner', () => {
  it('restores a deleted shard file and a deleted record, byte for byte, and reports them', async () => {
    const b = await setUp();
    const before = await allShardFiles(drives.volumes);
    const [first, second] = b.sets[0].drives;
    const bigRecord = first.meta.getObject(BUCKET, 'big.bin')!;
    await rm(join(first.root, 'data', BUCKET, bigRecord.dataId, bigRecord.parts[0].file!));
    await second.meta.deleteObject(BUCKET, 'dir/small.txt');

    const s = scanner(b);
    const report = await s.runCycle();
    expect(report).toMatchObject({ scanned: 2, healed: 2, healthy: 0, failed: 0, failures: [] });
    expect(await allShardFiles(drives.volumes)).toEqual(before);
    expect(second.meta.getObject(BUCKET, 'dir/small.txt')?.dataId).toBe(first.meta.getObject(BUCKET, 'dir/small.txt')?.dataId);
    expect(s.status()).toMatchObject({ running: false, cycles: 1, lastCycle: { scanned: 2, healed: 2 } });

    expect(await s.runCycle()).toMatchObject({ scanned: 2, healthy: 2, healed: 0 });
  });

  it('a deep cycle finds and repairs a flipped byte inside a shard', async () => {
    const b = await setUp();
    const before = await allShardFiles(drives.volumes);
    const drive = b.sets[0].drives[2];
    const record = drive.meta.getObject(BUCKET, 'big.bin')!;
    const path = join(drive.root, 'data', BUCKET, record.dataId, record.parts[0].file!);
    const shard = await readFile(path);
    shard[1000] ^= 0x40;
    await writeFile(path, shard);

    expect(await scanner(b, 1).runCycle()).toMatchObject({ scanned: 2, healed: 1, healthy: 1, failed: 0 });
    expect(await allShardFiles(drives.volumes)).toEqual(before);
  });

  it('a blank drive put in place of a lost one is formatted and refilled with no operator action', async () => {
    let b = await setUp();
    await b.putBucketConfig(BUCKET, 'tagging', '<Tagging/>');
    const before = await allShardFiles(drives.volumes);
    await b.close();
    // The drive is lost: the server starts without it...
    const lost = drives.volumes[1];
    await rename(lost, `${lost}.lost`);
    b = backend = await drives.open();
    expect(b.deployment.offline.map((d) => d.root)).toEqual([lost]);
    // ...and an empty replacement is mounted while it runs.
    await mkdir(lost);
    const report = await scanner(b).runCycle();
    expect(report).toMatchObject({ scanned: 2, healed: 2, failed: 0 });
    expect(report!.bucketsHealed).toBeGreaterThanOrEqual(2); // the bucket record and its tagging
    expect(b.deployment.offline).toEqual([]);
    expect((await allShardFiles(drives.volumes)).get(lost)).toEqual(before.get(lost));
    const replacement = b.sets[0].drives[1];
    expect(replacement.meta.getBucketConfig(BUCKET, 'tagging')?.doc).toBe('<Tagging/>');

    // Full redundancy: with two other drives gone, every object still reads byte-exact.
    await b.close();
    backend = undefined;
    for (const root of [drives.volumes[0], drives.volumes[3]]) await rename(root, `${root}.away`);
    b = backend = await drives.open();
    expect(b.deployment.offline).toHaveLength(2);
    expect((await getBytes(b, BUCKET, 'big.bin')).equals(BIG)).toBe(true);
    expect((await getBytes(b, BUCKET, 'dir/small.txt')).equals(SMALL)).toBe(true);
    expect(await b.getBucketConfig(BUCKET, 'tagging')).toBe('<Tagging/>');
  });

  it('removes old unreferenced data directories and leftovers of deleted objects, and nothing else', async () => {
    const b = await setUp();
    const drive = b.sets[0].drives[3];
    const oldOrphan = join(drive.root, 'data', BUCKET, randomUUID());
    const youngOrphan = join(drive.root, 'data', BUCKET, randomUUID());
    for (const dir of [oldOrphan, youngOrphan]) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'part.1'), 'stale');
    }
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(oldOrphan, twoHoursAgo, twoHoursAgo);
    // A record left on one drive by a delete that drive missed.
    const leftover = { ...drive.meta.getObject(BUCKET, 'dir/small.txt')!, key: 'deleted.txt', dataId: randomUUID() };
    await drive.meta.putObject(leftover);

    const report = await scanner(b).runCycle();
    expect(report).toMatchObject({ scanned: 3, healthy: 2, removed: 1, orphansRemoved: 1, failed: 0 });
    await expect(stat(oldOrphan)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(youngOrphan)).isDirectory()).toBe(true);
    expect(drive.meta.getObject(BUCKET, 'deleted.txt')).toBeUndefined();
    expect((await getBytes(b, BUCKET, 'big.bin')).equals(BIG)).toBe(true);
  });

  it('stop() ends a cycle under way and later cycles do not start', async () => {
    const b = await setUp();
    const s = new ErasureScanner(b, { sleepFactor: 1000, deepEvery: 1 });
    const cycle = s.runCycle();
    await s.stop();
    await cycle;
    expect(s.status().running).toBe(false);
    expect(await s.runCycle()).toBeUndefined();
  });
});

describe('erasure admin service', () => {
  it('heals one prefix on demand and reports honestly what it could not heal', async () => {
    const b = await setUp();
    await putBytes(b, BUCKET, 'dir/lost.bin', bytes(400 * 1024, 9));
    const admin = new ErasureAdmin({ backends: [{ name: 'default', backend: b, erasure: { subject: b } }], backendFor: () => b });
    // Three of four shards gone: below read quorum, it cannot be rebuilt.
    for (const drive of b.sets[0].drives.slice(0, 3)) {
      const record = drive.meta.getObject(BUCKET, 'dir/lost.bin')!;
      await rm(join(drive.root, 'data', BUCKET, record.dataId, record.parts[0].file!));
    }
    const report = await admin.heal({ bucket: BUCKET, prefix: 'dir/', deep: true });
    expect(report).toMatchObject({ scanned: 2, healthy: 1, healed: 0, failed: 1, failuresTruncated: false });
    expect(report.failures).toEqual([{ bucket: BUCKET, key: 'dir/lost.bin', reason: expect.any(String) }]);
    expect(report.failures[0].reason.length).toBeGreaterThan(0);

    await expectS3Error(admin.heal({ bucket: 'no-such-bucket', deep: false }), 'NoSuchBucket', 404);
  });

  it('describes the deployment: sets, drives with state and usage, parity', async () => {
    const b = await setUp();
    const admin = new ErasureAdmin({ backends: [{ name: 'default', backend: b, erasure: { subject: b } }], backendFor: () => b });
    const info = await admin.info();
    expect(info.backends).toHaveLength(1);
    const [entry] = info.backends;
    expect(entry).toMatchObject({ name: 'default', type: 'erasure', deploymentId: b.deployment.id, setCount: 1, setDriveCount: 4, parity: { STANDARD: 2 }, buckets: 1 });
    expect(entry.sets![0].drives.map((d) => [d.root, d.position, d.state])).toEqual(drives.volumes.map((root, i) => [root, i, 'online']));
    for (const drive of entry.sets![0].drives) expect(drive.usage!.totalBytes).toBeGreaterThan(0);
  });
});
