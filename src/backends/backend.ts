import type { Readable } from 'node:stream';
import type {
  BucketInfo,
  ByteRange,
  ChecksumAlgorithm,
  Checksums,
  ChecksumType,
  MultipartUpload,
  ObjectInfo,
  ObjectMeta,
  ObjectSummary,
  Tag,
  UploadedPart,
} from '../s3/types.js';
import type { RangeSpec } from '../s3/range.js';

/**
 * The storage contract every backend implements. Backends never see HTTP:
 * inputs are S3 vocabulary and Node streams, failures are `S3Error`s from
 * the one table (src/s3/errors.ts), and every call takes an AbortSignal that
 * fires when the client goes away.
 */
export interface Backend {
  readonly type: string;
  readonly capabilities: BackendCapabilities;

  listBuckets(signal?: AbortSignal): Promise<BucketInfo[]>;
  /** Throws BucketAlreadyOwnedByYou when it exists. */
  createBucket(bucket: string, options: { region: string }, signal?: AbortSignal): Promise<void>;
  /** Throws NoSuchBucket. */
  headBucket(bucket: string, signal?: AbortSignal): Promise<BucketInfo>;
  /** Throws NoSuchBucket, BucketNotEmpty. */
  deleteBucket(bucket: string, signal?: AbortSignal): Promise<void>;
  /** Bucket configuration documents (policy, cors, lifecycle, tagging, …), stored opaquely. */
  getBucketConfig(bucket: string, kind: BucketConfigKind, signal?: AbortSignal): Promise<string | undefined>;
  /** `undefined` deletes the document. */
  putBucketConfig(bucket: string, kind: BucketConfigKind, doc: string | undefined, signal?: AbortSignal): Promise<void>;

  /**
   * Stores the body. Nothing is visible until the body has ended without
   * error (the body stream errors when a digest or signature fails) and the
   * data is durable; then the object replaces any previous one atomically.
   */
  putObject(bucket: string, key: string, body: IncomingBody, options: PutObjectOptions, signal?: AbortSignal): Promise<ObjectInfo>;
  /** The caller must consume or destroy `body`. Throws NoSuchKey, InvalidRange. */
  getObject(bucket: string, key: string, options: GetObjectOptions, signal?: AbortSignal): Promise<GetObjectResult>;
  /** Throws NoSuchKey. */
  headObject(bucket: string, key: string, options: { versionId?: string }, signal?: AbortSignal): Promise<ObjectInfo>;
  /** Same-backend copy. `meta` is the destination's metadata, already resolved by the caller. */
  copyObject(source: ObjectRef, dest: ObjectRef, options: CopyObjectOptions, signal?: AbortSignal): Promise<ObjectInfo>;
  /** Deleting a missing key succeeds, as in S3. */
  deleteObject(bucket: string, key: string, options: { versionId?: string }, signal?: AbortSignal): Promise<DeleteResult>;
  deleteObjects(bucket: string, objects: { key: string; versionId?: string }[], signal?: AbortSignal): Promise<DeleteObjectsEntry[]>;
  /** Keys in binary UTF-8 order, grouped by delimiter. */
  listObjects(bucket: string, options: ListObjectsOptions, signal?: AbortSignal): Promise<ListObjectsResult>;

  /** Replaces mutable per-object metadata without touching the data (tags now; retention, legal hold, transition state later). */
  updateObjectMeta(bucket: string, key: string, update: ObjectMetaUpdate, signal?: AbortSignal): Promise<ObjectInfo>;

  /** Starts an upload; nothing is visible under the key until completion. */
  createMultipartUpload(bucket: string, key: string, options: CreateMultipartOptions, signal?: AbortSignal): Promise<MultipartUpload>;
  /** Stores one part (replacing an earlier part with the same number). Throws NoSuchUpload. Same body rules as putObject. */
  uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: IncomingBody, signal?: AbortSignal): Promise<UploadedPart>;
  /**
   * Makes the object visible from the chosen parts, atomically, replacing any
   * previous object. The caller has validated order, sizes and ETags against
   * listParts and computed the final ETag and checksums; the backend re-checks
   * that each chosen part still has the given ETag (InvalidPart otherwise),
   * applies the write conditions, commits, and frees the upload.
   */
  completeMultipartUpload(bucket: string, key: string, uploadId: string, completion: MultipartCompletion, signal?: AbortSignal): Promise<ObjectInfo>;
  /** Frees the upload and its parts. Throws NoSuchUpload. */
  abortMultipartUpload(bucket: string, key: string, uploadId: string, signal?: AbortSignal): Promise<void>;
  /** The upload and all its parts in ascending part number. Throws NoSuchUpload. */
  listParts(bucket: string, key: string, uploadId: string, signal?: AbortSignal): Promise<{ upload: MultipartUpload; parts: UploadedPart[] }>;
  /** Uploads in progress, ordered by key then initiation time (then upload id). */
  listMultipartUploads(bucket: string, signal?: AbortSignal): Promise<MultipartUpload[]>;

  /** Stops background work and releases resources. */
  close(): Promise<void>;
}

export interface ObjectMetaUpdate {
  /** `[]` removes every tag. */
  tags?: Tag[];
}

export interface CreateMultipartOptions {
  meta: ObjectMeta;
  tags?: Tag[];
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
}

export interface MultipartCompletion {
  /** Chosen parts in ascending order, with the ETags the client named (unquoted hex). */
  parts: { partNumber: number; etag: string }[];
  /** Final ETag, "hex-N". */
  etag: string;
  checksums: Checksums;
  checksumType?: ChecksumType;
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface BackendCapabilities {
  versioning: boolean;
  objectLock: boolean;
  /** Whether `a` and `a/b` can both exist as objects (see ARCHITECTURE.md for local). */
  fileAndPrefixCoexist: boolean;
}

export type BucketConfigKind =
  | 'policy'
  | 'cors'
  | 'lifecycle'
  | 'tagging'
  | 'versioning'
  | 'object-lock'
  | 'notification'
  | 'encryption'
  | 'website'
  | 'logging'
  | 'replication'
  | 'acl';

export interface ObjectRef {
  bucket: string;
  key: string;
  versionId?: string;
}

/**
 * A request body on its way to storage. `stream` yields the object's bytes;
 * it errors (with an S3Error) instead of ending when the body fails a digest,
 * a signature or its declared length. `digests()` is valid once it has ended.
 */
export interface IncomingBody {
  stream: Readable;
  /** Declared decoded length, when the client sent one. */
  declaredSize?: number;
  digests(): BodyDigests;
}

export interface BodyDigests {
  size: number;
  md5Hex: string;
  /** Checksums the client asked for (header or trailer), verified. */
  checksums: Checksums;
}

export interface PutObjectOptions {
  meta: ObjectMeta;
  tags?: Tag[];
  /** Conditional write, checked atomically with the commit. */
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface GetObjectOptions {
  versionId?: string;
  range?: RangeSpec;
}

export interface GetObjectResult {
  info: ObjectInfo;
  /** Present when a range was asked for and satisfiable. */
  range?: ByteRange;
  body: Readable;
}

export interface CopyObjectOptions {
  meta: ObjectMeta;
  /** Tags of the destination (the source's for x-amz-tagging-directive COPY). */
  tags?: Tag[];
  /** Checksums to carry to the destination (the source's, when data is unchanged). */
  checksums?: Checksums;
  /** The source's ETag as seen when conditions were evaluated; copy fails with PreconditionFailed if it changed. */
  sourceEtag?: string;
}

export interface DeleteResult {
  versionId?: string;
  deleteMarker?: boolean;
}

export type DeleteObjectsEntry =
  | { key: string; versionId?: string; deleted: true; deleteMarker?: boolean; deleteMarkerVersionId?: string }
  | { key: string; versionId?: string; deleted: false; code: string; message: string };

export interface ListObjectsOptions {
  prefix: string;
  delimiter?: string;
  /** Exclusive: list keys strictly after this one (marker / start-after / decoded continuation token). */
  after?: string;
  /** 0..1000 */
  maxKeys: number;
}

export interface ListObjectsResult {
  objects: ObjectSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned: where the next page starts after. */
  nextAfter?: string;
}
