/**
 * Faults made on the disk itself, behind the running store's back: a drive
 * folder removed, a shard file with a flipped byte or cut short, a metadata
 * record damaged or deleted through a second SQLite connection to the drive's
 * database (WAL mode lets it write while the store has the database open).
 */
import Database from 'better-sqlite3';
import { open, readdir, rm, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectRecord } from '../../../src/backends/erasure/records.js';

export function metaDbPath(root: string): string {
  return join(root, '.cairn.sys', 'meta.db');
}

export function tempDirPath(root: string): string {
  return join(root, '.cairn.sys', 'tmp');
}

/** Names in the temp folders of `volumes` (a missing folder counts as empty). */
export async function tempEntries(volumes: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const volume of volumes) names.push(...(await readdir(tempDirPath(volume)).catch(() => [])));
  return names;
}

/** Where a drive keeps one part's shard file of `record` (the record as that drive holds it). */
export function shardPath(root: string, record: ObjectRecord, partIndex = 0): string {
  const file = record.parts[partIndex]?.file;
  if (!file) throw new Error(`${record.bucket}/${record.key} part ${partIndex} has no shard file (inline?)`);
  return join(root, 'data', record.bucket, record.dataId, file);
}

export async function removeDriveFolder(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/**
 * Inverts one byte of a shard file: by default inside the first block's
 * shard bytes (past its 4-byte CRC), where bitrot must be caught.
 */
export async function flipShardByte(path: string, offset?: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    const at = offset ?? Math.min(size - 1, 4 + ((size - 4) >> 2));
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte[0] ^= 0xff;
    await handle.write(byte, 0, 1, at);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Cuts a shard file to `length` bytes (default: half of it). */
export async function truncateShard(path: string, length?: number): Promise<void> {
  const { size } = await stat(path);
  await truncate(path, length ?? size >> 1);
}

/** Runs `change` on a second connection to the drive's metadata database. */
function withDatabase<T>(root: string, change: (db: Database.Database) => T): T {
  const db = new Database(metaDbPath(root));
  try {
    db.pragma('busy_timeout = 5000');
    return change(db);
  } finally {
    db.close();
  }
}

/**
 * Inverts one byte of the stored object record (its CRC no longer matches).
 * True when a row was there. Follows meta-schema.ts: the objects row points
 * at its record in object_bodies.
 */
export function corruptObjectRecord(root: string, bucket: string, key: string): boolean {
  return withDatabase(root, (db) => {
    const row = db
      .prepare('SELECT b.id AS id, b.record AS record FROM objects o JOIN object_bodies b ON b.id = o.body WHERE o.bucket = ? AND o.key = ?')
      .get(bucket, key) as { id: number; record: Buffer } | undefined;
    if (!row) return false;
    const record = Buffer.from(row.record);
    record[record.length >> 1] ^= 0xff;
    db.prepare('UPDATE object_bodies SET record = ? WHERE id = ?').run(record, row.id);
    return true;
  });
}

/** Deletes the object's record on this drive only (its row and its body). True when a row was there. */
export function deleteObjectRecord(root: string, bucket: string, key: string): boolean {
  return withDatabase(root, (db) =>
    db.transaction(() => {
      const row = db.prepare('SELECT body FROM objects WHERE bucket = ? AND key = ?').get(bucket, key) as { body: number } | undefined;
      if (!row) return false;
      db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ?').run(bucket, key);
      db.prepare('DELETE FROM object_bodies WHERE id = ?').run(row.body);
      return true;
    })(),
  );
}
