/**
 * The faults of the matrix, each as: how to damage a stored object
 * (before a read, or the previous version before a write) and how to arm a
 * drive so the next write is hit while it runs.
 *
 * Drive-level faults (a removed folder, a read-only drive) stop a drive from
 * taking writes: writes then need write quorum among the others. Object-level
 * faults (bitrot, a short shard, a damaged or missing record) let the write
 * "succeed" on the lying drive: only reads and heals can find them.
 */
import type { FaultCluster } from './cluster.js';
import { BUCKET } from './cluster.js';
import { corruptObjectRecord, deleteObjectRecord, flipShardByte, removeDriveFolder, shardPath, truncateShard } from './disk-faults.js';
import { flipped, type FaultyDrive } from './faulty-drive.js';

export interface FaultKind {
  name: string;
  /** Drive-level: the drives refuse writes (the same drives for every key of a case). */
  blocksWrites: boolean;
  /** The store can only notice after a restart (the folder is gone, not just a file). */
  restartAfterDamage?: boolean;
  /** Damages `key` as stored on `drives`. */
  damage(cluster: FaultCluster, drives: FaultyDrive[], key: string): Promise<void>;
  /** Arms `drives` so the next write fails or is damaged in the middle. */
  arm(cluster: FaultCluster, drives: FaultyDrive[]): void;
}

/** Fires `action` once, at the first shard chunk (file-backed objects) or record write (inline ones). */
function midWrite(drive: FaultyDrive, action: () => void | Promise<void>): void {
  let fired = false;
  drive.beforeWrite = async (what) => {
    if (fired || (what !== 'shard-chunk' && what !== 'putObject' && what !== 'putObjectReplacing')) return;
    fired = true;
    await action();
  };
}

/** The record a drive holds for `key`, which a shard fault needs (its file, or its inline bytes). */
function recordOf(cluster: FaultCluster, drive: FaultyDrive, key: string) {
  const record = cluster.recordOn(drive, key);
  if (!record) throw new Error(`drive ${drive.root} holds no record of ${key}`);
  return record;
}

/**
 * Damages a shard: the file when there is one; for an inline object the
 * inline bytes, rewritten through the drive's own store so the record's
 * checksum is valid and only the shard's frame checksum can tell.
 */
async function damageShard(cluster: FaultCluster, drive: FaultyDrive, key: string, file: (path: string) => Promise<void>, inline: (bytes: Buffer) => Buffer) {
  const record = recordOf(cluster, drive, key);
  const part = record.parts[0];
  if (part.inline) await drive.inner.meta.putObject({ ...record, parts: [{ ...part, inline: inline(part.inline) }] });
  else await file(shardPath(drive.root, record));
}

export const FAULT_KINDS: FaultKind[] = [
  {
    name: 'drive folder removed',
    blocksWrites: true,
    restartAfterDamage: true,
    async damage(_cluster, drives) {
      for (const d of drives) await removeDriveFolder(d.root);
    },
    arm(_cluster, drives) {
      for (const d of drives) midWrite(d, () => removeDriveFolder(d.root));
    },
  },
  {
    name: 'drive read-only',
    blocksWrites: true,
    async damage(_cluster, drives) {
      for (const d of drives) d.fault = 'read-only';
    },
    arm(_cluster, drives) {
      for (const d of drives) midWrite(d, () => void (d.fault = 'read-only'));
    },
  },
  {
    name: 'shard byte flipped',
    blocksWrites: false,
    async damage(cluster, drives, key) {
      for (const d of drives) await damageShard(cluster, d, key, (path) => flipShardByte(path), flipped);
    },
    arm(_cluster, drives) {
      for (const d of drives) d.fault = 'rot-writes';
    },
  },
  {
    name: 'shard truncated',
    blocksWrites: false,
    async damage(cluster, drives, key) {
      for (const d of drives) await damageShard(cluster, d, key, (path) => truncateShard(path), (bytes) => bytes.subarray(0, bytes.length >> 1));
    },
    arm(_cluster, drives) {
      for (const d of drives) d.fault = 'truncate-writes';
    },
  },
  {
    name: 'metadata record corrupted',
    blocksWrites: false,
    async damage(_cluster, drives, key) {
      for (const d of drives) if (!corruptObjectRecord(d.root, BUCKET, key)) throw new Error(`no record of ${key} on ${d.root}`);
    },
    arm(_cluster, drives) {
      for (const d of drives) d.afterRecordWrite = (record) => void corruptObjectRecord(d.root, BUCKET, record.key);
    },
  },
  {
    name: 'metadata record deleted',
    blocksWrites: false,
    async damage(_cluster, drives, key) {
      for (const d of drives) if (!deleteObjectRecord(d.root, BUCKET, key)) throw new Error(`no record of ${key} on ${d.root}`);
    },
    arm(_cluster, drives) {
      for (const d of drives) d.fault = 'lose-records';
    },
  },
];
