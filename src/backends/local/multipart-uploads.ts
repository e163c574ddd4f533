import { S3Error } from '../../s3/errors.js';
import type { MultipartUpload, ObjectInfo, UploadedPart } from '../../s3/types.js';
import type { CreateMultipartOptions, IncomingBody, MultipartCompletion } from '../backend.js';
import { assembleParts, assertPartFilesPresent, type PartFile } from './multipart-assembler.js';
import type { MultipartStore } from './multipart-store.js';
import type { ObjectReader } from './object-reader.js';
import { checkWriteConditions } from '../../s3/conditions.js';
import type { ObjectWriter } from './object-writer.js';
import { selectParts } from '../../s3/part-selection.js';
import { keyToPath } from './paths.js';
import type { TempArea } from './temp-files.js';
import type { PartRow } from './upload-rows.js';

/** S3's part number range; the number also becomes part of a file name, so it is checked here too. */
const MAX_PART_NUMBER = 10_000;

/**
 * The local backend's multipart uploads: the Backend methods on top of the
 * on-disk store (multipart-store.ts) and the object writer. Part sizes are
 * not limited here (the 5 MiB minimum is the front door's rule).
 */
export class LocalMultipart {
  constructor(
    private readonly store: MultipartStore,
    private readonly temp: TempArea,
    private readonly reader: ObjectReader,
    private readonly writer: ObjectWriter,
  ) {}

  /** The key must map to a path now, so an impossible key fails here rather than at completion. */
  async create(bucket: string, key: string, options: CreateMultipartOptions): Promise<MultipartUpload> {
    keyToPath(key);
    const upload: Omit<MultipartUpload, 'uploadId'> = { bucket, key, initiated: new Date(), meta: options.meta };
    if (options.tags && options.tags.length > 0) upload.tags = options.tags;
    if (options.checksumAlgorithm) upload.checksumAlgorithm = options.checksumAlgorithm;
    if (options.checksumType) upload.checksumType = options.checksumType;
    return this.store.create(upload);
  }

  /**
   * Same body rules as putObject: the part is staged while the body streams,
   * and recorded only once the body ended cleanly and the file is durable;
   * on any failure the staged data is removed and an earlier part with this
   * number stays as it was.
   */
  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: IncomingBody, signal?: AbortSignal): Promise<UploadedPart> {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new S3Error('InvalidArgument', {
        message: `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
        extra: { ArgumentName: 'partNumber', ArgumentValue: String(partNumber) },
      });
    }
    this.store.require(bucket, key, uploadId);
    const { staged, digests } = await this.temp.receiveBody(body, signal);
    try {
      const part: UploadedPart = { partNumber, size: Number(staged.stat.size), etag: digests.md5Hex, lastModified: new Date(), checksums: digests.checksums };
      await this.store.commitPart(bucket, key, uploadId, part, staged);
      return part;
    } finally {
      // A no-op once the part was moved into the upload.
      await this.temp.discard(staged);
    }
  }

  /**
   * Under the upload's lock (its parts cannot change meanwhile): checks the
   * chosen parts, fails early on a write condition that already does not
   * hold, assembles the object file (multipart-assembler.ts), then commits
   * it under the key's lock — where the conditions are checked again, the
   * authoritative time — with the upload's rows deleted in the same sidecar
   * transaction as the object's row is written. Unchosen parts go with the
   * upload's folder. A crash before that transaction leaves the new bytes
   * as a foreign file (object-writer.ts) and the upload intact, so the
   * client's retry of the completion repeats the work.
   */
  async complete(bucketDir: string, bucket: string, key: string, uploadId: string, completion: MultipartCompletion, signal?: AbortSignal): Promise<ObjectInfo> {
    const target = keyToPath(key);
    return this.store.runLocked(uploadId, async () => {
      const upload = this.store.require(bucket, key, uploadId);
      const chosen = selectParts(this.store.parts(uploadId), completion.parts);
      const files = chosen.map((p) => this.partFile(uploadId, p));
      await assertPartFilesPresent(files);
      const conditions = { ifMatch: completion.ifMatch, ifNoneMatch: completion.ifNoneMatch };
      if (conditions.ifMatch !== undefined || conditions.ifNoneMatch !== undefined) {
        checkWriteConditions(conditions, await this.reader.describe(bucketDir, bucket, target, { waitForWriters: true, signal }));
      }
      const staged = await assembleParts(this.temp, files, upload.initiated, signal);
      try {
        signal?.throwIfAborted();
        const info = await this.writer.commit(
          bucketDir,
          bucket,
          target,
          staged,
          {
            etag: completion.etag,
            meta: upload.meta,
            checksums: completion.checksums,
            checksumType: completion.checksumType,
            tags: upload.tags,
            parts: chosen.map((p) => ({ partNumber: p.partNumber, size: p.size, checksums: p.checksums })),
            folderLastModifiedMs: upload.initiated.getTime(),
          },
          conditions,
          () => this.store.deleteRows(uploadId),
        );
        // The object is committed: failing to free the part files now must not fail the
        // completion. Left behind, they are debris without rows, removed at the next start.
        await this.store.removeLocked(uploadId, true).catch(() => undefined);
        return info;
      } finally {
        await this.temp.discard(staged);
      }
    });
  }

  async abort(bucket: string, key: string, uploadId: string): Promise<void> {
    this.store.require(bucket, key, uploadId);
    await this.store.runLocked(uploadId, async () => {
      this.store.require(bucket, key, uploadId);
      await this.store.removeLocked(uploadId);
    });
  }

  listParts(bucket: string, key: string, uploadId: string): { upload: MultipartUpload; parts: UploadedPart[] } {
    const upload = this.store.require(bucket, key, uploadId);
    const parts = this.store.parts(uploadId).map(({ file: _file, ...part }) => part);
    return { upload, parts };
  }

  list(bucket: string): MultipartUpload[] {
    return this.store.list(bucket);
  }

  dropBucket(bucket: string, initiatedBefore?: number): Promise<void> {
    return this.store.dropBucket(bucket, initiatedBefore);
  }

  private partFile(uploadId: string, part: PartRow): PartFile {
    return { partNumber: part.partNumber, path: this.store.partPath(uploadId, part.file), size: part.size };
  }
}
