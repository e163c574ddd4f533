/**
 * The schema of a drive's metadata database (<root>/.cairn.sys/meta.db).
 *
 * Every row carries a CRC32 of its stored bytes so a flipped bit is detected
 * on read (CorruptRecordError) instead of served. Object rows keep the
 * listing columns beside the full record so a listing never decodes records;
 * those columns have their own check (list_hash, FNV-1a: cheap) verified per listed row, while
 * `crc` covers the record blob and the inline shard bytes.
 *
 * Keys are TEXT with SQLite's default BINARY collation: memcmp over the UTF-8
 * bytes, which is S3's listing order. Never add COLLATE NOCASE or use LIKE on
 * keys (case-insensitive, and % _ are wildcards): prefixes are key ranges.
 *
 * The objects table holds only what a listing returns (about a hundred bytes
 * a row) and is WITHOUT ROWID, clustered by (bucket, key): a 1000-key page
 * reads a few dozen consecutive leaf pages. The full record and inline shard
 * bytes (up to the inline limit, often larger than the listing row) live in
 * object_bodies, an ordinary rowid table the objects row points to, so they
 * never dilute the listing pages (measured on this loaded 2-core machine:
 * with the blobs in the objects rows, a 1000-key page of 4 KiB inline
 * objects cost ~36 ms; split like this, ~4–9 ms under the same load).
 */
import type Database from 'better-sqlite3';

/** Bump with a new entry in MIGRATIONS when the schema changes; never edit a shipped migration. */
export const SCHEMA_VERSION = 1;

const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE buckets (
      name TEXT NOT NULL PRIMARY KEY,
      record BLOB NOT NULL,
      crc INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE bucket_configs (
      bucket TEXT NOT NULL,
      kind TEXT NOT NULL,
      record BLOB NOT NULL,
      crc INTEGER NOT NULL,
      PRIMARY KEY (bucket, kind)
    ) WITHOUT ROWID;

    CREATE TABLE objects (
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      data_id TEXT NOT NULL,
      size INTEGER NOT NULL,
      etag TEXT NOT NULL,
      last_modified_ms INTEGER NOT NULL,
      storage_class TEXT NOT NULL,
      data_shards INTEGER NOT NULL,
      list_hash INTEGER NOT NULL,
      body INTEGER NOT NULL,
      PRIMARY KEY (bucket, key)
    ) WITHOUT ROWID;

    CREATE TABLE object_bodies (
      id INTEGER PRIMARY KEY,
      record BLOB NOT NULL,
      inline_data BLOB,
      crc INTEGER NOT NULL
    );

    CREATE TABLE uploads (
      upload_id TEXT NOT NULL PRIMARY KEY,
      bucket TEXT NOT NULL,
      key TEXT NOT NULL,
      initiated_ms INTEGER NOT NULL,
      record BLOB NOT NULL,
      crc INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX uploads_by_bucket ON uploads (bucket, key, initiated_ms, upload_id);

    CREATE TABLE parts (
      upload_id TEXT NOT NULL,
      part_number INTEGER NOT NULL,
      record BLOB NOT NULL,
      inline_data BLOB,
      crc INTEGER NOT NULL,
      PRIMARY KEY (upload_id, part_number)
    ) WITHOUT ROWID;
  `,
};

/**
 * Brings the database to SCHEMA_VERSION, one migration per transaction.
 * A database written by a newer cairn is refused rather than misread.
 */
export function migrate(db: Database.Database, where: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`metadata database ${where} has schema version ${current}, newer than this cairn supports (${SCHEMA_VERSION})`);
  }
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.prepare('DELETE FROM schema_version').run();
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
    })();
  }
}
