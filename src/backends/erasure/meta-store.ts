/**
 * A drive's metadata records in SQLite (the DriveMetaStore contract in
 * drive.ts): <root>/.cairn.sys/meta.db, schema in meta-schema.ts, row
 * encoding and CRCs in meta-codec.ts, batched durable writes in
 * group-commit.ts.
 *
 * Reads are synchronous prepared statements. A corrupt row (CRC mismatch,
 * unparsable record, identity mismatch) makes a single-record read throw
 * CorruptRecordError; the list methods skip it, so it counts as absent on
 * this drive exactly as for a single read (the other drives of the set
 * supply the entry by quorum), and report it through `onCorrupt` so it can
 * be healed. Listing checks only the listing columns' own hash (list_hash),
 * so a page costs little more than its index range scan; the record's CRC
 * is checked whenever the record itself is read.
 *
 * Bucket records are read on every request (each request checks its bucket
 * on every drive), so they are kept in memory (BucketRecordCache). That is
 * safe because this connection is the only writer of the database while the
 * store is open: every change to the buckets table goes through putBucket or
 * deleteBucket, which drop the cached entry in the same batch that writes
 * the row. What the cache cannot see is the file changing behind the
 * process's back (bitrot in a bucket row, another program writing): such a
 * change shows at listBuckets, which reads every row and refreshes the cache
 * (the heal pass starts with it), and at the next start.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { CorruptRecordError, type DriveMetaStore, type ListRecordsOptions, type ReplacedObject } from './drive.js';
import { BucketRecordCache } from './bucket-record-cache.js';
import { GroupCommit } from './group-commit.js';
import { rowsInKeyRange } from './key-order.js';
import { listingColumns, listingEntry, openJson, openObject, openPart, sealJson, sealObject, sealPart, type ListingColumns, type ListingTuple, type SealedRow } from './meta-codec.js';
import { migrate } from './meta-schema.js';
import type { BucketConfigRecord, BucketRecord, ObjectListingEntry, ObjectRecord, PartRecord, UploadRecord } from './records.js';

export const META_DB_PATH = path.join('.cairn.sys', 'meta.db');

export interface MetaStoreOptions {
  /** Told about each corrupt row a list method skipped (for healing and metrics). */
  onCorrupt?: (error: CorruptRecordError) => void;
}

type RecordRow = { record: Buffer; crc: number };
type InlineRow = RecordRow & { inline_data: Buffer | null };
/** A LEFT JOIN: the body columns are null when the objects row points at no body (corrupt). */
type ObjectRow = ListingColumns & InlineRow;

const LISTING_COLUMNS = 'key, data_id, size, etag, last_modified_ms, storage_class, data_shards, list_hash';

function prepareStatements(db: Database.Database) {
  const listObjects = (lower: '>=' | '>', bounded: boolean) =>
    db.prepare(`SELECT ${LISTING_COLUMNS} FROM objects WHERE bucket = ? AND key ${lower} ?${bounded ? ' AND key < ?' : ''} ORDER BY key LIMIT ?`).raw();
  return {
    listBuckets: db.prepare('SELECT name, record, crc FROM buckets ORDER BY name'),
    getBucket: db.prepare('SELECT record, crc FROM buckets WHERE name = ?'),
    putBucket: db.prepare('INSERT OR REPLACE INTO buckets (name, record, crc) VALUES (?, ?, ?)'),
    deleteBucket: db.prepare('DELETE FROM buckets WHERE name = ?'),
    deleteBucketConfigs: db.prepare('DELETE FROM bucket_configs WHERE bucket = ?'),
    getBucketConfig: db.prepare('SELECT record, crc FROM bucket_configs WHERE bucket = ? AND kind = ?'),
    putBucketConfig: db.prepare('INSERT OR REPLACE INTO bucket_configs (bucket, kind, record, crc) VALUES (?, ?, ?, ?)'),

    getObject: db.prepare(
      `SELECT ${LISTING_COLUMNS.replace(/(\w+)/g, 'o.$1')}, b.record, b.inline_data, b.crc
       FROM objects o LEFT JOIN object_bodies b ON b.id = o.body WHERE o.bucket = ? AND o.key = ?`,
    ),
    /** getObject with the row's body id, for a write that replaces it (putObjectReplacing). */
    getObjectForWrite: db.prepare(
      `SELECT ${LISTING_COLUMNS.replace(/(\w+)/g, 'o.$1')}, o.body AS body_id, b.record, b.inline_data, b.crc
       FROM objects o LEFT JOIN object_bodies b ON b.id = o.body WHERE o.bucket = ? AND o.key = ?`,
    ),
    findBody: db.prepare('SELECT body FROM objects WHERE bucket = ? AND key = ?').pluck(),
    updateBody: db.prepare('UPDATE object_bodies SET record = ?, inline_data = ?, crc = ? WHERE id = ?'),
    insertBody: db.prepare('INSERT INTO object_bodies (record, inline_data, crc) VALUES (?, ?, ?)'),
    deleteBody: db.prepare('DELETE FROM object_bodies WHERE id = ?'),
    putObject: db.prepare(`INSERT OR REPLACE INTO objects (bucket, ${LISTING_COLUMNS}, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    deleteObject: db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ? RETURNING body').pluck(),
    deleteObjectVersion: db.prepare('DELETE FROM objects WHERE bucket = ? AND key = ? AND data_id = ? RETURNING body').pluck(),
    listFrom: listObjects('>=', false),
    listFromBounded: listObjects('>=', true),
    listAfter: listObjects('>', false),
    listAfterBounded: listObjects('>', true),
    hasObjects: db.prepare('SELECT 1 FROM objects WHERE bucket = ? LIMIT 1'),

    getUpload: db.prepare('SELECT record, crc FROM uploads WHERE upload_id = ?'),
    putUpload: db.prepare('INSERT OR REPLACE INTO uploads (upload_id, bucket, key, initiated_ms, record, crc) VALUES (?, ?, ?, ?, ?, ?)'),
    deleteUpload: db.prepare('DELETE FROM uploads WHERE upload_id = ?'),
    deleteParts: db.prepare('DELETE FROM parts WHERE upload_id = ?'),
    listUploads: db.prepare('SELECT upload_id, record, crc FROM uploads WHERE bucket = ? ORDER BY key, initiated_ms, upload_id'),
    putPart: db.prepare('INSERT OR REPLACE INTO parts (upload_id, part_number, record, inline_data, crc) VALUES (?, ?, ?, ?, ?)'),
    listParts: db.prepare('SELECT part_number, record, inline_data, crc FROM parts WHERE upload_id = ? ORDER BY part_number'),
  };
}

export class SqliteDriveMetaStore implements DriveMetaStore {
  private readonly db: Database.Database;
  private readonly sql: ReturnType<typeof prepareStatements>;
  private readonly commits: GroupCommit;
  private readonly onCorrupt: (error: CorruptRecordError) => void;
  private readonly bucketCache = new BucketRecordCache();

  /** Opens (creating when missing) the database of the drive at `root`. Throws when it cannot. */
  constructor(
    readonly root: string,
    options: MetaStoreOptions = {},
  ) {
    const dbPath = path.join(root, META_DB_PATH);
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    // This connection is the only writer; the checkpointer's connection can only briefly hold a
    // lock (e.g. while closing), so a short wait suffices and never stalls the event loop for long.
    const db = new Database(dbPath, { timeout: 100 });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Checkpoints run in checkpointer.ts's worker; this one (inside a commit, on the event loop)
      // is only a safety net should that worker fall behind.
      db.pragma('wal_autocheckpoint = 8192');
      db.pragma('journal_size_limit = 8388608');
      db.pragma('cache_size = -8192');
      migrate(db, dbPath);
      this.sql = prepareStatements(db);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    this.commits = new GroupCommit(db, dbPath);
    this.onCorrupt = options.onCorrupt ?? (() => {});
  }

  listBuckets(): BucketRecord[] {
    const rows = this.readStatements().listBuckets.all() as (RecordRow & { name: string })[];
    const records = this.openEach(rows, (row) => {
      const record = openJson<BucketRecord>(row, `bucket ${row.name}`, this.root);
      return this.checkIdentity(record.name === row.name, record, `bucket ${row.name}`);
    });
    this.bucketCache.refresh(records);
    return records;
  }

  getBucket(name: string): BucketRecord | undefined {
    const statements = this.readStatements();
    const cached = this.bucketCache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const row = statements.getBucket.get(name) as RecordRow | undefined;
    if (!row) return this.bucketCache.remember(name, undefined);
    const record = openJson<BucketRecord>(row, `bucket ${name}`, this.root);
    return this.bucketCache.remember(name, this.checkIdentity(record.name === name, record, `bucket ${name}`));
  }

  putBucket(record: BucketRecord): Promise<void> {
    const row = sealJson(record);
    return this.write(() => {
      this.bucketCache.forget(record.name);
      this.sql.putBucket.run(record.name, row.record, row.crc);
    });
  }

  deleteBucket(name: string): Promise<void> {
    return this.write(() => {
      this.bucketCache.forget(name);
      this.sql.deleteBucket.run(name);
      this.sql.deleteBucketConfigs.run(name);
    });
  }

  getBucketConfig(bucket: string, kind: string): BucketConfigRecord | undefined {
    const row = this.readStatements().getBucketConfig.get(bucket, kind) as RecordRow | undefined;
    if (!row) return undefined;
    const what = `config ${kind} of bucket ${bucket}`;
    const { bucket: storedBucket, kind: storedKind, ...record } = openJson<BucketConfigRecord & { bucket: string; kind: string }>(row, what, this.root);
    return this.checkIdentity(storedBucket === bucket && storedKind === kind, record, what);
  }

  putBucketConfig(bucket: string, kind: string, record: BucketConfigRecord): Promise<void> {
    // The identity goes into the sealed bytes so a row moved to another (bucket, kind) fails its check.
    const row = sealJson({ ...record, bucket, kind });
    return this.write(() => void this.sql.putBucketConfig.run(bucket, kind, row.record, row.crc));
  }

  getObject(bucket: string, key: string): ObjectRecord | undefined {
    const row = this.readStatements().getObject.get(bucket, key) as ObjectRow | undefined;
    return row ? openObject(row, bucket, this.root) : undefined;
  }

  putObject(record: ObjectRecord): Promise<void> {
    const run = this.objectWriter(record);
    return this.write(() => run());
  }

  putObjectReplacing(record: ObjectRecord): Promise<ReplacedObject> {
    const run = this.objectWriter(record);
    return this.write((): ReplacedObject => {
      const row = this.sql.getObjectForWrite.get(record.bucket, record.key) as (ObjectRow & { body_id: number | null }) | undefined;
      run(row?.body_id ?? null);
      if (!row) return { state: 'absent' };
      try {
        return { state: 'found', value: openObject(row, record.bucket, this.root) };
      } catch (err) {
        if (err instanceof CorruptRecordError) return { state: 'corrupt' };
        throw err;
      }
    });
  }

  deleteObject(bucket: string, key: string, dataId?: string): Promise<boolean> {
    return this.write(() => {
      const body = (dataId === undefined ? this.readStatements().deleteObject.get(bucket, key) : this.readStatements().deleteObjectVersion.get(bucket, key, dataId)) as number | undefined;
      if (body === undefined) return false;
      this.sql.deleteBody.run(body);
      return true;
    });
  }

  listObjects(bucket: string, options: ListRecordsOptions): ObjectListingEntry[] {
    const { prefix, limit } = options;
    const rows = rowsInKeyRange(this.sql, bucket, options) as ListingTuple[];
    const entries: ObjectListingEntry[] = [];
    for (const row of rows) {
      const entry = listingEntry(row);
      if (entry) entries.push(entry);
      else this.onCorrupt(new CorruptRecordError(`object ${bucket}/${row[0]}`, this.root));
    }
    // Skipped corrupt rows may leave the page short: the caller pages on from the last key it got,
    // but a short page must not read as "no more keys", so fill it up.
    if (entries.length < rows.length && rows.length === limit) {
      const last = rows[rows.length - 1][0];
      entries.push(...this.listObjects(bucket, { prefix, after: last, limit: limit - entries.length }));
    }
    return entries;
  }

  hasObjects(bucket: string): boolean {
    return this.readStatements().hasObjects.get(bucket) !== undefined;
  }

  getUpload(uploadId: string): UploadRecord | undefined {
    const row = this.readStatements().getUpload.get(uploadId) as RecordRow | undefined;
    if (!row) return undefined;
    const record = openJson<UploadRecord>(row, `upload ${uploadId}`, this.root);
    return this.checkIdentity(record.uploadId === uploadId, record, `upload ${uploadId}`);
  }

  putUpload(record: UploadRecord): Promise<void> {
    const row = sealJson(record);
    return this.write(() => void this.sql.putUpload.run(record.uploadId, record.bucket, record.key, record.initiatedMs, row.record, row.crc));
  }

  deleteUpload(uploadId: string): Promise<void> {
    return this.write(() => this.removeUpload(uploadId));
  }

  listUploads(bucket: string): UploadRecord[] {
    const rows = this.readStatements().listUploads.all(bucket) as (RecordRow & { upload_id: string })[];
    return this.openEach(rows, (row) => {
      const record = openJson<UploadRecord>(row, `upload ${row.upload_id}`, this.root);
      return this.checkIdentity(record.uploadId === row.upload_id && record.bucket === bucket, record, `upload ${row.upload_id}`);
    });
  }

  putPart(record: PartRecord): Promise<void> {
    const row = sealPart(record);
    return this.write(() => void this.sql.putPart.run(record.uploadId, record.part.partNumber, row.record, row.inline, row.crc));
  }

  listParts(uploadId: string): PartRecord[] {
    const rows = this.readStatements().listParts.all(uploadId) as (InlineRow & { part_number: number })[];
    return this.openEach(rows, (row) => openPart(row, uploadId, row.part_number, this.root));
  }

  completeUpload(record: ObjectRecord, uploadId: string): Promise<void> {
    const putObject = this.objectWriter(record);
    return this.write(() => {
      putObject();
      this.removeUpload(uploadId);
    });
  }

  /** Write batching so far: transactions, WAL syncs and writes (metrics). */
  commitStats(): Readonly<GroupCommit['stats']> {
    return { ...this.commits.stats };
  }

  close(): void {
    this.commits.close();
    this.db.close();
  }

  /** Encodes now (so a bad record fails its own caller, not the batch) and returns the statement to run in the batch. */
  private objectWriter(record: ObjectRecord): (knownBody?: number | null) => void {
    const row: SealedRow = sealObject(record);
    const c = listingColumns(record);
    // knownBody: the key's current body id when the caller already read it (null: no row), else looked up here.
    return (knownBody) => {
      // Rewrite the existing body in place (no free-list churn); a new key gets a new body.
      const existing = knownBody === undefined ? (this.readStatements().findBody.get(record.bucket, record.key) as number | undefined) : (knownBody ?? undefined);
      let body = existing;
      if (existing === undefined || this.sql.updateBody.run(row.record, row.inline, row.crc, existing).changes === 0) {
        body = Number(this.sql.insertBody.run(row.record, row.inline, row.crc).lastInsertRowid);
      }
      this.sql.putObject.run(record.bucket, c.key, c.data_id, c.size, c.etag, c.last_modified_ms, c.storage_class, c.data_shards, c.list_hash, body);
    };
  }

  private removeUpload(uploadId: string): void {
    this.sql.deleteUpload.run(uploadId);
    this.sql.deleteParts.run(uploadId);
  }

  /**
   * The prepared statements, for reads. Once a batch could not be made durable
   * (a failed sync, or the drive folder removed under us: group-commit.ts),
   * what this connection sees may not be on the disk, so the drive fails
   * reads too and quorum decides without it.
   */
  private readStatements(): ReturnType<typeof prepareStatements> {
    const failure = this.commits.failure;
    if (failure) throw failure;
    return this.sql;
  }

  private write<T>(run: () => T): Promise<T> {
    return this.commits.enqueue(run);
  }

  private checkIdentity<T>(matches: boolean, record: T, what: string): T {
    if (!matches) throw new CorruptRecordError(what, this.root);
    return record;
  }

  /** Opens each row, skipping (and reporting) corrupt ones. */
  private openEach<R, T>(rows: R[], open: (row: R) => T): T[] {
    const records: T[] = [];
    for (const row of rows) {
      try {
        records.push(open(row));
      } catch (err) {
        if (!(err instanceof CorruptRecordError)) throw err;
        this.onCorrupt(err);
      }
    }
    return records;
  }
}
