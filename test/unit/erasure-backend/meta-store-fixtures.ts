import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ObjectRecord, PartRecord, UploadRecord } from '../../../src/backends/erasure/records.js';

export async function tempRoot(prefix = 'cairn-meta-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const layout = { dataShards: 2, parityShards: 2, blockSize: 1 << 20, distribution: [0, 1, 2, 3], shardIndex: 1 };

export function objectRecord(key: string, overrides: Partial<ObjectRecord> = {}): ObjectRecord {
  return {
    bucket: 'bkt',
    key,
    versionId: 'null',
    dataId: `data-${key}`,
    size: 5,
    etag: '5d41402abc4b2a76b9719d911017c592',
    lastModifiedMs: 1_700_000_000_000,
    meta: { contentType: 'text/plain', userMetadata: { colour: 'blue' }, storageClass: 'STANDARD' },
    checksums: { CRC32: 'NhCmhg==' },
    multipart: false,
    layout,
    parts: [{ partNumber: 1, size: 5, etag: '5d41402abc4b2a76b9719d911017c592', checksums: {}, inline: Buffer.from([0, 1, 2, 250, 255]) }],
    ...overrides,
  };
}

export function uploadRecord(uploadId: string, key = 'big'): UploadRecord {
  return {
    bucket: 'bkt',
    key,
    uploadId,
    dataId: `data-${uploadId}`,
    initiatedMs: 1_700_000_000_000,
    meta: { userMetadata: {}, storageClass: 'REDUCED_REDUNDANCY' },
    tags: [{ key: 't', value: 'v' }],
    checksumAlgorithm: 'SHA256',
    checksumType: 'COMPOSITE',
    layout,
  };
}

export function partRecord(uploadId: string, partNumber: number, inline?: Buffer): PartRecord {
  return {
    uploadId,
    lastModifiedMs: 1_700_000_000_000 + partNumber,
    part: { partNumber, size: 10, etag: `etag${partNumber}`, checksums: { SHA256: 'abc=' }, ...(inline ? { inline } : { file: `part.${partNumber}` }) },
  };
}
