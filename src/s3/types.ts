/** The S3 vocabulary shared by the front door and every backend. No I/O here. */

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
/** Base64 checksum values by algorithm, as S3 returns them in x-amz-checksum-*. */
export type Checksums = Partial<Record<ChecksumAlgorithm, string>>;
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

export const STORAGE_CLASSES = ['STANDARD', 'REDUCED_REDUNDANCY'] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/** What a client sets on an object at write time and gets back unchanged. */
export interface ObjectMeta {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  /** The Expires header exactly as sent. */
  expires?: string;
  /** x-amz-meta-* without the prefix; names lower-cased as HTTP delivers them. */
  userMetadata: Record<string, string>;
  storageClass: StorageClass;
}

/** What a backend knows about a stored object. */
export interface ObjectInfo {
  bucket: string;
  key: string;
  size: number;
  /** Hex MD5 of the body (or multipart form "hex-N"), without quotes. */
  etag: string;
  lastModified: Date;
  /** "null" on a never-versioned bucket. */
  versionId?: string;
  meta: ObjectMeta;
  checksums: Checksums;
  checksumType?: ChecksumType;
}

/** One row of a listing. */
export interface ObjectSummary {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  storageClass: StorageClass;
}

export interface BucketInfo {
  name: string;
  creationDate: Date;
  region: string;
}

/** A byte range after resolution against the object size: inclusive bounds. */
export interface ByteRange {
  start: number;
  end: number;
}

export function emptyMeta(): ObjectMeta {
  return { userMetadata: {}, storageClass: 'STANDARD' };
}
