import type Database from 'better-sqlite3';

/**
 * The sidecar's schema as a list of migrations: MIGRATIONS[i] takes a
 * database at version i to version i + 1. A new database runs them all; an
 * existing one runs those past its recorded `schema_version`, each in one
 * transaction with the version bump, so a crash mid-migration leaves the
 * previous version intact. A database newer than this code is refused.
 */

/** Version 1: buckets, bucket configs, object rows. */
const V1 = `
CREATE TABLE IF NOT EXISTS buckets (
  name        TEXT PRIMARY KEY,
  created_ms  INTEGER NOT NULL,
  region      TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS bucket_configs (
  bucket  TEXT NOT NULL,
  kind    TEXT NOT NULL,
  doc     TEXT NOT NULL,
  PRIMARY KEY (bucket, kind)
) WITHOUT ROWID;

-- key is TEXT with the default BINARY collation: memcmp over UTF-8 = S3 key order.
-- For folder objects (key ending in '/') size/mtime_ns describe the body kept
-- under .cairn/dirobj, and the row is authoritative while the directory exists.
CREATE TABLE IF NOT EXISTS objects (
  bucket               TEXT NOT NULL,
  key                  TEXT NOT NULL,
  size                 INTEGER NOT NULL,
  mtime_ns             INTEGER NOT NULL,
  last_modified_ms     INTEGER NOT NULL,
  etag                 TEXT NOT NULL,
  content_type         TEXT,
  content_encoding     TEXT,
  content_disposition  TEXT,
  content_language     TEXT,
  cache_control        TEXT,
  expires              TEXT,
  user_metadata        TEXT NOT NULL DEFAULT '{}',
  storage_class        TEXT NOT NULL DEFAULT 'STANDARD',
  checksums            TEXT NOT NULL DEFAULT '{}',
  checksum_type        TEXT,
  -- 0: the row only caches the MD5 of a file another program wrote (default metadata).
  written_by_cairn     INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
`;

/**
 * Version 2: object tags and part lists; multipart uploads in progress.
 * Part files live under .cairn/multipart/<upload_id>/<file>; a part row
 * names its file, and is written only after that file is fsynced in place.
 */
const V2 = `
-- JSON [{key, value}] in the order set; NULL when the object has no tags.
ALTER TABLE objects ADD COLUMN tags TEXT;
-- JSON [{partNumber, size, checksums}] for objects completed from a multipart upload; NULL otherwise.
ALTER TABLE objects ADD COLUMN parts TEXT;

CREATE TABLE multipart_uploads (
  upload_id           TEXT PRIMARY KEY,
  bucket              TEXT NOT NULL,
  key                 TEXT NOT NULL,
  initiated_ms        INTEGER NOT NULL,
  meta                TEXT NOT NULL,   -- JSON ObjectMeta
  tags                TEXT,            -- JSON [{key, value}] or NULL
  checksum_algorithm  TEXT,
  checksum_type       TEXT
) WITHOUT ROWID;

-- ListMultipartUploads order: key (binary UTF-8), then initiation, then id.
CREATE INDEX multipart_uploads_order ON multipart_uploads (bucket, key, initiated_ms, upload_id);

CREATE TABLE multipart_parts (
  upload_id         TEXT NOT NULL,
  part_number       INTEGER NOT NULL,
  size              INTEGER NOT NULL,
  etag              TEXT NOT NULL,
  last_modified_ms  INTEGER NOT NULL,
  checksums         TEXT NOT NULL DEFAULT '{}',
  file              TEXT NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
`;

const MIGRATIONS: readonly string[] = [V1, V2];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings `db` to SCHEMA_VERSION. `file` only names the database in errors. */
export function migrate(db: Database.Database, file: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(`local backend sidecar ${file} has schema version ${current}, newer than this cairn (${SCHEMA_VERSION})`);
  }
  for (let version = current; version < SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.exec('DELETE FROM schema_version');
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version + 1);
    })();
  }
}
