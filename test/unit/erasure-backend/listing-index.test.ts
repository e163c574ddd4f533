/**
 * The node's listing index (listing-index.ts) against the drive merge
 * (listing.ts): the same listings through both give the same answers, and
 * the index follows every commit, survives a crash, a lost file and commits
 * during its rebuild.
 */
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ErasureBackend } from '../../../src/backends/erasure/erasure-backend.js';
import { listObjectsPage, type ListingSet } from '../../../src/backends/erasure/listing.js';
import type { ObjectRecord } from '../../../src/backends/erasure/records.js';
import type { IncomingBody, ListObjectsOptions, ListObjectsResult } from '../../../src/backends/backend.js';
import { emptyMeta } from '../../../src/s3/types.js';
import { tempRoot } from './meta-store-fixtures.js';

const BUCKET = 'bkt';
const INDEX_FILE = path.join('.cairn.sys', 'listing-index.db');

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

async function volumes(count: number): Promise<string[]> {
  const temp = await tempRoot('cairn-listing-index-');
  cleanups.push(temp.cleanup);
  return Array.from({ length: count }, (_, i) => path.join(temp.dir, `d${i}`));
}

/** Two sets of two drives (EC 1+1) unless told otherwise. */
async function open(roots: string[], listingIndex = true): Promise<ErasureBackend> {
  const backend = await ErasureBackend.open({ volumes: roots, setDriveCount: 2, parity: {}, listingIndex });
  let closed = false;
  const close = backend.close.bind(backend);
  backend.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  cleanups.push(() => backend.close());
  return backend;
}

function body(text: string): IncomingBody {
  const bytes = Buffer.from(text);
  const md5Hex = createHash('md5').update(bytes).digest('hex');
  return { stream: Readable.from([bytes]), declaredSize: bytes.length, digests: () => ({ size: bytes.length, md5Hex, checksums: {} }) };
}

async function put(backend: ErasureBackend, key: string, text = key): Promise<void> {
  await backend.putObject(BUCKET, key, body(text), { meta: emptyMeta() });
}

async function ready(backend: ErasureBackend): Promise<void> {
  for (let i = 0; i < 2000 && backend.listingIndex?.status().state !== 'ready'; i++) await new Promise((r) => setTimeout(r, 10));
  expect(backend.listingIndex?.status().state).toBe('ready');
}

function driveSets(backend: ErasureBackend): ListingSet[] {
  return backend.sets.map((set) => ({ drives: set.drives, minReadQuorum: set.minReadQuorum }));
}

function fromDrives(backend: ErasureBackend, options: ListObjectsOptions): ListObjectsResult {
  return listObjectsPage(BUCKET, driveSets(backend), options);
}

function fromIndex(backend: ErasureBackend, options: ListObjectsOptions): ListObjectsResult {
  const page = backend.listingIndex!.list(BUCKET, options);
  expect(page).toBeDefined();
  return page!;
}

/** Every page of a listing, following nextAfter. */
function allPages(list: (options: ListObjectsOptions) => ListObjectsResult, options: ListObjectsOptions): ListObjectsResult[] {
  const pages: ListObjectsResult[] = [];
  let after = options.after;
  for (let i = 0; i < 1000; i++) {
    const page = list({ ...options, after });
    pages.push(page);
    if (!page.isTruncated) break;
    after = page.nextAfter;
  }
  return pages;
}

function expectSameListings(backend: ErasureBackend, cases: ListObjectsOptions[]): void {
  for (const options of cases) {
    const viaIndex = allPages((o) => fromIndex(backend, o), options);
    const viaDrives = allPages((o) => fromDrives(backend, o), options);
    expect(viaIndex, JSON.stringify(options)).toEqual(viaDrives);
  }
}

function allKeys(backend: ErasureBackend): string[] {
  return allPages((o) => fromIndex(backend, o), { prefix: '', maxKeys: 1000 }).flatMap((p) => p.objects.map((o) => o.key));
}

const AWKWARD_KEYS = [
  'a',
  'a/',
  'a/b',
  'a/b/c',
  'a/b/d',
  'a/c',
  'a0',
  'a-b',
  'a b',
  'a%2Fb',
  'a+b',
  'ab/x/y',
  'b',
  'b//c',
  'photos/2024/jan.jpg',
  'photos/2024/feb.jpg',
  'photos/2025/mar.jpg',
  'photos/index.html',
  'ä',
  'äb/c',
  '\uFF21',
  '\uE000x',
  '\u{1F600}',
  '\u{1F600}/x',
  '\uD7FFz',
  'z'.repeat(300),
  '<&>"\'',
  'x\ty',
];

describe('listing index and drive merge give the same answers', () => {
  it('for prefixes, delimiters, start-after, continuation and max-keys over two sets', async () => {
    const backend = await open(await volumes(4));
    await backend.createBucket(BUCKET, { region: 'us-east-1' });
    for (const key of AWKWARD_KEYS) await put(backend, key);
    for (let i = 0; i < 40; i++) await put(backend, `many/${String(i).padStart(3, '0')}${i % 4 === 0 ? '/deep' : ''}`);
    await ready(backend);
    expect(new Set(backend.sets.map((set) => set.index)).size).toBe(2);

    const cases: ListObjectsOptions[] = [];
    for (const prefix of ['', 'a', 'a/', 'photos/', 'photos/2024/', 'many/', '\u{1F600}', 'ä', 'nothing']) {
      for (const delimiter of [undefined, '/', 'b', '\u{1F600}', '20']) {
        for (const maxKeys of [1, 3, 1000]) cases.push({ prefix, delimiter, maxKeys });
      }
    }
    for (const after of ['a', 'a/', 'a/b', 'many/003', 'many/004', 'many/004/deep', 'photos/', '\uFFFF', 'zzz', '']) {
      cases.push({ prefix: '', maxKeys: 2, after }, { prefix: '', delimiter: '/', maxKeys: 2, after }, { prefix: 'many/', delimiter: '/', maxKeys: 5, after });
    }
    cases.push({ prefix: '', maxKeys: 0 });
    expectSameListings(backend, cases);
    // And the backend answers from the index.
    expect((await backend.listObjects(BUCKET, { prefix: 'photos/', delimiter: '/', maxKeys: 1000 })).commonPrefixes).toEqual(['photos/2024/', 'photos/2025/']);
  });
});

describe('the listing index follows every commit', () => {
  it('shows a PUT, an overwrite, a copy, a completed upload and a DELETE as soon as they return', async () => {
    const backend = await open(await volumes(2));
    await backend.createBucket(BUCKET, { region: 'us-east-1' });
    await ready(backend);
    const list = () => backend.listObjects(BUCKET, { prefix: '', maxKeys: 1000 });

    await put(backend, 'k', 'one');
    expect((await list()).objects.map((o) => [o.key, o.size])).toEqual([['k', 3]]);
    await put(backend, 'k', 'three');
    expect((await list()).objects.map((o) => o.size)).toEqual([5]);

    await backend.copyObject({ bucket: BUCKET, key: 'k' }, { bucket: BUCKET, key: 'copy' }, { meta: emptyMeta() });
    const upload = await backend.createMultipartUpload(BUCKET, 'mp', { meta: emptyMeta() });
    const part = await backend.uploadPart(BUCKET, 'mp', upload.uploadId, 1, body('part'));
    await backend.completeMultipartUpload(BUCKET, 'mp', upload.uploadId, { parts: [{ partNumber: 1, etag: part.etag }], etag: 'x-1', checksums: {} });
    const listed = await list();
    expect(listed.objects.map((o) => o.key)).toEqual(['copy', 'k', 'mp']);
    expect(listed.objects.find((o) => o.key === 'mp')?.etag).toBe('x-1');

    // A copy onto itself rewrites Last-Modified: the index follows.
    const before = listed.objects.find((o) => o.key === 'k')!.lastModified.getTime();
    await new Promise((r) => setTimeout(r, 5));
    await backend.copyObject({ bucket: BUCKET, key: 'k' }, { bucket: BUCKET, key: 'k' }, { meta: emptyMeta() });
    expect((await list()).objects.find((o) => o.key === 'k')!.lastModified.getTime()).toBeGreaterThan(before);

    await backend.deleteObject(BUCKET, 'k', {});
    expect((await list()).objects.map((o) => o.key)).toEqual(['copy', 'mp']);
    expectSameListings(backend, [{ prefix: '', maxKeys: 1000 }]);
  });

  it('drops a deleted bucket: a bucket of the same name starts empty', async () => {
    const backend = await open(await volumes(2));
    await backend.createBucket(BUCKET, { region: 'us-east-1' });
    await ready(backend);
    await put(backend, 'gone');
    await backend.deleteObject(BUCKET, 'gone', {});
    await backend.deleteBucket(BUCKET);
    await backend.createBucket(BUCKET, { region: 'us-east-1' });
    expect((await backend.listObjects(BUCKET, { prefix: '', maxKeys: 10 })).objects).toEqual([]);
    expect(backend.listingIndex?.status().state).toBe('ready');
  });

  it('falls back to the drives when an index write fails, never failing the request', async () => {
    const backend = await open(await volumes(2));
    await backend.createBucket(BUCKET, { region: 'us-east-1' });
    await ready(backend);
    const store = (backend.listingIndex as unknown as { store: { apply(): void } }).store;
    store.apply = () => {
      throw new Error('disk gone');
    };
    await put(backend, 'after-failure');
    const page = await backend.listObjects(BUCKET, { prefix: '', maxKeys: 10 });
    expect(page.objects.map((o) => o.key)).toEqual(['after-failure']);
    expect(backend.listingIndex?.status().state).not.toBe('ready');
  });

  it('learns what the drives hold after a write below quorum (a rebuild may have read the failed write)', async () => {
    const roots = await volumes(2);
    let failWrites = false;
    const failing =
      <T,>(write: (record: ObjectRecord) => Promise<T>) =>
      (record: ObjectRecord): Promise<T> =>
        failWrites ? Promise.reject(new Error('drive write failed')) : write(record);
    // One set of two drives (EC 1+1: write quorum 2): the second drive refusing record writes fails every PUT.
    const backend = await ErasureBackend.open({
      volumes: roots,
      setDriveCount: 2,
      parity: {},
      wrapDrive: (drive) => {
        if (drive.root !== roots[1]) return drive;
        const meta = Object.create(drive.meta) as typeof drive.meta;
        meta.putObject = failing(drive.meta.putObject.bind(drive.meta));
        if (drive.meta.putObjectReplacing) meta.putObjectReplacing = failing(drive.meta.putObjectReplacing.bind(drive.meta));
        return { ...drive, meta } as typeof drive;
      },
    });
    cleanups.push(() => backend.close());
    await backend.createBucket(BUCKET, { region: 'us-east-1' });
    await ready(backend);
    await put(backend, 'kept', 'old');
    // As a rebuild reading the drives mid-write would: the index holds a version no write committed.
    const seen = { ...backend.sets[0].resolve(BUCKET, 'kept')!, size: 999, etag: 'f'.repeat(32) };
    backend.listingIndex!.committed(BUCKET, 'kept', seen);
    backend.listingIndex!.committed(BUCKET, 'never', { ...seen, key: 'never' });
    failWrites = true;
    await expect(put(backend, 'kept', 'new!')).rejects.toMatchObject({ code: 'SlowDown' });
    await expect(put(backend, 'never', 'x')).rejects.toMatchObject({ code: 'SlowDown' });
    const page = await backend.listObjects(BUCKET, { prefix: '', maxKeys: 10 });
    expect(page.objects.map((o) => [o.key, o.size])).toEqual([['kept', 3]]);
    expectSameListings(backend, [{ prefix: '', maxKeys: 10 }]);
  });
});

describe('the listing index is rebuilt when it cannot be trusted', () => {
  it('is reused after a clean close, rebuilt after a crash (dirty), a lost file or writes that bypassed it', async () => {
    const roots = await volumes(4);
    let backend = await open(roots);
    await backend.createBucket(BUCKET, { region: 'us-east-1' });
    for (const key of ['a', 'b/c', 'd']) await put(backend, key);
    await ready(backend);
    const file = backend.listingIndex!.status().file!;
    expect(file).toBe(path.join(roots[0], INDEX_FILE));
    await backend.close();

    // Clean: trusted at once.
    backend = await open(roots);
    expect(backend.listingIndex!.status().state).toBe('ready');
    expect(allKeys(backend)).toEqual(['a', 'b/c', 'd']);
    await backend.close();

    // A crash: the file stays dirty, and is wrong besides.
    const db = new Database(file);
    db.prepare("UPDATE meta SET value = '0' WHERE name = 'clean'").run();
    db.prepare("DELETE FROM objects WHERE key = 'a'").run();
    db.close();
    backend = await open(roots);
    expect(backend.listingIndex!.status().state).toBe('rebuilding');
    await ready(backend);
    expect(allKeys(backend)).toEqual(['a', 'b/c', 'd']);
    await backend.close();

    // Lost.
    fs.rmSync(file);
    backend = await open(roots);
    await ready(backend);
    expect(allKeys(backend)).toEqual(['a', 'b/c', 'd']);
    await backend.close();

    // Written without the index: its session files go, so the clean file is not trusted.
    backend = await open(roots, false);
    await put(backend, 'bypass');
    await backend.close();
    backend = await open(roots);
    expect(backend.listingIndex!.status().state).toBe('rebuilding');
    await ready(backend);
    expect(allKeys(backend)).toEqual(['a', 'b/c', 'bypass', 'd']);
  });

  it('keeps the commits made during a rebuild', async () => {
    const roots = await volumes(2);
    let backend = await open(roots, false);
    await backend.createBucket(BUCKET, { region: 'us-east-1' });
    await put(backend, 'template');
    // Records straight into the drives (as the listing bench does): enough keys for a rebuild of several steps.
    const drives = backend.sets.flatMap((set) => set.drives);
    const templates = drives.map((drive) => drive.meta.getObject(BUCKET, 'template')!);
    const keys = Array.from({ length: 3500 }, (_, i) => ({ key: `k/${String(i).padStart(5, '0')}`, dataId: randomUUID() }));
    await Promise.all(
      drives.map((drive, d) =>
        Promise.all(
          keys.map(({ key, dataId }) =>
            backend.sets.find((s) => s.drives.includes(drive))!.index === setOf(backend, key) ? drive.meta.putObject({ ...templates[d], key, dataId } as ObjectRecord) : undefined,
          ),
        ),
      ),
    );
    await backend.close();

    backend = await open(roots);
    expect(backend.listingIndex!.status().state).toBe('rebuilding');
    // Commits while the rebuild runs: before, inside and after the part already scanned.
    await backend.deleteObject(BUCKET, 'k/03400', {});
    await put(backend, 'k/00000', 'rewritten');
    await put(backend, 'k/01999x');
    await put(backend, 'zz-new');
    await backend.deleteObject(BUCKET, 'k/00001', {});
    await put(backend, 'k/03499', 'rewritten too');
    await ready(backend);
    const listed = allKeys(backend);
    const drivesKeys = allPages((o) => fromDrives(backend, o), { prefix: '', maxKeys: 1000 }).flatMap((p) => p.objects.map((o) => o.key));
    expect(listed.filter((k) => !drivesKeys.includes(k))).toEqual([]);
    expect(drivesKeys.filter((k) => !listed.includes(k))).toEqual([]);
    expectSameListings(backend, [{ prefix: '', maxKeys: 1000 }]);
    expect(listed).toContain('zz-new');
    expect(listed).toContain('k/01999x');
    expect(listed).not.toContain('k/03400');
    expect(listed).not.toContain('k/00001');
    expect(listed.length).toBe(3500 + 1 - 2 + 2);
  });
});

/** The set a key lives in (placement by bucket/key), found from the backend itself. */
function setOf(backend: ErasureBackend, key: string): number {
  return (backend as unknown as { setOf(bucket: string, key: string): { index: number } }).setOf(BUCKET, key).index;
}
