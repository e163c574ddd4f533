/**
 * Heals one object: brings every drive of the set to the quorum version
 * (record, shard files, inline bytes), or removes the leftovers of an object
 * that no longer exists by quorum. Runs under the key's lock so no commit
 * interleaves. Shards are checked for size and for bitrot in every block
 * (read and verified a run at a time), and rebuilt with codec.rebuild from
 * k good shards, streamed run by run into a temp shard.
 */
import { verifyRun } from '../../erasure/run-codec.js';
import { blockSpan, framedShardSize } from '../../erasure/stripe.js';
import type { ErasureGeometry } from '../../erasure/stripe-codec.js';
import { objectLockKey } from '../key-locks.js';
import type { Drive, TempShard } from './drive.js';
import { objectAnswers, type EngineContext } from './engine-context.js';
import { geometryOf, layoutAt } from './layout.js';
import { objectVariant } from './quorum.js';
import { shardSourceFor, type ShardSource } from './read-path.js';
import type { ObjectRecord, StoredPart } from './records.js';
import type { HealOutcome } from './set-api.js';

/** Framed bytes verified or rebuilt per step (bounded memory per heal). */
const HEAL_RUN_BLOCKS = 4;

export async function healObject(context: EngineContext, bucket: string, key: string, signal?: AbortSignal): Promise<HealOutcome> {
  return context.locks.run(objectLockKey(bucket, key), async () => {
    let state;
    try {
      state = objectAnswers(context, bucket, key);
    } catch (err) {
      return { bucket, key, state: 'failed', healedDrives: [], reason: `cannot decide the object's state: ${(err as Error).message}` };
    }
    const record = state.verdict.value;
    if (!record) {
      context.listingChanged?.(bucket, key, undefined);
      return removeLeftovers(context, bucket, key, state.answers);
    }

    const drives = context.drives;
    const geometry = geometryOf(record.layout);
    const variant = objectVariant(record);
    const unreachable: string[] = [];
    const needsRecord = new Set<number>();
    /** Per part index: positions whose shard must be rebuilt. */
    const needsShard = record.parts.map(() => new Set<number>());
    for (let position = 0; position < drives.length; position++) {
      const answer = state.answers[position];
      if (answer.state === 'failed') {
        unreachable.push(drives[position].root);
        continue;
      }
      const own = answer.state === 'found' && answer.value.dataId === record.dataId ? answer.value : undefined;
      if (!own || objectVariant(own) !== variant) needsRecord.add(position);
      for (let i = 0; i < record.parts.length; i++) {
        signal?.throwIfAborted();
        const part = record.parts[i];
        const ownPart = own?.parts.find((p) => p.partNumber === part.partNumber);
        const intact = part.size === 0 || (part.file !== undefined
          ? await shardFileIntact(drives[position], record, part, geometry, record.layout.distribution[position])
          : ownPart?.inline !== undefined && verifyShard(geometry, ownPart.inline, part.size, record.layout.distribution[position]));
        if (!intact) {
          needsShard[i].add(position);
          needsRecord.add(position);
        }
      }
    }
    if (needsRecord.size === 0) {
      return unreachable.length === 0
        ? { bucket, key, state: 'healthy', healedDrives: [] }
        : { bucket, key, state: 'failed', healedDrives: [], reason: `drives unavailable: ${unreachable.join(', ')}` };
    }

    const failures: string[] = [];
    const inlineByPart: (Buffer[] | undefined)[] = [];
    for (let i = 0; i < record.parts.length; i++) {
      const wanted = [...needsShard[i]];
      const part = record.parts[i];
      if (part.size === 0) continue;
      if (part.file === undefined) {
        inlineByPart[i] = await rebuildInline(context, record, part, geometry).catch((err: Error) => {
          failures.push(`part ${part.partNumber}: ${err.message}`);
          return undefined;
        });
      } else if (wanted.length > 0) {
        const failed = await rebuildShardFiles(context, record, part, geometry, wanted, signal).catch((err: Error) => {
          failures.push(`part ${part.partNumber}: ${err.message}`);
          return wanted;
        });
        for (const position of failed) needsRecord.delete(position);
      }
    }

    const healed: string[] = [];
    await Promise.all(
      [...needsRecord].map(async (position) => {
        const drive = drives[position];
        const shardIndex = record.layout.distribution[position];
        const parts: StoredPart[] = [];
        for (let i = 0; i < record.parts.length; i++) {
          const { inline: _ignored, ...part } = record.parts[i];
          if (part.file !== undefined || part.size === 0) parts.push(part);
          else {
            const inline = inlineByPart[i]?.[shardIndex];
            if (!inline) return;
            parts.push({ ...part, inline });
          }
        }
        try {
          await drive.meta.putObject({ ...record, layout: layoutAt(record.layout, position), parts });
          healed.push(drive.root);
          const stale = state.answers[position];
          if (stale.state === 'found' && stale.value.dataId !== record.dataId) await drive.files.removeData(bucket, stale.value.dataId).catch(() => undefined);
        } catch (err) {
          failures.push(`${drive.root}: ${(err as Error).message}`);
        }
      }),
    );
    if (unreachable.length > 0) failures.push(`drives unavailable: ${unreachable.join(', ')}`);
    const healedOutcome: HealOutcome = { bucket, key, state: failures.length === 0 ? 'healed' : 'failed', healedDrives: healed.sort() };
    if (failures.length > 0) healedOutcome.reason = failures.join('; ');
    return healedOutcome;
  });
}

/** Records (and data) of a version below quorum, left by an interrupted write or delete: removed. */
async function removeLeftovers(
  context: EngineContext,
  bucket: string,
  key: string,
  answers: ReturnType<typeof objectAnswers>['answers'],
): Promise<HealOutcome> {
  const healed: string[] = [];
  const failures: string[] = [];
  // Drives whose record is already gone may still hold the version's data.
  const dataIds = new Set(answers.flatMap((answer) => (answer.state === 'found' ? [answer.value.dataId] : [])));
  await Promise.all(
    context.drives.map(async (drive, position) => {
      const answer = answers[position];
      for (const dataId of dataIds) await drive.files.removeData(bucket, dataId).catch(() => undefined);
      if (answer.state !== 'found' && answer.state !== 'corrupt') return;
      try {
        await drive.meta.deleteObject(bucket, key);
        healed.push(drive.root);
      } catch (err) {
        failures.push(`${drive.root}: ${(err as Error).message}`);
      }
    }),
  );
  const outcome: HealOutcome = { bucket, key, state: 'gone', healedDrives: healed.sort() };
  if (failures.length > 0) outcome.reason = `leftovers not removed: ${failures.join('; ')}`;
  return outcome;
}

/** The drive's shard file has the right size and every block verifies. */
async function shardFileIntact(drive: Drive, record: ObjectRecord, part: StoredPart, geometry: ErasureGeometry, shardIndex: number): Promise<boolean> {
  const file = part.file!;
  try {
    if ((await drive.files.size(record.bucket, record.dataId, file)) !== framedShardSize(part.size, geometry)) return false;
    for (const run of runsOf(part.size, geometry)) {
      const bytes = await drive.files.read(record.bucket, record.dataId, file, run.shardOffset, run.shardLength);
      if (!verifyShard(geometry, bytes, run.dataLength, shardIndex)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function verifyShard(geometry: ErasureGeometry, framed: Buffer, dataLength: number, shardIndex: number): boolean {
  const shards: (Buffer | undefined)[] = [];
  shards[shardIndex] = framed;
  return verifyRun(geometry, shards, dataLength).corrupt.length === 0;
}

/** Runs of HEAL_RUN_BLOCKS blocks covering a part of `size` bytes. */
function runsOf(size: number, geometry: ErasureGeometry): ReturnType<typeof blockSpan>[] {
  const runBytes = geometry.blockSize * HEAL_RUN_BLOCKS;
  const runs: ReturnType<typeof blockSpan>[] = [];
  for (let start = 0; start < size; start += runBytes) runs.push(blockSpan(start, Math.min(size, start + runBytes) - 1, size, geometry));
  return runs;
}

/**
 * Rebuilds the shards of `positions` run by run into temp shards and commits
 * them over the old files. Returns the positions that could not be healed.
 */
async function rebuildShardFiles(
  context: EngineContext,
  record: ObjectRecord,
  part: StoredPart,
  geometry: ErasureGeometry,
  positions: number[],
  signal?: AbortSignal,
): Promise<number[]> {
  const wanted = positions.map((position) => record.layout.distribution[position]);
  const source = shardSourceFor(context.drives, record, part);
  const temps = new Map<number, TempShard>();
  try {
    for (const position of positions) temps.set(position, await context.drives[position].files.createTemp());
    for (const run of runsOf(part.size, geometry)) {
      signal?.throwIfAborted();
      const rebuilt = await rebuildRun(context, geometry, source, run, wanted);
      await Promise.all(positions.map((position, i) => temps.get(position)!.write(rebuilt[i])));
    }
    const failed: number[] = [];
    await Promise.all(
      positions.map(async (position) => {
        try {
          await temps.get(position)!.commit(record.bucket, record.dataId, part.file!);
        } catch {
          failed.push(position);
        }
      }),
    );
    return failed;
  } finally {
    await Promise.all([...temps.values()].map((temp) => temp.discard().catch(() => undefined)));
  }
}

/** Reads the run from the shards not being rebuilt (data first), as many as needed for k valid ones, and rebuilds `wanted`. */
async function rebuildRun(context: EngineContext, geometry: ErasureGeometry, source: ShardSource, run: ReturnType<typeof blockSpan>, wanted: number[]): Promise<Buffer[]> {
  const total = geometry.dataShards + geometry.parityShards;
  const candidates = Array.from({ length: total }, (_, index) => index).filter((index) => !wanted.includes(index));
  const shards: (Buffer | undefined)[] = new Array(total).fill(undefined);
  let next = 0;
  let valid = 0;
  while (valid < geometry.dataShards) {
    const batch = candidates.slice(next, next + geometry.dataShards - valid);
    if (batch.length === 0) throw new Error(`fewer than ${geometry.dataShards} valid shards to rebuild from`);
    next += batch.length;
    await Promise.all(
      batch.map(async (index) => {
        try {
          const bytes = await source(index, run.shardOffset, run.shardLength);
          if (verifyShard(geometry, bytes, run.dataLength, index)) {
            shards[index] = bytes;
            valid++;
          }
        } catch {
          // Unreadable: try another shard.
        }
      }),
    );
  }
  return context.codec.rebuild(geometry, shards, run.dataLength, wanted);
}

/** Every shard index's inline bytes of an inline part, from k good records (rebuilding the rest). */
async function rebuildInline(context: EngineContext, record: ObjectRecord, part: StoredPart, geometry: ErasureGeometry): Promise<Buffer[]> {
  const total = geometry.dataShards + geometry.parityShards;
  const source = shardSourceFor(context.drives, record, part);
  const length = framedShardSize(part.size, geometry);
  const shards: (Buffer | undefined)[] = await Promise.all(
    Array.from({ length: total }, async (_, index) => {
      const bytes = await source(index, 0, length).catch(() => undefined);
      return bytes && verifyShard(geometry, bytes, part.size, index) ? bytes : undefined;
    }),
  );
  const missing = shards.flatMap((shard, index) => (shard ? [] : [index]));
  if (missing.length === 0) return shards as Buffer[];
  if (total - missing.length < geometry.dataShards) throw new Error(`fewer than ${geometry.dataShards} valid inline shards`);
  const rebuilt = await context.codec.rebuild(geometry, shards, part.size, missing);
  missing.forEach((index, i) => (shards[index] = rebuilt[i]));
  return shards as Buffer[];
}
