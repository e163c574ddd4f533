/**
 * One drive (a volume folder or mount point) of the erasure store, as the
 * object engine sees it: its metadata records (meta-store.ts, SQLite in WAL
 * mode with group commit) and its shard files (drive-files.ts).
 *
 * On disk, under the drive root:
 *   .cairn.sys/format.json   who this drive is (format.ts)
 *   .cairn.sys/meta.db       records (records.ts)
 *   .cairn.sys/tmp/          shard files being written; emptied at startup
 *   data/<bucket>/<dataId>/  committed shard files of one object or upload
 * Bucket names are validated S3 names and dataIds are server UUIDs: no path
 * component ever comes from an object key.
 *
 * Every method may throw (an I/O error, a drive gone): the engine counts a
 * throw as that drive failing the operation and decides by quorum. Fault tests
 * wrap a Drive to fail on cue (test/faults/).
 */
import type {
  BucketConfigRecord,
  BucketRecord,
  ObjectListingEntry,
  ObjectRecord,
  PartRecord,
  UploadRecord,
} from './records.js';
import type { ShardReadSession } from './shard-read-session.js';

/** The record a write replaced on one drive: absent, found, or there but failing its checksum. */
export type ReplacedObject = { state: 'absent' } | { state: 'found'; value: ObjectRecord } | { state: 'corrupt' };

export interface ListRecordsOptions {
  prefix: string;
  after?: string;
  from?: string;
  limit: number;
}

export interface Drive {
  /** Absolute path of the volume. */
  readonly root: string;
  /** The drive's identity from its format record. */
  readonly id: string;
  readonly setIndex: number;
  /** Position within its set (0-based). */
  readonly position: number;
  readonly meta: DriveMetaStore;
  readonly files: DriveFiles;
}

/** A record whose stored checksum does not match its bytes: treated as absent on that drive, and healed. */
export class CorruptRecordError extends Error {
  constructor(what: string, readonly drive: string) {
    super(`corrupt metadata record ${what} on drive ${drive}`);
    this.name = 'CorruptRecordError';
  }
}

/**
 * A drive's metadata records. Reads are synchronous (better-sqlite3, indexed,
 * microseconds); writes resolve once durable on this drive, batched with
 * concurrent writes into one transaction and one WAL sync (group commit).
 * Corrupt records throw CorruptRecordError on read.
 */
export interface DriveMetaStore {
  listBuckets(): BucketRecord[];
  getBucket(name: string): BucketRecord | undefined;
  putBucket(record: BucketRecord): Promise<void>;
  /** Removes the bucket record and its configs. */
  deleteBucket(name: string): Promise<void>;
  getBucketConfig(bucket: string, kind: string): BucketConfigRecord | undefined;
  putBucketConfig(bucket: string, kind: string, record: BucketConfigRecord): Promise<void>;

  getObject(bucket: string, key: string): ObjectRecord | undefined;
  /** Inserts or replaces the record for (bucket, key). */
  putObject(record: ObjectRecord): Promise<void>;
  /**
   * putObject that also answers what the write replaced, read in the same
   * transaction: the row a concurrent reader could have seen just before.
   * Optional: an engine over stores without it reads the records first.
   */
  putObjectReplacing?(record: ObjectRecord): Promise<ReplacedObject>;
  /** Removes the record; when `dataId` is given, only if the stored record has that dataId. True if removed. */
  deleteObject(bucket: string, key: string, dataId?: string): Promise<boolean>;
  /**
   * Up to `limit` entries of `bucket` in binary (UTF-8 byte) key order, with
   * keys starting with `prefix`, strictly after `after` and at or after `from`
   * (each when given; `from` lets a delimiter listing jump past a whole common
   * prefix). Uses the index: the cost does not grow with the keys skipped.
   */
  listObjects(bucket: string, options: ListRecordsOptions): ObjectListingEntry[];
  /** Whether any object record exists in the bucket. */
  hasObjects(bucket: string): boolean;

  getUpload(uploadId: string): UploadRecord | undefined;
  putUpload(record: UploadRecord): Promise<void>;
  /** Removes the upload and all its part records. */
  deleteUpload(uploadId: string): Promise<void>;
  /** Uploads of a bucket ordered by key, then initiation time, then upload id. */
  listUploads(bucket: string): UploadRecord[];
  /** Inserts or replaces the record for (uploadId, partNumber). */
  putPart(record: PartRecord): Promise<void>;
  /** Ascending part number. */
  listParts(uploadId: string): PartRecord[];
  /** Writes the object record and removes the upload with its parts, in one transaction. */
  completeUpload(record: ObjectRecord, uploadId: string): Promise<void>;

  close(): void;
}

/**
 * A drive's shard files. A shard is written to a temp file, made durable,
 * then moved into its data directory; only a committed metadata record makes
 * it visible, so a crash leaves at most unreferenced files that the temp sweep
 * (startup) and the scanner (orphaned data directories) remove.
 */
export interface DriveFiles {
  /** A new temp shard file under .cairn.sys/tmp/. */
  createTemp(): Promise<TempShard>;
  /**
   * Reads `length` bytes at `offset` of data/<bucket>/<dataId>/<file>; short or missing files throw.
   * With `session`, the file stays open in it for the rest of that read (the caller closes it) and
   * the bytes land in memory it gives.
   */
  read(bucket: string, dataId: string, file: string, offset: number, length: number, session?: ShardReadSession): Promise<Buffer>;
  /** Size in bytes, or undefined when missing. */
  size(bucket: string, dataId: string, file: string): Promise<number | undefined>;
  /** Removes one shard file (missing is fine). */
  remove(bucket: string, dataId: string, file: string): Promise<void>;
  /** Removes a whole data directory (missing is fine). */
  removeData(bucket: string, dataId: string): Promise<void>;
  /** dataIds present under data/<bucket>/ (for the scanner's orphan sweep). */
  listData(bucket: string): Promise<string[]>;
  /** Empties .cairn.sys/tmp/ (startup; nothing there is referenced). */
  sweepTemp(): Promise<void>;
}

export interface TempShard {
  write(chunk: Buffer): Promise<void>;
  /** fsyncs and closes the temp file, then renames it to data/<bucket>/<dataId>/<file> and syncs the directory. */
  commit(bucket: string, dataId: string, file: string): Promise<void>;
  /** Closes and removes the temp file (idempotent; safe after a failed write). */
  discard(): Promise<void>;
}
