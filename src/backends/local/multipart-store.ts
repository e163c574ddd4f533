import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { S3Error } from '../../s3/errors.js';
import type { MultipartUpload, UploadedPart } from '../../s3/types.js';
import { KeyLocks } from '../key-locks.js';
import { fsyncDirectory, isNotFound } from './safe-fs.js';
import type { StagedFile } from './temp-files.js';
import type { PartRow, UploadRows } from './upload-rows.js';

/**
 * Multipart uploads in progress, on disk: `.cairn/multipart/<uploadId>/`
 * holds one file per part, named `<partNumber>.<random>.part`, and the
 * sidecar holds a row per upload and per part (upload-rows.ts).
 *
 * Invariants, each kept by ordering writes so a crash at any point leaves
 * either the old state or debris that `openSync` removes:
 * - A part row names a file that is complete and fsynced: the file is
 *   renamed into the upload's folder and the folder fsynced before the row
 *   is committed. A file no row names is debris.
 * - A re-uploaded part gets a new file; the row switches to it in one
 *   commit, and only then is the old file removed. A reader never sees a row
 *   pointing at a half-replaced file.
 * - An upload's rows are deleted before its folder; a folder without an
 *   upload row is debris.
 * - Everything that changes an upload (a part's commit, completion, abort)
 *   runs under the upload's lock, so completion sees a fixed set of parts.
 */

/** Upload ids are 24 random bytes in hex: 192 bits, unguessable, and safe as a folder name on case-insensitive file systems. */
const UPLOAD_ID_BYTES = 24;
const UPLOAD_ID_PATTERN = /^[0-9a-f]{48}$/;

export class MultipartStore {
  private readonly locks = new KeyLocks();

  constructor(
    readonly dir: string,
    private readonly rows: UploadRows,
  ) {}

  /**
   * Creates the area and removes what a crash left: folders of uploads that
   * have no row, and part files no row names. An upload whose folder is
   * missing keeps its rows (it stays listable and can be aborted; completing
   * it with a missing part fails with InvalidPart) and gets an empty folder
   * back so new parts can be uploaded. Blocking: runs once at startup.
   */
  openSync(): void {
    mkdirSync(this.dir, { recursive: true });
    const uploads = new Set(this.rows.uploadIds());
    const referenced = this.rows.referencedFiles();
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      const uploadDir = path.join(this.dir, entry.name);
      if (!uploads.has(entry.name) || !entry.isDirectory()) {
        rmSync(uploadDir, { recursive: true, force: true });
        continue;
      }
      const keep = referenced.get(entry.name) ?? new Set<string>();
      for (const file of readdirSync(uploadDir)) {
        if (!keep.has(file)) rmSync(path.join(uploadDir, file), { recursive: true, force: true });
      }
    }
    for (const uploadId of uploads) mkdirSync(this.uploadDir(uploadId), { recursive: true });
  }

  /** Serialises everything that changes one upload. */
  runLocked<T>(uploadId: string, task: () => Promise<T>): Promise<T> {
    return this.locks.run(uploadId, task);
  }

  /** A new upload: its folder first (durably), then its row. */
  async create(upload: Omit<MultipartUpload, 'uploadId'>): Promise<MultipartUpload> {
    const created: MultipartUpload = { ...upload, uploadId: randomBytes(UPLOAD_ID_BYTES).toString('hex') };
    await fs.mkdir(this.uploadDir(created.uploadId));
    await fsyncDirectory(this.dir);
    this.rows.insertUpload(created);
    return created;
  }

  /**
   * The upload `uploadId` of `bucket`/`key`, or NoSuchUpload — also for an
   * id that is malformed (it never reaches a path) or names an upload of
   * another key, as S3 answers.
   */
  require(bucket: string, key: string, uploadId: string): MultipartUpload {
    const upload = UPLOAD_ID_PATTERN.test(uploadId) ? this.rows.getUpload(uploadId) : undefined;
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload(uploadId);
    return upload;
  }

  parts(uploadId: string): PartRow[] {
    return this.rows.listParts(uploadId);
  }

  list(bucket: string): MultipartUpload[] {
    return this.rows.listUploads(bucket);
  }

  partPath(uploadId: string, file: string): string {
    return path.join(this.uploadDir(uploadId), file);
  }

  /**
   * Moves a staged, fsynced part file into the upload and records it,
   * replacing an earlier part with the same number. Takes the upload's lock.
   * On NoSuchUpload (aborted or completed meanwhile) nothing is recorded and
   * the staged file is left for the caller to discard.
   */
  async commitPart(bucket: string, key: string, uploadId: string, part: UploadedPart, staged: StagedFile): Promise<void> {
    await this.runLocked(uploadId, async () => {
      this.require(bucket, key, uploadId);
      const uploadDir = this.uploadDir(uploadId);
      const file = `${part.partNumber}.${randomBytes(8).toString('hex')}.part`;
      const finalPath = path.join(uploadDir, file);
      try {
        await fs.rename(staged.path, finalPath);
      } catch (err) {
        // The folder went missing behind our back (see openSync): recreate it and retry once.
        if (!isNotFound(err)) throw err;
        await fs.mkdir(uploadDir, { recursive: true });
        await fsyncDirectory(this.dir);
        await fs.rename(staged.path, finalPath);
      }
      await fsyncDirectory(uploadDir);
      const result = this.rows.putPart(uploadId, { ...part, file });
      if (result === 'no-upload') {
        await fs.rm(finalPath, { force: true });
        throw noSuchUpload(uploadId);
      }
      // The old file is unreferenced now; a crash before this removal leaves debris openSync clears.
      if (result.replacedFile !== undefined) await fs.rm(path.join(uploadDir, result.replacedFile), { force: true });
    });
  }

  /** Drops the upload's rows, then its folder. The caller holds the upload's lock. */
  async removeLocked(uploadId: string, alreadyDeletedRows = false): Promise<void> {
    if (!alreadyDeletedRows) this.rows.deleteUpload(uploadId);
    await fs.rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  /** The row deletion alone, for a completion that commits it with the object's row. */
  deleteRows(uploadId: string): void {
    this.rows.deleteUpload(uploadId);
  }

  /**
   * Frees the uploads of `bucket` (a deleted bucket's, or stale ones of a
   * re-created name) initiated before `initiatedBefore`, when given.
   */
  async dropBucket(bucket: string, initiatedBefore?: number): Promise<void> {
    for (const upload of this.rows.listUploads(bucket)) {
      if (initiatedBefore !== undefined && upload.initiated.getTime() >= initiatedBefore) continue;
      await this.runLocked(upload.uploadId, () => this.removeLocked(upload.uploadId));
    }
  }

  private uploadDir(uploadId: string): string {
    return path.join(this.dir, uploadId);
  }
}

export function noSuchUpload(uploadId: string): S3Error {
  return new S3Error('NoSuchUpload', { extra: { UploadId: uploadId } });
}
