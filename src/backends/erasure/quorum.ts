/**
 * The one place quorum is decided (DESIGN.md style 6). Pure functions over
 * per-drive answers; the engine gathers the answers and acts on the verdicts.
 *
 * - Read quorum of a version = k (its data shards): the version is the set
 *   of records with the same dataId, and it exists when ≥ k drives hold it.
 * - Write quorum = k, or k + 1 when k = m (so two disjoint halves can never
 *   both commit).
 * - A drive that throws counts as not holding / not committing.
 */
import { S3Error } from '../../s3/errors.js';
import { CorruptRecordError } from './drive.js';
import type { ObjectRecord, PartRecord, UploadRecord } from './records.js';

export function readQuorum(dataShards: number): number {
  return dataShards;
}

export function writeQuorum(dataShards: number, parityShards: number): number {
  return dataShards === parityShards ? dataShards + 1 : dataShards;
}

/** One drive's answer to a metadata read. */
export type DriveAnswer<T> =
  | { state: 'found'; value: T }
  | { state: 'absent' }
  /** The record failed its checksum: treated as absent, and a reason to heal. */
  | { state: 'corrupt' }
  /** The drive threw: it cannot vote either way. */
  | { state: 'failed'; error: unknown };

/** Asks every drive synchronously, turning throws into answers. */
export function askDrives<D, T>(drives: readonly D[], ask: (drive: D) => T | undefined): DriveAnswer<T>[] {
  return drives.map((drive) => {
    try {
      const value = ask(drive);
      return value === undefined ? { state: 'absent' } : { state: 'found', value };
    } catch (error) {
      return error instanceof CorruptRecordError ? { state: 'corrupt' } : { state: 'failed', error };
    }
  });
}

/** How a record votes: the version it belongs to, how many holders make that version exist, and its age. */
export interface Ballot {
  version: string;
  readQuorum: number;
  ageMs: number;
}

export interface QuorumVerdict<T> {
  /** The chosen version (one drive's copy of it), undefined when none exists. */
  value?: T;
  /** Positions whose answer is the chosen version. */
  holders: number[];
}

/**
 * Chooses the version held by at least its read quorum of drives (the newest
 * if several). When none qualifies the thing is absent, unless the drives
 * that could not answer might still make a version exist: then no decision
 * is possible and this throws SlowDown (MinIO answers its
 * InsufficientReadQuorum with a 503 "SlowDownRead" as well).
 *
 * `minReadQuorum` is the smallest k this set uses (for any storage class):
 * with fewer answering drives than that nothing can be decided at all.
 *
 * Copies of one version may differ where a metadata update (tags) reached
 * some drives only; `variant` names what an update changes, and the copy
 * most drives hold wins. That is the last update that made write quorum:
 * write quorum is more than half the set, so it outnumbers any older copy.
 */
export function chooseVersion<T>(
  answers: readonly DriveAnswer<T>[],
  ballot: (value: T) => Ballot,
  minReadQuorum: number,
  variant?: (value: T) => string,
): QuorumVerdict<T> {
  const groups = new Map<string, { ballot: Ballot; holders: number[] }>();
  let unknown = 0;
  answers.forEach((answer, position) => {
    if (answer.state === 'failed' || answer.state === 'corrupt') unknown++;
    if (answer.state !== 'found') return;
    const vote = ballot(answer.value);
    const group = groups.get(vote.version);
    if (!group) groups.set(vote.version, { ballot: vote, holders: [position] });
    else group.holders.push(position);
  });
  let chosen: { ballot: Ballot; holders: number[] } | undefined;
  let undecided = false;
  for (const group of groups.values()) {
    if (group.holders.length >= group.ballot.readQuorum) {
      if (!chosen || group.ballot.ageMs > chosen.ballot.ageMs) chosen = group;
    } else if (group.holders.length + unknown >= group.ballot.readQuorum) {
      undecided = true;
    }
  }
  if (chosen) {
    const copies = chosen.holders.map((position) => (answers[position] as { value: T }).value);
    return { value: variant ? mostCommon(copies, variant) : copies[0], holders: chosen.holders };
  }
  if (undecided || answers.length - unknown < minReadQuorum) throw insufficientReadQuorum();
  return { holders: [] };
}

function mostCommon<T>(copies: readonly T[], variant: (value: T) => string): T {
  if (copies.length < 2) return copies[0];
  const counts = new Map<string, { value: T; count: number }>();
  let best: { value: T; count: number } | undefined;
  for (const copy of copies) {
    const name = variant(copy);
    const entry = counts.get(name) ?? { value: copy, count: 0 };
    entry.count++;
    counts.set(name, entry);
    if (!best || entry.count > best.count) best = entry;
  }
  return best!.value;
}

/** Whether enough drives committed a write of geometry k + m. */
export function meetsWriteQuorum(committed: number, dataShards: number, parityShards: number): boolean {
  return committed >= writeQuorum(dataShards, parityShards);
}

/** Runs `task` on every drive concurrently; which positions succeeded (never rejects). */
export async function onEveryDrive<D>(drives: readonly D[], task: (drive: D, position: number) => Promise<unknown>): Promise<boolean[]> {
  // async: a task that throws synchronously still becomes that drive's failure
  const results = await Promise.allSettled(drives.map(async (drive, position) => task(drive, position)));
  return results.map((result) => result.status === 'fulfilled');
}

export function countTrue(flags: readonly boolean[]): number {
  return flags.reduce((count, flag) => count + (flag ? 1 : 0), 0);
}

export function insufficientReadQuorum(): S3Error {
  return new S3Error('SlowDown', { message: 'Resource requested is unreadable (too few drives answered), please reduce your request rate' });
}

export function insufficientWriteQuorum(): S3Error {
  return new S3Error('SlowDown', { message: 'Too few drives accepted the write, please reduce your request rate' });
}

export function objectBallot(record: ObjectRecord): Ballot {
  return { version: record.dataId, readQuorum: readQuorum(record.layout.dataShards), ageMs: record.lastModifiedMs };
}

export function uploadBallot(record: UploadRecord): Ballot {
  return { version: record.dataId, readQuorum: readQuorum(record.layout.dataShards), ageMs: record.initiatedMs };
}

/** Parts of one upload: a rewrite of a part number gets a new shard file name, so the file names the version. */
export function partBallot(upload: UploadRecord): (record: PartRecord) => Ballot {
  const quorum = readQuorum(upload.layout.dataShards);
  return (record) => ({ version: record.part.file ?? record.part.etag, readQuorum: quorum, ageMs: record.lastModifiedMs });
}

/** What an object update may change: copies of one version that differ here are from an update that did not reach every drive. */
export function objectVariant(record: ObjectRecord): string {
  return JSON.stringify([record.meta, record.tags ?? []]);
}
