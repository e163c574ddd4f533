import Database from 'better-sqlite3';
import type { Checksums, ChecksumType, ObjectMeta, PartSummary, StorageClass, Tag } from '../../s3/types.js';
import { migrate } from './sidecar-schema.js';

/**
 * The local backend's sidecar: what a file system cannot hold about buckets
 * and objects, in SQLite at `<root>/.cairn/meta.db`.
 *
 * WAL with synchronous=FULL makes every commit durable before it returns.
 * better-sqlite3 is synchronous, so a commit (one WAL fsync) blocks the event
 * loop for its duration; acceptable for the local backend's edge/NAS use.
 *
 * An object row is trusted only while the file's (size, mtime_ns) equal the
 * row's: a file changed by another program falls back to default metadata
 * and a freshly computed MD5 ETag (see object-info.ts).
 *
 * The schema and its migrations live in sidecar-schema.ts; multipart upload
 * rows in upload-rows.ts, which shares this database (`database`) so a
 * completion can commit the object row and drop the upload in one transaction.
 */

export interface BucketRow {
  name: string;
  createdMs: number;
  region: string;
}

export interface ObjectRow {
  bucket: string;
  key: string;
  size: number;
  /** The file's mtime in nanoseconds when the row was written; with size, the row's validity check. */
  mtimeNs: bigint;
  lastModifiedMs: number;
  etag: string;
  meta: ObjectMeta;
  checksums: Checksums;
  checksumType?: ChecksumType;
  /** In the order set; absent when the object has none. */
  tags?: Tag[];
  /** Present for objects completed from a multipart upload. */
  parts?: PartSummary[];
  writtenByCairn: boolean;
}

interface ObjectRecord {
  bucket: string;
  key: string;
  size: bigint;
  mtime_ns: bigint;
  last_modified_ms: bigint;
  etag: string;
  content_type: string | null;
  content_encoding: string | null;
  content_disposition: string | null;
  content_language: string | null;
  cache_control: string | null;
  expires: string | null;
  user_metadata: string;
  storage_class: string;
  checksums: string;
  checksum_type: string | null;
  written_by_cairn: bigint;
  tags: string | null;
  parts: string | null;
}

export class Sidecar {
  private readonly db: Database.Database;
  private readonly stmts: Record<
    | 'getBucket' | 'putBucket' | 'deleteBucket' | 'deleteBucketConfigs' | 'deleteBucketObjects'
    | 'getConfig' | 'putConfig' | 'deleteConfig'
    | 'getObject' | 'upsertObject' | 'insertIfAbsent' | 'replaceIfUnchanged' | 'updateTags' | 'deleteObject' | 'folderObjectKeys',
    Database.Statement
  >;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    try {
      migrate(this.db, file);
    } catch (err) {
      this.db.close();
      throw err;
    }

    const objectColumns = `bucket, key, size, mtime_ns, last_modified_ms, etag, content_type, content_encoding,
      content_disposition, content_language, cache_control, expires, user_metadata, storage_class, checksums,
      checksum_type, written_by_cairn, tags, parts`;
    const objectValues = `@bucket, @key, @size, @mtime_ns, @last_modified_ms, @etag, @content_type, @content_encoding,
      @content_disposition, @content_language, @cache_control, @expires, @user_metadata, @storage_class, @checksums,
      @checksum_type, @written_by_cairn, @tags, @parts`;
    const objectUpdates = objectColumns
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== 'bucket' && c !== 'key')
      .map((c) => `${c} = excluded.${c}`)
      .join(', ');

    this.stmts = {
      getBucket: this.db.prepare('SELECT name, created_ms AS createdMs, region FROM buckets WHERE name = ?'),
      putBucket: this.db.prepare('INSERT OR REPLACE INTO buckets (name, created_ms, region) VALUES (?, ?, ?)'),
      deleteBucket: this.db.prepare('DELETE FROM buckets WHERE name = ?'),
      deleteBucketConfigs: this.db.prepare('DELETE FROM bucket_configs WHERE bucket = ?'),
      deleteBucketObjects: this.db.prepare('DELETE FROM objects WHERE bucket = ?'),
      getConfig: this.db.prepare('SELECT doc FROM bucket_configs WHERE bucket = ? AND kind = ?'),
      putConfig: this.db.prepare('INSERT OR REPLACE INTO bucket_configs (bucket, kind, doc) VALUES (?, ?, ?)'),
      deleteConfig: this.db.prepare('DELETE FROM bucket_configs WHERE bucket = ? AND kind = ?'),
      getObject: this.db.prepare(`SELECT ${objectColumns} FROM objects WHERE bucket = ? AND key = ?`).safeIntegers(true),
      upsertObject: this.db.prepare(
        `INSERT INTO objects (${objectColumns}) VALUES (${objectValues}) ON CONFLICT (bucket, key) DO UPDATE SET ${objectUpdates}`,
      ),
      insertIfAbsent: this.db.prepare(`INSERT INTO objects (${objectColumns}) VALUES (${objectValues}) ON CONFLICT (bucket, key) DO NOTHING`),
      replaceIfUnchanged: this.db.prepare(
        `UPDATE objects SET ${objectUpdates.replaceAll('excluded.', '@')}
         WHERE bucket = @bucket AND key = @key AND size = @seen_size AND mtime_ns = @seen_mtime_ns AND etag = @seen_etag`,
      ),
      // Only while the row still describes the file it was checked against.
      updateTags: this.db.prepare('UPDATE objects SET tags = ? WHERE bucket = ? AND key = ? AND size = ? AND mtime_ns = ?'),
      deleteObject: this.db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ?'),
      folderObjectKeys: this.db.prepare("SELECT key FROM objects WHERE bucket = ? AND key LIKE '%/'"),
    };
  }

  /** The connection, for the upload rows that share it (upload-rows.ts). */
  get database(): Database.Database {
    return this.db;
  }

  getBucket(name: string): BucketRow | undefined {
    return this.stmts.getBucket.get(name) as BucketRow | undefined;
  }

  /** Records a new bucket, dropping anything left from an earlier bucket of the same name. */
  createBucket(row: BucketRow): void {
    this.db.transaction(() => {
      this.stmts.deleteBucketConfigs.run(row.name);
      this.stmts.deleteBucketObjects.run(row.name);
      this.stmts.putBucket.run(row.name, row.createdMs, row.region);
    })();
  }

  deleteBucket(name: string): void {
    this.db.transaction(() => {
      this.stmts.deleteBucketConfigs.run(name);
      this.stmts.deleteBucketObjects.run(name);
      this.stmts.deleteBucket.run(name);
    })();
  }

  getConfig(bucket: string, kind: string): string | undefined {
    return (this.stmts.getConfig.get(bucket, kind) as { doc: string } | undefined)?.doc;
  }

  putConfig(bucket: string, kind: string, doc: string | undefined): void {
    if (doc === undefined) this.stmts.deleteConfig.run(bucket, kind);
    else this.stmts.putConfig.run(bucket, kind, doc);
  }

  getObject(bucket: string, key: string): ObjectRow | undefined {
    const record = this.stmts.getObject.get(bucket, key) as ObjectRecord | undefined;
    return record && fromRecord(record);
  }

  /** Writes the row; `alsoInTransaction` commits atomically with it (a completion dropping its upload). */
  putObject(row: ObjectRow, alsoInTransaction?: () => void): void {
    if (!alsoInTransaction) {
      this.stmts.upsertObject.run(toRecord(row));
      return;
    }
    this.db.transaction(() => {
      this.stmts.upsertObject.run(toRecord(row));
      alsoInTransaction();
    })();
  }

  /**
   * Replaces the tags of the row that still has `size`/`mtimeNs` (the file
   * the caller checked); false when there is no such row.
   */
  updateTags(bucket: string, key: string, tags: Tag[], size: number, mtimeNs: bigint): boolean {
    return this.stmts.updateTags.run(tagsColumn(tags), bucket, key, size, mtimeNs).changes > 0;
  }

  /**
   * Caches the computed ETag of a file cairn did not write, as a
   * compare-and-set against the row seen before hashing (`seen`, or none):
   * a writer that committed meanwhile keeps its row.
   */
  cacheForeignObject(row: ObjectRow, seen: ObjectRow | undefined): void {
    // A cache entry need not be durable at once (losing it costs one re-hash): commit it
    // without the WAL fsync; the next durable commit flushes it along.
    this.db.pragma('synchronous = NORMAL');
    try {
      if (!seen) this.stmts.insertIfAbsent.run(toRecord(row));
      else this.stmts.replaceIfUnchanged.run({ ...toRecord(row), seen_size: seen.size, seen_mtime_ns: seen.mtimeNs, seen_etag: seen.etag });
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  deleteObject(bucket: string, key: string): void {
    this.stmts.deleteObject.run(bucket, key);
  }

  folderObjectKeys(bucket: string): string[] {
    return (this.stmts.folderObjectKeys.all(bucket) as { key: string }[]).map((r) => r.key);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function toRecord(row: ObjectRow): Record<string, unknown> {
  return {
    bucket: row.bucket,
    key: row.key,
    size: row.size,
    mtime_ns: row.mtimeNs,
    last_modified_ms: Math.round(row.lastModifiedMs),
    etag: row.etag,
    content_type: row.meta.contentType ?? null,
    content_encoding: row.meta.contentEncoding ?? null,
    content_disposition: row.meta.contentDisposition ?? null,
    content_language: row.meta.contentLanguage ?? null,
    cache_control: row.meta.cacheControl ?? null,
    expires: row.meta.expires ?? null,
    user_metadata: JSON.stringify(row.meta.userMetadata),
    storage_class: row.meta.storageClass,
    checksums: JSON.stringify(row.checksums),
    checksum_type: row.checksumType ?? null,
    written_by_cairn: row.writtenByCairn ? 1 : 0,
    tags: tagsColumn(row.tags),
    parts: row.parts && row.parts.length > 0 ? JSON.stringify(row.parts) : null,
  };
}

/** NULL for no tags: "none" has one representation. */
export function tagsColumn(tags: Tag[] | undefined): string | null {
  return tags && tags.length > 0 ? JSON.stringify(tags.map(({ key, value }) => ({ key, value }))) : null;
}

export function tagsFromColumn(column: string | null): Tag[] | undefined {
  return column === null ? undefined : (JSON.parse(column) as Tag[]);
}

function fromRecord(r: ObjectRecord): ObjectRow {
  const meta: ObjectMeta = {
    userMetadata: JSON.parse(r.user_metadata) as Record<string, string>,
    storageClass: r.storage_class as StorageClass,
  };
  if (r.content_type !== null) meta.contentType = r.content_type;
  if (r.content_encoding !== null) meta.contentEncoding = r.content_encoding;
  if (r.content_disposition !== null) meta.contentDisposition = r.content_disposition;
  if (r.content_language !== null) meta.contentLanguage = r.content_language;
  if (r.cache_control !== null) meta.cacheControl = r.cache_control;
  if (r.expires !== null) meta.expires = r.expires;
  const row: ObjectRow = {
    bucket: r.bucket,
    key: r.key,
    size: Number(r.size),
    mtimeNs: r.mtime_ns,
    lastModifiedMs: Number(r.last_modified_ms),
    etag: r.etag,
    meta,
    checksums: JSON.parse(r.checksums) as Checksums,
    writtenByCairn: r.written_by_cairn !== 0n,
  };
  if (r.checksum_type !== null) row.checksumType = r.checksum_type as ChecksumType;
  const tags = tagsFromColumn(r.tags);
  if (tags) row.tags = tags;
  if (r.parts !== null) row.parts = JSON.parse(r.parts) as PartSummary[];
  return row;
}
