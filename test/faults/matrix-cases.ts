/**
 * One case of the fault matrix: a fault kind, when it strikes (before the
 * write, during it, before the read), and on how many drives (data shards
 * first, so reads cannot dodge the damage). Each case stores an inline-sized
 * and a file-backed object and checks, by the rules:
 *
 * - reads are byte-exact with at most P faults, and never wrong with more
 *   (an error, or the exact bytes of a version that was written);
 * - writes succeed iff at least write quorum drives take them, else SlowDown
 *   with nothing partial: the previous version still reads, a new key is
 *   NoSuchKey, no temp file or new data directory is left behind;
 * - damage is detected (the read path reported the object degraded, or heal
 *   healed it) and heal restores full redundancy: with P other drives
 *   offline the object still reads byte-exact.
 */
import { expect } from 'vitest';
import { patternBuffer } from '../helpers/data.js';
import { describeOutcome, type FaultCluster, type ReadOutcome } from './helpers/cluster.js';
import type { FaultKind } from './helpers/fault-kinds.js';
import type { FaultyDrive } from './helpers/faulty-drive.js';

export type Timing = 'before write' | 'during write' | 'before read';
export const TIMINGS: Timing[] = ['before write', 'during write', 'before read'];

const KiB = 1024;
/**
 * File-backed (two blocks: one whole, one partial) first, so a fault armed for
 * the middle of a write strikes while its shards stream; then inline (a
 * 10 KiB object's shards live in its records).
 */
export const SIZES = [1536 * KiB, 10 * KiB];

interface CaseObject {
  key: string;
  v1: Buffer;
  v2: Buffer;
  /** Set positions of the drives the fault hits for this object. */
  hit: number[];
}

export interface CaseContext {
  cluster: FaultCluster;
  kind: FaultKind;
  timing: Timing;
  failed: number;
}

function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/gi, '-');
}

const drivesAt = (cluster: FaultCluster, positions: number[]): FaultyDrive[] => positions.map((p) => cluster.drives[p]);

function expectExact(outcome: ReadOutcome, expected: Buffer, what: string): void {
  expect(describeOutcome(outcome, expected), what).toBe('exact bytes');
}

/** More faults than parity: an error, or the exact bytes of one of the versions written; never anything else. */
function expectNotWrong(outcome: ReadOutcome, versions: Buffer[], what: string): void {
  if ('error' in outcome) return;
  expect(versions.some((v) => v.equals(outcome.bytes)), `${what}: returned ${outcome.bytes.length} bytes matching no version written`).toBe(true);
}

export async function runCase(ctx: CaseContext): Promise<void> {
  const { cluster, kind, timing, failed } = ctx;
  const { parity } = cluster.shape;
  const tag = `${slug(kind.name)}/${slug(timing)}/f${failed}`;
  const objects: CaseObject[] = [];
  for (const size of SIZES) {
    const key = `${tag}/${size}`;
    const v1 = patternBuffer(size, `${key}:v1`);
    await cluster.put(key, v1);
    objects.push({ key, v1, v2: patternBuffer(size, `${key}:v2`), hit: [] });
  }
  // Drive-level faults hit the same drives for every key: the file-backed object's data-shard drives.
  const driveLevelHit = cluster.drivesByShard(objects[0].key).slice(0, failed).map((d) => d.position);
  for (const o of objects) o.hit = kind.blocksWrites ? driveLevelHit : cluster.drivesByShard(o.key).slice(0, failed).map((d) => d.position);
  const label = (o: CaseObject, what: string) => `${kind.name}, ${timing}, ${failed} of ${cluster.shape.drives} drives, ${o.v1.length} bytes: ${what}`;

  if (timing === 'before read') {
    if (kind.blocksWrites) await kind.damage(cluster, drivesAt(cluster, driveLevelHit), '');
    else for (const o of objects) await kind.damage(cluster, drivesAt(cluster, o.hit), o.key);
    if (kind.restartAfterDamage && failed > 0) {
      // With more than P drives gone, refusing to start is a fine answer too.
      const restarted = await cluster.restart().then(() => true, (err: unknown) => (failed > parity ? false : Promise.reject(err)));
      if (!restarted) return;
    }
    // A read-only drive still serves reads; every other fault takes the drive's copy away.
    const readable = failed <= parity || (kind.blocksWrites && !kind.restartAfterDamage);
    for (const o of objects) {
      const outcome = await cluster.read(o.key);
      if (readable) expectExact(outcome, o.v1, label(o, 'read'));
      else expectNotWrong(outcome, [o.v1], label(o, 'read'));
    }
    if (failed > parity) return;
    const damaged = failed > 0 && !(kind.blocksWrites && !kind.restartAfterDamage);
    await healAndCheck(ctx, objects.map((o) => ({ ...o, expected: o.v1, mustDetect: damaged })), label);
    return;
  }

  // Before or during a write of v2 over v1 (and, for write-blocking faults, of a key that never existed).
  const writeFails = kind.blocksWrites && cluster.shape.drives - failed < cluster.writeQuorum;
  const untouched = cluster.volumes.filter((_, position) => !driveLevelHit.includes(position));
  const dataDirsBefore = await cluster.dataDirCount(untouched);
  if (timing === 'before write') {
    if (kind.blocksWrites) await kind.damage(cluster, drivesAt(cluster, driveLevelHit), '');
    else for (const o of objects) await kind.damage(cluster, drivesAt(cluster, o.hit), o.key);
  }
  const refused = new Set<CaseObject>();
  for (const o of objects) {
    if (timing === 'during write') {
      for (const d of drivesAt(cluster, o.hit)) d.reset();
      kind.arm(cluster, drivesAt(cluster, o.hit));
    }
    const result = await cluster.tryPut(o.key, o.v2);
    // Over more than P damaged records the current version cannot be decided: SlowDown is a fair answer there.
    const undecidable = timing === 'before write' && !kind.blocksWrites && failed > parity && result === 'SlowDown';
    if (undecidable) {
      refused.add(o);
      continue;
    }
    expect(result, label(o, 'PUT over the previous version')).toBe(writeFails ? 'SlowDown' : 'ok');
    if (kind.blocksWrites) {
      // Re-armed for the new key: a mid-write trigger fires once.
      if (timing === 'during write') kind.arm(cluster, drivesAt(cluster, o.hit));
      const fresh = await cluster.tryPut(`${o.key}-new`, o.v2);
      expect(fresh, label(o, 'PUT of a new key')).toBe(writeFails ? 'SlowDown' : 'ok');
    }
    if (timing === 'during write' && !kind.blocksWrites) for (const d of drivesAt(cluster, o.hit)) d.reset();
  }
  if (writeFails) {
    expect(await cluster.tempEntries(untouched), 'temp files left by failed writes').toEqual([]);
    expect(await cluster.dataDirCount(untouched), 'data directories left by failed writes').toBe(dataDirsBefore);
    for (const o of objects) {
      const previous = await cluster.read(o.key);
      // The previous version is whole on the drives that were not hit; with more than P hit it may be unreadable.
      if (failed <= parity || !kind.restartAfterDamage) expectExact(previous, o.v1, label(o, 'read after the failed PUT'));
      else expectNotWrong(previous, [o.v1], label(o, 'read after the failed PUT'));
      const fresh = await cluster.read(`${o.key}-new`);
      // With more than P drives failing reads, too few answer to tell "absent" from "unreadable": 503, as MinIO answers.
      const absent = failed > parity && kind.restartAfterDamage ? ['NoSuchKey', 'SlowDown'] : ['NoSuchKey'];
      expect(absent, label(o, 'read of the new key after the failed PUT')).toContain('error' in fresh ? fresh.error : 'found');
    }
    return;
  }
  // The write was acknowledged: lying drives (object-level faults during the write) can only be caught on read.
  const lied = timing === 'during write' && !kind.blocksWrites;
  for (const o of objects) {
    const outcome = await cluster.read(o.key);
    if (refused.has(o)) expectNotWrong(outcome, [o.v1], label(o, 'read after a refused PUT'));
    else if (!lied || failed <= parity) expectExact(outcome, o.v2, label(o, 'read of the new version'));
    else expectNotWrong(outcome, [o.v1, o.v2], label(o, 'read of the new version'));
  }
  if (failed > parity && (lied || refused.size > 0)) return;
  const missed = failed > 0 && (kind.blocksWrites || lied);
  await healAndCheck(ctx, objects.map((o) => ({ ...o, expected: o.v2, mustDetect: missed })), label);
}

/**
 * Clears the faults (a removed drive is replaced by a blank one, which the
 * restart formats), heals each object and checks full redundancy. When the drives were hit, the
 * damage must have been found: reported degraded by a read, or healed now.
 */
async function healAndCheck(
  ctx: CaseContext,
  objects: (CaseObject & { expected: Buffer; mustDetect: boolean })[],
  label: (o: CaseObject, what: string) => string,
): Promise<void> {
  const { cluster, kind } = ctx;
  cluster.clearFaults();
  if (kind.restartAfterDamage && ctx.failed > 0) {
    await cluster.replaceMissingDrives();
    await cluster.restart();
    await cluster.healBuckets();
  }
  await cluster.settle();
  for (const o of objects) {
    const degraded = cluster.takeDegraded(o.key);
    const outcome = await cluster.heal(o.key);
    expect(['healthy', 'healed'], `${label(o, 'heal')}: ${outcome.state} ${outcome.reason ?? ''}`).toContain(outcome.state);
    if (o.mustDetect) expect(degraded || outcome.state === 'healed', label(o, 'damage detected by the read path or heal')).toBe(true);
    const redundant = await cluster.readsWithoutOthers(o.key, drivesAt(cluster, o.hit));
    expectExact(redundant, o.expected, label(o, `read with ${cluster.shape.parity} other drives offline after heal`));
  }
}
