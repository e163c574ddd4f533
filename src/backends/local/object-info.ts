import type { BigIntStats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { emptyMeta, type ObjectInfo, type ObjectSummary } from '../../s3/types.js';
import { digestFile } from './file-digests.js';
import type { ObjectRow } from './sidecar.js';

/**
 * How the local backend answers "what is this object": from the sidecar row
 * when it still describes the file (same size and mtime_ns), otherwise as a
 * foreign file with default metadata and the MD5 of its content as ETag.
 */

export function rowMatchesFile(row: ObjectRow | undefined, stat: BigIntStats): row is ObjectRow {
  return row !== undefined && row.size === Number(stat.size) && row.mtimeNs === stat.mtimeNs;
}

export function mtimeMs(stat: BigIntStats): number {
  return Number(stat.mtimeNs / 1_000_000n);
}

export function infoFromRow(row: ObjectRow, lastModifiedMs: number = row.lastModifiedMs): ObjectInfo {
  const info: ObjectInfo = {
    bucket: row.bucket,
    key: row.key,
    size: row.size,
    etag: row.etag,
    lastModified: new Date(lastModifiedMs),
    versionId: 'null',
    meta: { ...row.meta, userMetadata: { ...row.meta.userMetadata } },
    checksums: { ...row.checksums },
  };
  if (row.checksumType) info.checksumType = row.checksumType;
  // Omitted, not empty, when there are none: one representation of "none".
  if (row.tags && row.tags.length > 0) info.tags = row.tags.map((t) => ({ ...t }));
  if (row.parts && row.parts.length > 0) info.parts = row.parts.map((p) => ({ ...p, checksums: { ...p.checksums } }));
  return info;
}

/** The row recording a foreign file's computed ETag, with default metadata. */
export function foreignRow(bucket: string, key: string, stat: BigIntStats, etag: string): ObjectRow {
  return {
    bucket,
    key,
    size: Number(stat.size),
    mtimeNs: stat.mtimeNs,
    lastModifiedMs: mtimeMs(stat),
    etag,
    meta: emptyMeta(),
    checksums: {},
    writtenByCairn: false,
  };
}

export function summaryFromInfo(info: ObjectInfo): ObjectSummary {
  return { key: info.key, size: info.size, etag: info.etag, lastModified: info.lastModified, storageClass: info.meta.storageClass };
}

/** Hex MD5 of an open file's whole content; leaves the handle open (and usable) for the caller. */
export async function md5OfHandle(handle: FileHandle, signal?: AbortSignal): Promise<string> {
  return (await digestFile(handle, [], signal)).md5Hex;
}
