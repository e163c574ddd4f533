/**
 * The file of the node's listing index (listing-index.ts): one SQLite
 * database, one row per listed object, clustered by (bucket, key) so a page
 * is one range scan. A cache, never the truth: synchronous=OFF, and a `meta`
 * table says whose it is (deployment, session) and whether it was closed
 * cleanly. Keys are TEXT with the BINARY collation: memcmp over UTF-8, which
 * is S3's listing order (as in meta-schema.ts), so prefixes are key ranges.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { StorageClass } from '../../s3/types.js';
import type { ListRecordsOptions } from './drive.js';
import { rowsInKeyRange } from './key-order.js';
import type { ListedEntry } from './listing.js';

/** Bump when the file's schema changes: an index of another format is rebuilt, never migrated. */
const FORMAT = '1';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL,
    key TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified_ms INTEGER NOT NULL,
    storage_class TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
`;

/** Whose index a file is; `clean` is true only between a graceful close and the next open. */
export interface IndexIdentity {
  format: string;
  deploymentId: string;
  session: string;
  clean: boolean;
}

export type IndexChange = { bucket: string; key: string; entry: ListedEntry | undefined } | { bucket: string; dropBucket: true };

type Row = [key: string, size: number, etag: string, lastModifiedMs: number, storageClass: string];

function prepare(db: Database.Database) {
  const range = (lower: '>=' | '>', bounded: boolean) =>
    db
      .prepare(`SELECT key, size, etag, last_modified_ms, storage_class FROM objects WHERE bucket = ? AND key ${lower} ?${bounded ? ' AND key < ?' : ''} ORDER BY key LIMIT ?`)
      .raw();
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE name = ?').pluck(),
    putMeta: db.prepare('INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)'),
    upsert: db.prepare('INSERT OR REPLACE INTO objects (bucket, key, size, etag, last_modified_ms, storage_class) VALUES (?, ?, ?, ?, ?, ?)'),
    remove: db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ?'),
    dropBucket: db.prepare('DELETE FROM objects WHERE bucket = ?'),
    count: db.prepare('SELECT count(*) FROM objects').pluck(),
    listFrom: range('>=', false),
    listFromBounded: range('>=', true),
    listAfter: range('>', false),
    listAfterBounded: range('>', true),
  };
}

export class ListingIndexStore {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepare>;

  private constructor(
    readonly file: string,
    db: Database.Database,
  ) {
    this.db = db;
    this.sql = prepare(db);
  }

  /** Opens an existing index file; throws when it is missing or unreadable. */
  static openExisting(file: string): ListingIndexStore {
    if (!fs.existsSync(file)) throw new Error(`no listing index at ${file}`);
    return ListingIndexStore.open(file);
  }

  /** Creates an empty index file (removing whatever was there) for the deployment and session, marked dirty. */
  static create(file: string, deploymentId: string, session: string): ListingIndexStore {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    removeIndexFiles(file);
    const store = ListingIndexStore.open(file);
    store.db.transaction(() => {
      store.sql.putMeta.run('format', FORMAT);
      store.sql.putMeta.run('deploymentId', deploymentId);
      store.sql.putMeta.run('session', session);
    })();
    store.setClean(false);
    return store;
  }

  private static open(file: string): ListingIndexStore {
    const db = new Database(file, { timeout: 100 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = OFF');
      db.pragma('cache_size = -16384');
      db.exec(SCHEMA);
      return new ListingIndexStore(file, db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  identity(): IndexIdentity {
    const get = (name: string) => (this.sql.getMeta.get(name) as string | undefined) ?? '';
    return { format: get('format'), deploymentId: get('deploymentId'), session: get('session'), clean: get('clean') === '1' };
  }

  /** Whether this file belongs to the deployment, the session and this cairn's format. */
  matches(identity: IndexIdentity, deploymentId: string, session: string): boolean {
    return identity.format === FORMAT && identity.deploymentId === deploymentId && identity.session === session;
  }

  /**
   * Records whether the file is clean, durably (a full sync for this one
   * write): a dirty mark that a power loss could undo would let a stale file
   * pass as clean at the next start.
   */
  setClean(clean: boolean): void {
    this.db.pragma('synchronous = FULL');
    try {
      this.sql.putMeta.run('clean', clean ? '1' : '0');
      if (clean) this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.pragma('synchronous = OFF');
    }
  }

  /** Applies changes in order, in one transaction. */
  apply(changes: readonly IndexChange[]): void {
    if (changes.length === 0) return;
    const { upsert, remove, dropBucket } = this.sql;
    this.db.transaction(() => {
      for (const change of changes) {
        if ('dropBucket' in change) dropBucket.run(change.bucket);
        else if (change.entry) {
          const e = change.entry;
          upsert.run(change.bucket, change.key, e.size, e.etag, e.lastModifiedMs, e.storageClass);
        } else remove.run(change.bucket, change.key);
      }
    })();
  }

  /** Upserts listed entries of one bucket (a rebuild's page), in one transaction. */
  putEntries(bucket: string, entries: readonly ListedEntry[]): void {
    const { upsert } = this.sql;
    this.db.transaction(() => {
      for (const e of entries) upsert.run(bucket, e.key, e.size, e.etag, e.lastModifiedMs, e.storageClass);
    })();
  }

  /** Entries of the bucket in key order within the options' range (as DriveMetaStore.listObjects). */
  list(bucket: string, options: ListRecordsOptions): ListedEntry[] {
    const rows = rowsInKeyRange(this.sql, bucket, options) as Row[];
    const entries: ListedEntry[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      entries[i] = { key: row[0], size: row[1], etag: row[2], lastModifiedMs: row[3], storageClass: row[4] as StorageClass };
    }
    return entries;
  }

  count(): number {
    return this.sql.count.get() as number;
  }

  close(): void {
    this.db.close();
  }
}

/** Removes an index file with its WAL and shared-memory files (missing ones are fine). */
export function removeIndexFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
}
