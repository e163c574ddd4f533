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
  /** Object tags in the order they were set (at most 10). */
  tags?: Tag[];
  /** For objects completed from a multipart upload: each part, in order. */
  parts?: PartSummary[];
}

export interface Tag {
  key: string;
  value: string;
}

/** A part of a completed multipart object: enough to serve partNumber=N and GetObjectAttributes. */
export interface PartSummary {
  partNumber: number;
  size: number;
  checksums: Checksums;
}

/** A part of an upload in progress, as UploadPart answered it. */
export interface UploadedPart {
  partNumber: number;
  size: number;
  /** Hex MD5 of the part, without quotes. */
  etag: string;
  lastModified: Date;
  checksums: Checksums;
}

/** An upload in progress, as CreateMultipartUpload set it up. */
export interface MultipartUpload {
  bucket: string;
  key: string;
  uploadId: string;
  initiated: Date;
  meta: ObjectMeta;
  tags?: Tag[];
  /** The algorithm every part must carry, when the upload named one. */
  checksumAlgorithm?: ChecksumAlgorithm;
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
