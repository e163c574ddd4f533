/**
 * What the pieces of one set's object engine (erasure-set.ts, multipart-path.ts,
 * heal-object.ts) share: the drives, the codec, the locks, the geometry
 * rules, and the few drive-wide steps they all take.
 */
import type { ErasureGeometry, StripeCodec } from '../../erasure/stripe-codec.js';
import type { StorageClass } from '../../s3/types.js';
import type { KeyLocks } from '../key-locks.js';
import type { Drive } from './drive.js';
import { askDrives, chooseVersion, objectBallot, objectVariant, type DriveAnswer, type QuorumVerdict } from './quorum.js';
import type { ReadLeases } from './read-leases.js';
import type { ObjectRecord } from './records.js';

export interface EngineContext {
  readonly drives: readonly Drive[];
  readonly codec: StripeCodec;
  readonly locks: KeyLocks;
  /** The smallest read quorum any storage class of this set uses. */
  readonly minReadQuorum: number;
  /** Reads in progress per version: data is freed only once they are done. */
  readonly leases: ReadLeases;
  geometryFor(storageClass: StorageClass): ErasureGeometry;
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
}
