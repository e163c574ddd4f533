/**
 * Heals bucket records and configuration documents onto every drive of the
 * deployment (they live on all drives, bucket-store.ts): a bucket that
 * exists by quorum is written to drives lacking it (a blank replacement, a
 * drive that was offline), and each configuration's newest document is
 * copied to drives holding none or an older one. Drives that fail to answer
 * are left alone. A bucket record held by too few drives to exist, older
 * than the grace period, is a leftover of a deleted bucket: removed from
 * drives that hold no objects in it.
 */
import type { BucketConfigKind } from '../backend.js';
import type { Drive } from './drive.js';
import { askDrives, chooseVersion, type DriveAnswer } from './quorum.js';
import type { BucketConfigRecord, BucketRecord } from './records.js';

/** Every configuration kind (the object literal makes the compiler insist on each). */
const CONFIG_KINDS = Object.keys({
  policy: true,
  cors: true,
  lifecycle: true,
  tagging: true,
  versioning: true,
  'object-lock': true,
  notification: true,
  encryption: true,
  website: true,
  logging: true,
  replication: true,
  acl: true,
} satisfies Record<BucketConfigKind, true>) as BucketConfigKind[];

export interface BucketHealResult {
  /** Buckets that exist by quorum, sorted. */
  buckets: string[];
  /** Records or configuration documents written to drives that lacked them. */
  healed: number;
  /** Leftover bucket records removed. */
  removed: number;
}

/** Bucket names any answering drive holds. */
function allBucketNames(drives: readonly Drive[]): string[] {
  const names = new Set<string>();
  for (const answer of askDrives(drives, (drive) => drive.meta.listBuckets())) {
    if (answer.state === 'found') for (const record of answer.value) names.add(record.name);
  }
  return [...names].sort();
}

/** Writes `write` on the drives `needs` picks; how many succeeded. */
async function writeWhere<T>(drives: readonly Drive[], answers: DriveAnswer<T>[], needs: (answer: DriveAnswer<T>) => boolean, write: (drive: Drive) => Promise<unknown>): Promise<number> {
  const results = await Promise.allSettled(drives.map((drive, position) => (needs(answers[position]) ? write(drive).then(() => 1) : Promise.resolve(0))));
  return results.reduce((sum, r) => sum + (r.status === 'fulfilled' ? r.value : 0), 0);
}

async function healConfigs(drives: readonly Drive[], bucket: BucketRecord): Promise<number> {
  let healed = 0;
  for (const kind of CONFIG_KINDS) {
    const answers = askDrives(drives, (drive) => drive.meta.getBucketConfig(bucket.name, kind));
    let newest: BucketConfigRecord | undefined;
    for (const answer of answers) {
      // Older than the bucket: a config of an earlier bucket of that name (bucket-store.ts reads it the same way).
      if (answer.state === 'found' && answer.value.modifiedMs >= bucket.createdMs && (!newest || answer.value.modifiedMs > newest.modifiedMs)) newest = answer.value;
    }
    if (!newest) continue;
    const chosen = newest;
    healed += await writeWhere(
      drives,
      answers,
      (a) => a.state === 'absent' || a.state === 'corrupt' || (a.state === 'found' && a.value.modifiedMs < chosen.modifiedMs),
      (drive) => drive.meta.putBucketConfig(bucket.name, kind, chosen),
    );
  }
  return healed;
}

export async function healBuckets(drives: readonly Drive[], options: { only?: string; graceCutoffMs: number }): Promise<BucketHealResult> {
  const result: BucketHealResult = { buckets: [], healed: 0, removed: 0 };
  const quorum = Math.ceil(drives.length / 2);
  const names = options.only === undefined ? allBucketNames(drives) : [options.only];
  for (const name of names) {
    const answers = askDrives(drives, (drive) => drive.meta.getBucket(name));
    let chosen: BucketRecord | undefined;
    try {
      chosen = chooseVersion(answers, (r) => ({ version: `${r.createdMs}`, readQuorum: quorum, ageMs: r.createdMs }), quorum).value;
    } catch {
      continue; // too few drives answered to decide
    }
    if (chosen) {
      const record = chosen;
      result.buckets.push(name);
      result.healed += await writeWhere(
        drives,
        answers,
        (a) => a.state === 'absent' || a.state === 'corrupt' || (a.state === 'found' && a.value.createdMs !== record.createdMs),
        (drive) => drive.meta.putBucket(record),
      );
      result.healed += await healConfigs(drives, record);
    } else if (answers.every((a) => a.state !== 'failed')) {
      result.removed += await writeWhere(
        drives,
        answers,
        (a) => a.state === 'found' && a.value.createdMs < options.graceCutoffMs,
        async (drive) => {
          if (!drive.meta.hasObjects(name)) await drive.meta.deleteBucket(name);
          else throw new Error('holds objects');
        },
      );
    }
  }
  return result;
}
