/**
 * The object engine of one erasure set (ErasureSetApi in set-api.ts). Writes
 * stream through write-path.ts, reads through read-path.ts, uploads live in
 * multipart-path.ts and healing in heal-object.ts; every quorum decision is
 * quorum.ts's. Commits hold the key's lock only for the check and the record
 * writes, never while a body streams.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ErasureGeometry, StripeCodec } from '../../erasure/stripe-codec.js';
import { S3Error } from '../../s3/errors.js';
import { STORAGE_CLASSES, type ByteRange, type StorageClass } from '../../s3/types.js';
import type { IncomingBody } from '../backend.js';
import { KeyLocks, objectLockKey } from '../key-locks.js';
import type { Drive } from './drive.js';
import {
  commitReplacing,
  freeReplacedData,
  hasShardFiles,
  objectAnswers,
  removeDataEverywhere,
  reportsReplaced,
  restoreObjectRecords,
  UNCONDITIONAL,
  type EngineContext,
  type ObjectAnswers,
} from './engine-context.js';
import { healObject } from './heal-object.js';
import { DEFAULT_BLOCK_SIZE, DEFAULT_INLINE_LIMIT, geometryFor, layoutAt, layoutFor } from './layout.js';
import { MultipartPath } from './multipart-path.js';
import { InvalidatingLocks, ObjectRecordCache } from './object-record-cache.js';
import { countTrue, insufficientWriteQuorum, meetsWriteQuorum, onEveryDrive, readQuorum } from './quorum.js';
import { ReadLeases } from './read-leases.js';
import { readObject, type ReadContext, type RecordCopies } from './read-path.js';
import type { ObjectRecord, PartRecord, StoredPart, UploadRecord } from './records.js';
import type { CommitCheck, CompletedUpload, ErasureSetApi, HealOutcome, NewObjectFields } from './set-api.js';
import { commitTemps, discardTemps, encodeBody } from './write-path.js';

export interface ErasureSetOptions {
  index: number;
  /** The set's drives in position order. */
  drives: Drive[];
  codec: StripeCodec;
  /** Parity shards for a storage class (EC:n). */
  parityFor(storageClass: StorageClass): number;
  /** Bytes per erasure block (default 1 MiB). */
  blockSize?: number;
  /** A plain PUT whose framed shard is at most this many bytes lives inline in its records (default 128 KiB). */
  inlineLimit?: number;
  /** Blocks decoded per read run (default: 2 MiB worth, at least 1). */
  readBlocksPerRun?: number;
  /** A read needed parity or met a bad shard: the object should be healed. */
  onDegraded?(bucket: string, key: string): void;
  /** Shared with whatever else commits to these keys (default: the set's own). */
  locks?: KeyLocks;
  /** Bytes of recently resolved records kept in memory (object-record-cache.ts); 0 turns the cache off. */
  recordCacheBytes?: number;
  /**
   * Called under the key's lock after every commit that may change what is
   * listed, with the key's record now (undefined: not listed). The node's
   * listing index (listing-index.ts) follows the drives through it. Must not throw.
   */
  onCommitted?(bucket: string, key: string, record: ObjectRecord | undefined): void;
}

/** The file name of a plain PUT's shard inside its data directory. */
const PLAIN_SHARD_FILE = 'part.1';

export class ErasureSet implements ErasureSetApi, EngineContext {
  readonly index: number;
  readonly drives: readonly Drive[];
  readonly codec: StripeCodec;
  readonly locks: KeyLocks;
  readonly minReadQuorum: number;
  readonly leases = new ReadLeases();
  private readonly blockSize: number;
  private readonly inlineLimit: number;
  private readonly readBlocksPerRun: number;
  private readonly multipart: MultipartPath;
  /**
   * Every drive's copy read along with a record resolve() returned, for
   * read() of that record: an inline object's other shards are then taken
   * from the same snapshot the quorum chose from, not read again. Weak:
   * gone with the record.
   */
  private readonly resolvedCopies = new WeakMap<ObjectRecord, RecordCopies>();
  /** Recently resolved objects (undefined when turned off); every locked task on a key drops its entry. */
  private readonly recordCache: ObjectRecordCache | undefined;
  /** Whether every drive's writes report the row they replaced (fixed with the drives: decided once). */
  private readonly drivesReportReplaced: boolean;

  constructor(private readonly options: ErasureSetOptions) {
    this.index = options.index;
    this.drives = [...options.drives];
    this.codec = options.codec;
    const locks = options.locks ?? new KeyLocks();
    this.recordCache = options.recordCacheBytes === 0 ? undefined : new ObjectRecordCache(options.recordCacheBytes);
    this.locks = this.recordCache ? new InvalidatingLocks(locks, this.recordCache) : locks;
    this.drivesReportReplaced = reportsReplaced(this.drives);
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.inlineLimit = options.inlineLimit ?? DEFAULT_INLINE_LIMIT;
    this.readBlocksPerRun = options.readBlocksPerRun ?? Math.max(1, Math.floor((2 << 20) / this.blockSize));
    this.minReadQuorum = Math.min(...STORAGE_CLASSES.map((storageClass) => readQuorum(this.geometryFor(storageClass).dataShards)));
    this.multipart = new MultipartPath(this);
  }

  geometryFor(storageClass: StorageClass): ErasureGeometry {
    return geometryFor(this.drives.length, this.options.parityFor(storageClass), this.blockSize);
  }

  resolve(bucket: string, key: string): ObjectRecord | undefined {
    const lockKey = objectLockKey(bucket, key);
    const cached = this.recordCache?.get(lockKey);
    if (cached) return cached.record;
    const { answers, verdict } = objectAnswers(this, bucket, key);
    if (verdict.value) {
      const copies = answers.map((answer) => (answer.state === 'found' ? answer.value : undefined));
      this.resolvedCopies.set(verdict.value, copies);
      // Not while a commit on the key is in progress or queued: the drives may be mid-change (object-record-cache.ts).
      if (!this.locks.isHeld(lockKey)) this.recordCache?.remember(lockKey, verdict.value, copies);
    }
    return verdict.value;
  }

  async put(
    bucket: string,
    key: string,
    body: IncomingBody,
    storageClass: StorageClass,
    fields: NewObjectFields,
    check: CommitCheck,
    signal?: AbortSignal,
  ): Promise<ObjectRecord> {
    const geometry = this.geometryFor(storageClass);
    const layout = layoutFor(key, this.drives.length, geometry);
    const encoded = await encodeBody(body, { drives: this.drives, geometry, distribution: layout.distribution, codec: this.codec, inlineLimit: this.inlineLimit }, signal);
    const dataId = randomUUID();
    let holds: boolean[];
    if (encoded.inline) holds = this.drives.map(() => true);
    else {
      if (signal?.aborted) {
        await discardTemps(encoded.temps);
        signal.throwIfAborted();
      }
      holds = await commitTemps(encoded.temps, bucket, dataId, PLAIN_SHARD_FILE);
    }
    const inline = encoded.inline;
    const part = (position: number): StoredPart => ({
      partNumber: 1,
      size: encoded.size,
      etag: encoded.digests.md5Hex,
      checksums: encoded.digests.checksums,
      // An empty object has no shard bytes at all (and an empty inline blob would not survive every store).
      ...(inline ? (encoded.size > 0 ? { inline: inline[layout.distribution[position]] } : {}) : { file: PLAIN_SHARD_FILE }),
    });
    const checksumType = Object.keys(encoded.digests.checksums).length > 0 ? 'FULL_OBJECT' : undefined;
    const lastModifiedMs = Date.now();
    const recordAt = (position: number): ObjectRecord => ({
      bucket,
      key,
      versionId: 'null',
      dataId,
      size: encoded.size,
      etag: encoded.digests.md5Hex,
      lastModifiedMs,
      meta: fields.meta,
      checksums: encoded.digests.checksums,
      ...(checksumType ? { checksumType } : {}),
      ...(fields.tags && fields.tags.length > 0 ? { tags: fields.tags } : {}),
      multipart: false,
      layout: layoutAt(layout, position),
      parts: [part(position)],
    });
    try {
      if (!meetsWriteQuorum(countTrue(holds), geometry.dataShards, geometry.parityShards)) throw insufficientWriteQuorum();
      const recordFor = (position: number) => (holds[position] ? recordAt(position) : undefined);
      const write = (drive: Drive, position: number) => (holds[position] ? drive.meta.putObject(recordAt(position)) : undefined);
      // Without a condition, what each drive's write replaced stands in for reading the records first.
      const { replaced, written } =
        check === UNCONDITIONAL && this.drivesReportReplaced
          ? await commitReplacing(this, bucket, key, geometry, signal, dataId, recordFor, () => this.listingChanged(bucket, key, recordAt(0)))
          : await this.commitObject(bucket, key, geometry, check, signal, dataId, write, undefined, recordAt(0)).then(({ previous, written }) => ({
              replaced: previous ? [previous] : [],
              written,
            }));
      await freeReplacedData(this, bucket, replaced, dataId);
      return recordAt(written);
    } catch (err) {
      if (!inline) await removeDataEverywhere(this, bucket, dataId);
      throw err;
    }
  }

  /**
   * Under the key's lock: finds the current record, runs the check, writes the
   * new record on every drive `write` gives a promise for, and decides by write
   * quorum; below it, each drive's previous record is put back. Returns the
   * replaced record and a position that took the new one.
   */
  async commitObject(
    bucket: string,
    key: string,
    geometry: ErasureGeometry,
    check: CommitCheck,
    signal: AbortSignal | undefined,
    newDataId: string,
    write: (drive: Drive, position: number, before: ObjectAnswers) => Promise<unknown> | undefined,
    undo?: (changed: boolean[], before: ObjectAnswers) => Promise<void>,
    /** The committed record (any position's: the listed fields are the same), for onCommitted. */
    committed?: ObjectRecord,
  ): Promise<{ previous?: ObjectRecord; written: number }> {
    return this.locks.run(objectLockKey(bucket, key), async () => {
      const before = objectAnswers(this, bucket, key);
      check(before.verdict.value);
      signal?.throwIfAborted();
      const changed = await onEveryDrive(this.drives, (drive, position) => write(drive, position, before) ?? Promise.reject(new Error('skipped')));
      if (!meetsWriteQuorum(countTrue(changed), geometry.dataShards, geometry.parityShards)) {
        await restoreObjectRecords(this, bucket, key, before.answers, changed, newDataId);
        if (undo) await undo(changed, before);
        throw insufficientWriteQuorum();
      }
      if (committed) this.listingChanged(bucket, key, committed);
      return { previous: before.verdict.value, written: changed.indexOf(true) };
    });
  }

  read(record: ObjectRecord, range: ByteRange | undefined, signal?: AbortSignal): Readable {
    const { onDegraded } = this.options;
    const context: ReadContext = {
      drives: this.drives,
      codec: this.codec,
      blocksPerRun: this.readBlocksPerRun,
      ...(onDegraded ? { onDegraded: () => onDegraded(record.bucket, record.key) } : {}),
    };
    // Only shard files can be freed under a read; an inline object's bytes are in the records.
    if (!hasShardFiles(record)) return readObject(context, record, range, signal, this.resolvedCopies.get(record));
    const release = this.leases.acquire(record.bucket, record.dataId);
    const stream = readObject(context, record, range, signal);
    // 'close' follows the end, an error and a destroy alike, so the lease never outlives the stream.
    stream.once('close', release);
    return stream;
  }

  async remove(bucket: string, key: string, signal?: AbortSignal): Promise<ObjectRecord | undefined> {
    signal?.throwIfAborted();
    const removed = await this.locks.run(objectLockKey(bucket, key), async () => {
      const { answers, verdict } = objectAnswers(this, bucket, key);
      const current = verdict.value;
      if (!current) return undefined;
      const deleted: boolean[] = [];
      // A drive without this version does not hold it: that counts as done.
      const done = await onEveryDrive(this.drives, async (drive, position) => {
        deleted[position] = await drive.meta.deleteObject(bucket, key, current.dataId);
      });
      if (!meetsWriteQuorum(countTrue(done), current.layout.dataShards, current.layout.parityShards)) {
        await restoreObjectRecords(this, bucket, key, answers, deleted);
        throw insufficientWriteQuorum();
      }
      this.listingChanged(bucket, key, undefined);
      return current;
    });
    if (removed && hasShardFiles(removed)) await removeDataEverywhere(this, bucket, removed.dataId);
    return removed;
  }

  async update(bucket: string, key: string, change: (record: ObjectRecord) => ObjectRecord, signal?: AbortSignal): Promise<ObjectRecord> {
    signal?.throwIfAborted();
    return this.locks.run(objectLockKey(bucket, key), async () => {
      const { answers, verdict } = objectAnswers(this, bucket, key);
      const current = verdict.value;
      if (!current) throw new S3Error('NoSuchKey', { resource: key, extra: { Key: key } });
      const changed = await onEveryDrive(this.drives, async (drive, position) => {
        const own = answers[position];
        if (own.state !== 'found' || own.value.dataId !== current.dataId) throw new Error('no copy of this version');
        await drive.meta.putObject(withOwnShard(change(own.value), own.value));
      });
      if (!meetsWriteQuorum(countTrue(changed), current.layout.dataShards, current.layout.parityShards)) {
        await restoreObjectRecords(this, bucket, key, answers, changed);
        throw insufficientWriteQuorum();
      }
      const updated = change(current);
      this.listingChanged(bucket, key, updated);
      return updated;
    });
  }

  createUpload(
    bucket: string,
    key: string,
    storageClass: StorageClass,
    fields: Omit<UploadRecord, 'bucket' | 'key' | 'uploadId' | 'dataId' | 'initiatedMs' | 'layout'>,
  ): Promise<UploadRecord> {
    return this.multipart.create(bucket, key, storageClass, fields);
  }

  getUpload(uploadId: string): UploadRecord | undefined {
    return this.multipart.get(uploadId);
  }

  putPart(upload: UploadRecord, partNumber: number, body: IncomingBody, signal?: AbortSignal): Promise<PartRecord> {
    return this.multipart.putPart(upload, partNumber, body, signal);
  }

  listParts(upload: UploadRecord): PartRecord[] {
    return this.multipart.listParts(upload);
  }

  listUploads(bucket: string): UploadRecord[] {
    return this.multipart.listUploads(bucket);
  }

  completeUpload(upload: UploadRecord, completion: CompletedUpload, check: CommitCheck, signal?: AbortSignal): Promise<ObjectRecord> {
    return this.multipart.complete(upload, completion, check, signal);
  }

  abortUpload(upload: UploadRecord): Promise<void> {
    return this.multipart.abort(upload);
  }

  heal(bucket: string, key: string, signal?: AbortSignal): Promise<HealOutcome> {
    return healObject(this, bucket, key, signal);
  }

  listingChanged(bucket: string, key: string, record: ObjectRecord | undefined): void {
    this.options.onCommitted?.(bucket, key, record);
  }
}

/** A change computed from one drive's copy keeps that drive's shard index and inline bytes. */
function withOwnShard(changed: ObjectRecord, own: ObjectRecord): ObjectRecord {
  return { ...changed, dataId: own.dataId, layout: own.layout, parts: own.parts };
}
