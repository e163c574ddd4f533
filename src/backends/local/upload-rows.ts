import type Database from 'better-sqlite3';
import type { ChecksumAlgorithm, Checksums, ChecksumType, MultipartUpload, ObjectMeta, UploadedPart } from '../../s3/types.js';
import { tagsColumn, tagsFromColumn } from './sidecar.js';

/**
 * Sidecar rows for multipart uploads in progress (tables in sidecar-schema.ts).
 * Every write is one durable commit (the sidecar runs synchronous=FULL), so a
 * part is acknowledged only once its row is on disk.
 */

/** A part row: the part as listed, plus the name of its file in the upload's folder. */
export interface PartRow extends UploadedPart {
  file: string;
}

interface UploadRecord {
  upload_id: string;
  bucket: string;
  key: string;
  initiated_ms: number;
  meta: string;
  tags: string | null;
  checksum_algorithm: string | null;
  checksum_type: string | null;
}

interface PartRecord {
  part_number: number;
  size: number;
  etag: string;
  last_modified_ms: number;
  checksums: string;
  file: string;
}

const UPLOAD_COLUMNS = 'upload_id, bucket, key, initiated_ms, meta, tags, checksum_algorithm, checksum_type';
const PART_COLUMNS = 'part_number, size, etag, last_modified_ms, checksums, file';

export class UploadRows {
  private readonly stmts: Record<
    | 'getUpload' | 'insertUpload' | 'deleteUpload' | 'deleteParts' | 'listUploads' | 'allUploadIds'
    | 'getPart' | 'upsertPart' | 'listParts' | 'allPartFiles',
    Database.Statement
  >;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      getUpload: db.prepare(`SELECT ${UPLOAD_COLUMNS} FROM multipart_uploads WHERE upload_id = ?`),
      insertUpload: db.prepare(`INSERT INTO multipart_uploads (${UPLOAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      deleteUpload: db.prepare('DELETE FROM multipart_uploads WHERE upload_id = ?'),
      deleteParts: db.prepare('DELETE FROM multipart_parts WHERE upload_id = ?'),
      // Matches the multipart_uploads_order index; key uses BINARY collation (UTF-8 byte order).
      listUploads: db.prepare(`SELECT ${UPLOAD_COLUMNS} FROM multipart_uploads WHERE bucket = ? ORDER BY key, initiated_ms, upload_id`),
      allUploadIds: db.prepare('SELECT upload_id FROM multipart_uploads'),
      getPart: db.prepare('SELECT file FROM multipart_parts WHERE upload_id = ? AND part_number = ?'),
      upsertPart: db.prepare(
        `INSERT INTO multipart_parts (upload_id, ${PART_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET
           size = excluded.size, etag = excluded.etag, last_modified_ms = excluded.last_modified_ms,
           checksums = excluded.checksums, file = excluded.file`,
      ),
      listParts: db.prepare(`SELECT ${PART_COLUMNS} FROM multipart_parts WHERE upload_id = ? ORDER BY part_number`),
      allPartFiles: db.prepare('SELECT upload_id AS uploadId, file FROM multipart_parts'),
    };
  }

  getUpload(uploadId: string): MultipartUpload | undefined {
    const record = this.stmts.getUpload.get(uploadId) as UploadRecord | undefined;
    return record && uploadFromRecord(record);
  }

  insertUpload(upload: MultipartUpload): void {
    this.stmts.insertUpload.run(
      upload.uploadId,
      upload.bucket,
      upload.key,
      upload.initiated.getTime(),
      JSON.stringify(upload.meta),
      tagsColumn(upload.tags),
      upload.checksumAlgorithm ?? null,
      upload.checksumType ?? null,
    );
  }

  /** Drops the upload and all its part rows, atomically (nested in the caller's transaction, if any). */
  deleteUpload(uploadId: string): void {
    this.db.transaction(() => {
      this.stmts.deleteParts.run(uploadId);
      this.stmts.deleteUpload.run(uploadId);
    })();
  }

  listUploads(bucket: string): MultipartUpload[] {
    return (this.stmts.listUploads.all(bucket) as UploadRecord[]).map(uploadFromRecord);
  }

  /** Every upload's id, in all buckets (for crash cleanup at open). */
  uploadIds(): string[] {
    return (this.stmts.allUploadIds.all() as { upload_id: string }[]).map((r) => r.upload_id);
  }

  /**
   * Records a part, replacing the row of an earlier part with the same
   * number, as long as the upload still exists. Returns the replaced part's
   * file name (now unreferenced), or 'no-upload' when the upload is gone.
   */
  putPart(uploadId: string, part: PartRow): { replacedFile?: string } | 'no-upload' {
    return this.db.transaction(() => {
      if (!this.stmts.getUpload.get(uploadId)) return 'no-upload' as const;
      const previous = this.stmts.getPart.get(uploadId, part.partNumber) as { file: string } | undefined;
      this.stmts.upsertPart.run(
        uploadId,
        part.partNumber,
        part.size,
        part.etag,
        part.lastModified.getTime(),
        JSON.stringify(part.checksums),
        part.file,
      );
      return previous && previous.file !== part.file ? { replacedFile: previous.file } : {};
    })();
  }

  listParts(uploadId: string): PartRow[] {
    return (this.stmts.listParts.all(uploadId) as PartRecord[]).map((r) => ({
      partNumber: r.part_number,
      size: r.size,
      etag: r.etag,
      lastModified: new Date(r.last_modified_ms),
      checksums: JSON.parse(r.checksums) as Checksums,
      file: r.file,
    }));
  }

  /** Every part file name the rows reference, by upload id (for crash cleanup at open). */
  referencedFiles(): Map<string, Set<string>> {
    const byUpload = new Map<string, Set<string>>();
    for (const { uploadId, file } of this.stmts.allPartFiles.all() as { uploadId: string; file: string }[]) {
      let files = byUpload.get(uploadId);
      if (!files) byUpload.set(uploadId, (files = new Set()));
      files.add(file);
    }
    return byUpload;
  }
}

function uploadFromRecord(r: UploadRecord): MultipartUpload {
  const upload: MultipartUpload = {
    bucket: r.bucket,
    key: r.key,
    uploadId: r.upload_id,
    initiated: new Date(r.initiated_ms),
    meta: JSON.parse(r.meta) as ObjectMeta,
  };
  const tags = tagsFromColumn(r.tags);
  if (tags) upload.tags = tags;
  if (r.checksum_algorithm !== null) upload.checksumAlgorithm = r.checksum_algorithm as ChecksumAlgorithm;
  if (r.checksum_type !== null) upload.checksumType = r.checksum_type as ChecksumType;
  return upload;
}
