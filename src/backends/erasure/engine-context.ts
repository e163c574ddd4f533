/**
 * What the pieces of one set's object engine (erasure-set.ts, multipart-path.ts,
 * heal-object.ts) share: the drives, the codec, the locks, the geometry
 * rules, and the few drive-wide steps they all take.
 */
import type { ErasureGeometry, StripeCodec } from '../../erasure/stripe-codec.js';
import type { StorageClass } from '../../s3/types.js';
import { objectLockKey, type KeyLocks } from '../key-locks.js';
import type { Drive, ReplacedObject } from './drive.js';
import {
  askDrives,
  chooseVersion,
  countTrue,
  insufficientWriteQuorum,
  meetsWriteQuorum,
  objectBallot,
  objectVariant,
  onEveryDrive,
  type DriveAnswer,
  type QuorumVerdict,
} from './quorum.js';
import type { ReadLeases } from './read-leases.js';
import type { ObjectRecord } from './records.js';
import type { CommitCheck } from './set-api.js';

export interface EngineContext {
  readonly drives: readonly Drive[];
  readonly codec: StripeCodec;
  readonly locks: KeyLocks;
  /** The smallest read quorum any storage class of this set uses. */
  readonly minReadQuorum: number;
  /** Reads in progress per version: data is freed only once they are done. */
  readonly leases: ReadLeases;
  geometryFor(storageClass: StorageClass): ErasureGeometry;
  /** Under the key's lock, after a commit that may change what is listed: the key's record now (undefined: not listed). */
  listingChanged?(bucket: string, key: string, record: ObjectRecord | undefined): void;
}

export interface ObjectAnswers {
  answers: DriveAnswer<ObjectRecord>[];
  verdict: QuorumVerdict<ObjectRecord>;
}

/** Every drive's record of the object and the quorum's choice among them (throws SlowDown when undecidable). */
export function objectAnswers(context: EngineContext, bucket: string, key: string): ObjectAnswers {
  const answers = askDrives(context.drives, (drive) => drive.meta.getObject(bucket, key));
  return { answers, verdict: chooseVersion(answers, objectBallot, context.minReadQuorum, objectVariant) };
}

export function hasShardFiles(record: { parts: { file?: string }[] }): boolean {
  return record.parts.some((part) => part.file !== undefined);
}

/**
 * Frees a version's data directory on every drive, after any read of it in
 * progress has finished (then the returned promise resolves at once: nobody
 * waits for a reader). Best effort: a failure leaves an unreferenced
 * directory for the scanner's orphan sweep.
 */
export async function removeDataEverywhere(context: EngineContext, bucket: string, dataId: string): Promise<void> {
  const remove = () => Promise.all(context.drives.map((drive) => drive.files.removeData(bucket, dataId).catch(() => undefined)));
  let removal: Promise<unknown> | undefined;
  context.leases.whenUnread(bucket, dataId, () => {
    removal = remove();
  });
  await removal;
}

/** Puts back each drive's record as it was before a commit that did not reach quorum (best effort). */
export async function restoreObjectRecords(
  context: EngineContext,
  bucket: string,
  key: string,
  before: readonly DriveAnswer<ObjectRecord>[],
  changed: readonly boolean[],
  newDataId?: string,
): Promise<void> {
  await Promise.all(
    context.drives.map(async (drive, position) => {
      if (!changed[position]) return;
      const previous = before[position];
      try {
        if (previous.state === 'found') await drive.meta.putObject(previous.value);
        else await drive.meta.deleteObject(bucket, key, newDataId);
      } catch {
        // The drive stays different from the quorum; healing brings it back.
      }
    }),
  );
  // A listing index rebuilt meanwhile may have read the failed write from some drives: it learns what they hold now.
  if (context.listingChanged) {
    let now: ObjectRecord | undefined;
    try {
      now = objectAnswers(context, bucket, key).verdict.value;
    } catch {
      return; // undecidable now: the scanner's heal settles the key and tells the index
    }
    context.listingChanged(bucket, key, now);
  }
}

/**
 * The check of a write without conditions (no If-Match / If-None-Match): with
 * it the engine need not read the current record before committing
 * (commitReplacing). Compared by identity.
 */
export const UNCONDITIONAL: CommitCheck = () => {};

/** Whether every drive can answer what its object write replaced (DriveMetaStore.putObjectReplacing). */
export function reportsReplaced(drives: readonly Drive[]): boolean {
  return drives.every((drive) => typeof drive.meta.putObjectReplacing === 'function');
}

/**
 * The commit of a write without conditions, on drives that report what they
 * replaced: under the key's lock, writes `recordFor(position)` on every drive
 * it gives one for, each write answering the row it replaced (read in the
 * same transaction, so it is exactly what a read under the lock would have
 * found). Below write quorum each changed drive gets that row back, as
 * commitObject does from its reads. Returns the replaced records (to free
 * their data) and a position that took the new one.
 */
export async function commitReplacing(
  context: EngineContext,
  bucket: string,
  key: string,
  geometry: ErasureGeometry,
  signal: AbortSignal | undefined,
  newDataId: string,
  recordFor: (position: number) => ObjectRecord | undefined,
  /** Runs under the lock once the write made quorum. */
  onCommitted?: () => void,
): Promise<{ replaced: ObjectRecord[]; written: number }> {
  return context.locks.run(objectLockKey(bucket, key), async () => {
    signal?.throwIfAborted();
    const before: DriveAnswer<ObjectRecord>[] = context.drives.map(() => ({ state: 'failed', error: undefined }));
    const changed = await onEveryDrive(context.drives, async (drive, position) => {
      const record = recordFor(position);
      if (!record) throw new Error('skipped');
      const replaced: ReplacedObject = await drive.meta.putObjectReplacing!(record);
      before[position] = replaced;
    });
    if (!meetsWriteQuorum(countTrue(changed), geometry.dataShards, geometry.parityShards)) {
      await restoreObjectRecords(context, bucket, key, before, changed, newDataId);
      throw insufficientWriteQuorum();
    }
    onCommitted?.();
    return { replaced: replacedVersion(context, before), written: changed.indexOf(true) };
  });
}

/**
 * The version the write replaced: the quorum's choice among the rows the
 * drives' writes replaced, as a read under the lock would have chosen. Only
 * that version's data may be freed: a minority row (a drive that missed a
 * restore, say) can name data another record or an upload in progress still
 * uses. Undecidable: nothing (the scanner's orphan sweep frees what no record
 * references).
 */
function replacedVersion(context: EngineContext, before: readonly DriveAnswer<ObjectRecord>[]): ObjectRecord[] {
  try {
    const previous = chooseVersion([...before], objectBallot, context.minReadQuorum, objectVariant).value;
    return previous ? [previous] : [];
  } catch {
    return [];
  }
}

/**
 * Frees the data of every replaced version (other than `kept`) that has shard
 * files, each once. Best effort, as removeDataEverywhere.
 */
export async function freeReplacedData(context: EngineContext, bucket: string, replaced: readonly ObjectRecord[], kept: string): Promise<void> {
  const freed = new Set<string>([kept]);
  for (const record of replaced) {
    if (freed.has(record.dataId) || !hasShardFiles(record)) continue;
    freed.add(record.dataId);
    await removeDataEverywhere(context, bucket, record.dataId);
  }
}
