/**
 * The object engine of one erasure set (its 2–16 drives): what the erasure
 * backend (erasure-backend.ts: buckets, placement, listing, the Backend
 * interface) asks of it. Implemented by ErasureSet (erasure-set.ts).
 *
 * Quorum (decided in quorum.ts only): a version of an object is the records
 * with the same dataId; it exists when at least read quorum = k drives hold it
 * (the newest such version wins); a write or delete succeeds when at least
 * write quorum = k (k + 1 when k = m) drives committed it, else SlowDown (503)
 * and nothing is visible. A drive that throws counts as not holding/committing.
 */
import type { Readable } from 'node:stream';
import type { ByteRange, ChecksumType, Checksums, ObjectMeta, StorageClass, Tag } from '../../s3/types.js';
import type { IncomingBody } from '../backend.js';
import type { Drive } from './drive.js';
import type { ObjectRecord, PartRecord, UploadRecord } from './records.js';

/** What a write sets on the new object beyond its bytes. */
export interface NewObjectFields {
  meta: ObjectMeta;
  tags?: Tag[];
}

/**
 * Called under the key's lock with the current quorum record (undefined when
 * none), just before the commit: throws (PreconditionFailed, …) to abort
 * the write with nothing visible. Conditional writes use it.
 */
export type CommitCheck = (current: ObjectRecord | undefined) => void;

export interface CompletedUpload {
  /** Chosen parts, ascending, each verified by the caller against listParts. */
  parts: PartRecord[];
  etag: string;
  checksums: Checksums;
  checksumType?: ChecksumType;
}

export interface HealOutcome {
  bucket: string;
  key: string;
  /** 'healthy': nothing to do; 'healed': missing/stale/corrupt shards or records rewritten; 'failed': could not (reason says why, e.g. below read quorum). */
  state: 'healthy' | 'healed' | 'failed' | 'gone';
  /** Drive roots whose shard or record was rewritten. */
  healedDrives: string[];
  reason?: string;
}

export interface ErasureSetApi {
  readonly index: number;
  readonly drives: readonly Drive[];

  /** The object's quorum record, undefined when it does not exist. Throws SlowDown when too few drives answer to decide. */
  resolve(bucket: string, key: string): ObjectRecord | undefined;

  /**
   * Streams the body into k + m shards over the set (inline in the records
   * when each shard is at most the inline limit), then commits the records
   * on ≥ write quorum drives. On any failure (body error, abort, quorum not
   * reached) nothing is visible and temp data is removed.
   */
  put(bucket: string, key: string, body: IncomingBody, storageClass: StorageClass, fields: NewObjectFields, check: CommitCheck, signal?: AbortSignal): Promise<ObjectRecord>;

  /**
   * The object's bytes (all, or the inclusive `range`), streamed block by
   * block: k shards read, data shards first, every block verified, parity
   * used only for a missing or corrupt shard (and the object queued for
   * healing). Only the blocks the range touches are read.
   */
  read(record: ObjectRecord, range: ByteRange | undefined, signal?: AbortSignal): Readable;

  /** Removes the object's records (≥ write quorum) and then its data. Returns the removed record, undefined when none. */
  remove(bucket: string, key: string, signal?: AbortSignal): Promise<ObjectRecord | undefined>;

  /** Rewrites the record with `change` applied (tags, metadata), keeping the data. Throws NoSuchKey. */
  update(bucket: string, key: string, change: (record: ObjectRecord) => ObjectRecord, signal?: AbortSignal): Promise<ObjectRecord>;

  createUpload(bucket: string, key: string, storageClass: StorageClass, fields: Omit<UploadRecord, 'bucket' | 'key' | 'uploadId' | 'dataId' | 'initiatedMs' | 'layout'>): Promise<UploadRecord>;
  /** Quorum view of the upload; undefined when it does not exist. */
  getUpload(uploadId: string): UploadRecord | undefined;
  /** Erasure-codes one part into the upload's data directory and records it (replacing an earlier part with the same number). */
  putPart(upload: UploadRecord, partNumber: number, body: IncomingBody, signal?: AbortSignal): Promise<PartRecord>;
  /** Quorum view of the upload's parts, ascending. */
  listParts(upload: UploadRecord): PartRecord[];
  /** Quorum view of the bucket's uploads on this set, ordered by key, initiation, upload id. */
  listUploads(bucket: string): UploadRecord[];
  /**
   * Makes the object visible from the chosen parts: a metadata commit (the
   * part shard files stay where they are), then removes unchosen parts.
   */
  completeUpload(upload: UploadRecord, completion: CompletedUpload, check: CommitCheck, signal?: AbortSignal): Promise<ObjectRecord>;
  abortUpload(upload: UploadRecord): Promise<void>;

  /** Brings every drive of the set to the quorum state of this object (records and shards), or removes leftovers of a deleted one. */
  heal(bucket: string, key: string, signal?: AbortSignal): Promise<HealOutcome>;
}
