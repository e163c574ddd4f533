/**
 * What the erasure backend answers about an object, from its quorum record.
 * Copies, never references: callers may change what they get.
 */
import type { ObjectInfo } from '../../s3/types.js';
import type { ObjectRecord } from './records.js';

export function infoFromRecord(record: ObjectRecord): ObjectInfo {
  const info: ObjectInfo = {
    bucket: record.bucket,
    key: record.key,
    size: record.size,
    etag: record.etag,
    lastModified: new Date(record.lastModifiedMs),
    versionId: 'null',
    meta: { ...record.meta, userMetadata: { ...record.meta.userMetadata } },
    checksums: { ...record.checksums },
  };
  if (record.checksumType) info.checksumType = record.checksumType;
  // Omitted, not empty, when there are none: one representation of "none".
  if (record.tags && record.tags.length > 0) info.tags = record.tags.map((t) => ({ ...t }));
  if (record.multipart) info.parts = record.parts.map((p) => ({ partNumber: p.partNumber, size: p.size, checksums: { ...p.checksums } }));
  return info;
}
