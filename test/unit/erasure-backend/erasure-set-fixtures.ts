/**
 * Engine test fixtures: real drive folders (SQLite meta stores, shard files)
 * under a temp dir, a drive wrapper that fails on cue and counts reads, and
 * request bodies from buffers.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { IncomingBody } from '../../../src/backends/backend.js';
import type { Drive, DriveFiles, DriveMetaStore } from '../../../src/backends/erasure/drive.js';
import { DiskDriveFiles } from '../../../src/backends/erasure/drive-files.js';
import { ErasureSet, type ErasureSetOptions } from '../../../src/backends/erasure/erasure-set.js';
import { SqliteDriveMetaStore } from '../../../src/backends/erasure/meta-store.js';
import type { ObjectRecord } from '../../../src/backends/erasure/records.js';
import { createStripeCodec } from '../../../src/erasure/create-stripe-codec.js';
import type { ObjectMeta } from '../../../src/s3/types.js';

/** What a test can switch on a drive: every call of that kind throws while the flag is set. */
export interface Faults {
  metaReads: boolean;
  metaWrites: boolean;
  fileWrites: boolean;
  fileReads: boolean;
}

export interface TestDrive extends Drive {
  faults: Faults;
  /** files.read calls (offset, length) since the last reset. */
  reads: { offset: number; length: number }[];
}

function faulty<T extends object>(target: T, failing: (name: string) => boolean, onCall?: (name: string, args: unknown[]) => void): T {
  return new Proxy(target, {
    get(obj, name, receiver) {
      const value = Reflect.get(obj, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (failing(String(name))) throw new Error(`injected fault: ${String(name)}`);
        onCall?.(String(name), args);
        return value.apply(obj, args);
      };
    },
  });
}

const META_READS = new Set(['getObject', 'getUpload', 'listParts', 'listUploads', 'listObjects']);

function wrapDrive(root: string, position: number): TestDrive {
  const faults: Faults = { metaReads: false, metaWrites: false, fileWrites: false, fileReads: false };
  const reads: TestDrive['reads'] = [];
  const meta = new SqliteDriveMetaStore(root);
  const files = new DiskDriveFiles(root);
  const wrappedFiles = faulty<DriveFiles>(
    files,
    (name) => (faults.fileReads && (name === 'read' || name === 'size')) || (faults.fileWrites && name === 'createTemp'),
    (name, args) => {
      if (name === 'read') reads.push({ offset: args[3] as number, length: args[4] as number });
    },
  );
  // Temp shards of a faulty drive fail their writes too.
  const originalCreate = wrappedFiles.createTemp.bind(wrappedFiles);
  wrappedFiles.createTemp = async () => faulty(await originalCreate(), (name) => faults.fileWrites && (name === 'write' || name === 'commit'));
  return {
    root,
    id: `drive-${position}`,
    setIndex: 0,
    position,
    meta: faulty<DriveMetaStore>(meta, (name) => (META_READS.has(name) ? faults.metaReads : name !== 'close' && faults.metaWrites)),
    files: wrappedFiles,
    faults,
    reads,
  };
}

export interface TestSet {
  set: ErasureSet;
  drives: TestDrive[];
  degraded: string[];
  close(): Promise<void>;
}

export async function openTestSet(driveCount: number, parity: number, options: Partial<ErasureSetOptions> = {}): Promise<TestSet> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cairn-set-'));
  const drives = Array.from({ length: driveCount }, (_, position) => wrapDrive(path.join(dir, `drive${position + 1}`), position));
  const degraded: string[] = [];
  const codec = createStripeCodec({ pool: false });
  const set = new ErasureSet({
    index: 0,
    drives,
    codec,
    parityFor: () => parity,
    onDegraded: (bucket, key) => degraded.push(`${bucket}/${key}`),
    // Tests here change drives behind the set's back, which the record cache rules out (object-record-cache.ts): off unless asked for.
    recordCacheBytes: 0,
    ...options,
  });
  return {
    set,
    drives,
    degraded,
    async close() {
      for (const drive of drives) drive.meta.close();
      await codec.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function bodyOf(data: Buffer, chunkSize = 64 * 1024): IncomingBody {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += chunkSize) chunks.push(data.subarray(offset, offset + chunkSize));
  return {
    stream: Readable.from(chunks),
    declaredSize: data.length,
    digests: () => ({ size: data.length, md5Hex: createHash('md5').update(data).digest('hex'), checksums: {} }),
  };
}

/** A body that yields `first` bytes and then fails (a client that went away). */
export function failingBody(first: Buffer): IncomingBody {
  async function* chunks() {
    yield first;
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new Error('client went away');
  }
  return { stream: Readable.from(chunks()), digests: () => ({ size: first.length, md5Hex: '', checksums: {} }) };
}

export const meta: ObjectMeta = { userMetadata: {}, storageClass: 'STANDARD' };
export const noCheck = () => undefined;

export function bytes(size: number): Buffer {
  return randomBytes(size);
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function tempFiles(drive: Drive): Promise<string[]> {
  return readdir(path.join(drive.root, '.cairn.sys', 'tmp')).catch(() => []);
}

export async function dataDirs(drive: Drive, bucket: string): Promise<string[]> {
  return drive.files.listData(bucket);
}

export function shardPath(drive: Drive, record: ObjectRecord, partIndex = 0): string {
  return path.join(drive.root, 'data', record.bucket, record.dataId, record.parts[partIndex].file!);
}

/** Flips one byte of a shard file. */
export async function flipByte(file: string, offset: number): Promise<void> {
  const data = await readFile(file);
  data[offset] ^= 0xff;
  await writeFile(file, data);
}
