/**
 * One heal pass over an erasure deployment (or one bucket, or a prefix):
 * what the background scanner runs each cycle and what `cairn admin heal`
 * runs on demand. Bucket records and configs first (healBuckets), then for
 * every bucket and set the union of keys across the set's drives: each
 * object whose drives disagree (or every object, when deep) goes through
 * ErasureSetApi.heal, and on whole-bucket passes unreferenced data
 * directories are swept afterwards.
 */
import { HealTally } from '../admin-service.js';
import { noSuchBucket } from './bucket-store.js';
import { healBuckets } from './bucket-heal.js';
import { disagreement } from './object-check.js';
import { OrphanSweep } from './orphan-sweep.js';
import { unionKeys, type KeyAcrossDrives } from './scan-keys.js';
import type { ErasureSetApi, HealOutcome } from './set-api.js';
import type { Throttle } from './throttle.js';

export const DEFAULT_ORPHAN_GRACE_MS = 60 * 60_000;

export interface HealPassOptions {
  bucket?: string;
  /** Only keys with this prefix (no orphan sweep then: the walk does not see every key). */
  prefix?: string;
  /** Heal (read and verify) every object, not only those whose drives disagree. */
  deep: boolean;
  /** Paces the work (per object). */
  throttle: Throttle;
  /** Data directories and bucket leftovers younger than this are left alone. */
  orphanGraceMs?: number;
  signal?: AbortSignal;
  now?: () => number;
  /** Each object's outcome (for metrics). */
  onObject?: (state: HealOutcome['state']) => void;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function healObject(set: ErasureSetApi, bucket: string, item: KeyAcrossDrives, options: HealPassOptions, tally: HealTally): Promise<void> {
  tally.counts.scanned++;
  let state: HealOutcome['state'];
  try {
    const reason = options.deep ? 'deep scan' : await disagreement(set.drives, bucket, item);
    const unavailable = set.drives.filter((_, position) => item.failed[position]).map((drive) => drive.root);
    if (reason === undefined && unavailable.length > 0) {
      // The answering drives agree, but the object is short of full redundancy until those drives return.
      state = 'failed';
      tally.fail({ bucket, key: item.key, reason: `drives unavailable: ${unavailable.join(', ')}` });
    } else if (reason === undefined) {
      state = 'healthy';
    } else {
      const outcome = await set.heal(bucket, item.key, options.signal);
      state = outcome.state;
      if (state === 'failed') tally.fail({ bucket, key: item.key, reason: outcome.reason ?? reason });
    }
  } catch (err) {
    options.signal?.throwIfAborted();
    state = 'failed';
    tally.fail({ bucket, key: item.key, reason: describe(err) });
  }
  if (state === 'healthy') tally.counts.healthy++;
  else if (state === 'healed') tally.counts.healed++;
  else if (state === 'gone') tally.counts.removed++;
  options.onObject?.(state);
}

async function healSetBucket(set: ErasureSetApi, bucket: string, options: HealPassOptions, tally: HealTally): Promise<void> {
  const now = options.now ?? Date.now;
  const sweep = options.prefix === undefined ? await OrphanSweep.prepare(set.drives, bucket, now() - (options.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS)) : undefined;
  const keys = unionKeys(set.drives, bucket, { prefix: options.prefix, onDriveFailure: () => sweep?.driveFailed() });
  for (const item of keys) {
    sweep?.referenced(item.entries);
    await options.throttle.run(() => healObject(set, bucket, item, options, tally));
  }
  if (sweep) tally.counts.orphansRemoved += await sweep.removeUnreferenced();
}

/** Runs the pass; throws NoSuchBucket when the asked bucket does not exist, and the abort reason when aborted. */
export async function runHealPass(sets: readonly ErasureSetApi[], options: HealPassOptions): Promise<HealTally> {
  const now = options.now ?? Date.now;
  const tally = new HealTally();
  const drives = sets.flatMap((set) => set.drives);
  const buckets = await healBuckets(drives, { only: options.bucket, graceCutoffMs: now() - (options.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS) });
  tally.counts.bucketsHealed += buckets.healed;
  tally.counts.removed += buckets.removed;
  if (options.bucket !== undefined && !buckets.buckets.includes(options.bucket)) throw noSuchBucket(options.bucket);
  for (const bucket of buckets.buckets) {
    for (const set of sets) {
      options.signal?.throwIfAborted();
      await healSetBucket(set, bucket, options, tally);
    }
  }
  return tally;
}
