/**
 * What each drive stores about buckets, objects and uploads: the erasure
 * store's metadata records. Drives are the truth: every record needed to
 * serve and heal an object sits on each drive that holds one of its shards,
 * and bucket records on every drive. A drive's records live in its own
 * SQLite database (meta-store.ts); these types are what goes in and out.
 */
import type { ChecksumAlgorithm, Checksums, ChecksumType, ObjectMeta, StorageClass, Tag } from '../../s3/types.js';

/** How one object's (or part's) bytes are spread over a set, as seen from one drive. */
export interface ErasureLayout {
  dataShards: number;
  parityShards: number;
  blockSize: number;
  /**
   * distribution[position] = shard index stored on the set's drive at that
   * position (a rotation chosen by key, so load spreads across drives).
   */
  distribution: number[];
  /** This drive's shard index (distribution[this drive's position]). */
  shardIndex: number;
}

/**
 * One stream of erasure-coded bytes: the whole body of a plain PUT, or one
 * part of a multipart object. Its shard lives in the file `file` inside the
 * object's data directory (data/<bucket>/<dataId>/), or inline in the record.
 */
export interface StoredPart {
  partNumber: number;
  size: number;
  /** Hex MD5 of this part's bytes (for a plain PUT, the object's MD5). */
  etag: string;
  checksums: Checksums;
  /** Shard file name inside the data directory; absent when inline. */
  file?: string;
  /** This drive's framed shard bytes, for objects small enough to live in their metadata. */
  inline?: Buffer;
}

export interface ObjectRecord {
  bucket: string;
  key: string;
  /** "null" until versioning lands. */
  versionId: string;
  /**
   * Unique per write (a UUID): names the data directory and identifies the
   * version, so records on different drives agree iff their dataId is equal.
   */
  dataId: string;
  size: number;
  /** Hex MD5, or "hex-N" for multipart. */
  etag: string;
  lastModifiedMs: number;
  meta: ObjectMeta;
  checksums: Checksums;
  checksumType?: ChecksumType;
  tags?: Tag[];
  /** True when completed from a multipart upload (parts are then reported by partNumber reads). */
  multipart: boolean;
  layout: ErasureLayout;
  /** In object order; one entry for a plain PUT. */
  parts: StoredPart[];
}

/** What listing needs, read without decoding the whole record. */
export interface ObjectListingEntry {
  key: string;
  dataId: string;
  size: number;
  etag: string;
  lastModifiedMs: number;
  storageClass: StorageClass;
  /** k of the object's layout: the read quorum this entry needs across the set. */
  dataShards: number;
}

export interface BucketRecord {
  name: string;
  createdMs: number;
  region: string;
}

/** A bucket configuration document and when it was last set; `doc` undefined means deleted. */
export interface BucketConfigRecord {
  doc?: string;
  modifiedMs: number;
}

export interface UploadRecord {
  bucket: string;
  key: string;
  uploadId: string;
  /** The data directory the parts' shard files go into; becomes the object's dataId on completion. */
  dataId: string;
  initiatedMs: number;
  meta: ObjectMeta;
  tags?: Tag[];
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  /** The layout every part of this upload uses (same geometry and distribution). */
  layout: ErasureLayout;
}

export interface PartRecord {
  uploadId: string;
  part: StoredPart;
  lastModifiedMs: number;
}
