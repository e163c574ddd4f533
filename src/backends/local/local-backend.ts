/**
 * The local-filesystem backend: an existing directory tree served as S3.
 *
 * - A bucket is a real directory directly under the root; an object is the
 *   file at its key path (`photos/2024/a.jpg`). Files other programs put in
 *   the tree are objects (default metadata, ETag = MD5 of the content,
 *   computed on first need and cached); objects written through S3 are plain
 *   files other programs can read.
 * - Metadata lives in a SQLite sidecar at `<root>/.cairn/meta.db` (sidecar.ts);
 *   `.cairn` also holds the staging area for writes and folder-object bodies.
 * - A key ending in '/' (`a/b/`, a "folder object") is the directory itself
 *   plus a sidecar row. A bare directory without a row is only a prefix.
 * - Key conflicts: a file `a` and a key `a/b` cannot coexist on a file
 *   system, so writing one while the other exists fails with
 *   XCairnKeyConflict (409) and writes nothing (capabilities.fileAndPrefixCoexist
 *   is false). Writing `a` over a leftover empty directory `a` is allowed.
 * - Keys a file system cannot hold (leading '/', empty segment `a//b`, a
 *   segment over 255 bytes) are refused on write (InvalidArgument /
 *   KeyTooLongError); reading or deleting them finds nothing.
 * - Symlinks: followed only within the same bucket; see safe-fs.ts.
 * - Writes are staged in `.cairn/tmp`, fsynced, renamed into place, the
 *   directory fsynced, then the sidecar row committed (object-writer.ts).
 * - Tags live in the object's sidecar row; changing them leaves the file
 *   alone (object-meta-updates.ts).
 * - Multipart uploads keep their parts under `.cairn/multipart/<uploadId>/`
 *   (multipart-store.ts); completion concatenates the chosen parts into the
 *   object's file (multipart-assembler.ts) and keeps the part list in the row.
 * - Deleting a bucket discards its uploads in progress, as AWS does for
 *   general purpose buckets (only objects make a bucket "not empty").
 * - Unversioned: versionId "null" names the only version.
 */
import { mkdirSync, realpathSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { S3Error } from '../../s3/errors.js';
import { assertValidObjectKey } from '../../s3/names.js';
import { resolveRange } from '../../s3/range.js';
import type { BucketInfo, ByteRange, Checksums, MultipartUpload, ObjectInfo, UploadedPart } from '../../s3/types.js';
import type {
  Backend,
  BackendCapabilities,
  BucketConfigKind,
  CopyObjectOptions,
  CreateMultipartOptions,
  DeleteObjectsEntry,
  DeleteResult,
  GetObjectOptions,
  GetObjectResult,
  IncomingBody,
  ListObjectsOptions,
  ListObjectsResult,
  MultipartCompletion,
  ObjectMetaUpdate,
  ObjectRef,
  PutObjectOptions,
} from '../backend.js';
import { LocalBuckets } from './buckets.js';
import { KeyLocks, objectLockKey } from '../key-locks.js';
import { listBucket } from './list-page.js';
import { emptyBody, endOnAbort, fileBody, folderObjectBody } from './object-bodies.js';
import { ObjectReader } from './object-reader.js';
import { removeObject } from './object-remover.js';
import { ObjectWriter } from './object-writer.js';
import { copiedContent, stageCopySource } from './copy-source.js';
import { MultipartStore } from './multipart-store.js';
import { LocalMultipart } from './multipart-uploads.js';
import { ObjectMetaUpdates } from './object-meta-updates.js';
import { keyToPath, SIDECAR_DIR_NAME, type KeyPath } from './paths.js';
import { Sidecar } from './sidecar.js';
import { TempArea } from './temp-files.js';
import { UploadRows } from './upload-rows.js';

export interface LocalBackendOptions {
  /** The directory served; created if missing. */
  root: string;
  /** Region reported for bucket folders cairn did not create. */
  defaultRegion?: string;
}

export class LocalBackend implements Backend {
  readonly type = 'local';
  readonly capabilities: BackendCapabilities = { versioning: false, objectLock: false, fileAndPrefixCoexist: false };

  private constructor(
    private readonly rootDir: string,
    private readonly sidecar: Sidecar,
    private readonly temp: TempArea,
    private readonly buckets: LocalBuckets,
    private readonly locks: KeyLocks,
    private readonly reader: ObjectReader,
    private readonly writer: ObjectWriter,
    private readonly metaUpdates: ObjectMetaUpdates,
    private readonly multipart: LocalMultipart,
  ) {}

  /**
   * Opens (creating if needed) the served directory and its sidecar, and
   * removes temp files and part files left by a crash. Blocking I/O: meant
   * for startup.
   */
  static open(options: LocalBackendOptions): LocalBackend {
    mkdirSync(options.root, { recursive: true });
    const rootDir = realpathSync.native(options.root);
    const sidecarDir = path.join(rootDir, SIDECAR_DIR_NAME);
    const folderBodyDir = path.join(sidecarDir, 'dirobj');
    mkdirSync(folderBodyDir, { recursive: true });
    const temp = new TempArea(path.join(sidecarDir, 'tmp'));
    temp.openSync();
    const sidecar = new Sidecar(path.join(sidecarDir, 'meta.db'));
    const locks = new KeyLocks();
    const reader = new ObjectReader(sidecar, locks, folderBodyDir);
    const writer = new ObjectWriter(sidecar, locks, reader);
    const buckets = new LocalBuckets(rootDir, sidecar, options.defaultRegion ?? 'us-east-1');
    const store = new MultipartStore(path.join(sidecarDir, 'multipart'), new UploadRows(sidecar.database));
    store.openSync();
    const multipart = new LocalMultipart(store, temp, reader, writer);
    const metaUpdates = new ObjectMetaUpdates(sidecar, locks, reader);
    return new LocalBackend(rootDir, sidecar, temp, buckets, locks, reader, writer, metaUpdates, multipart);
  }

  /** The directory served, with symlinks resolved. */
  get root(): string {
    return this.rootDir;
  }

  // ── buckets ──────────────────────────────────────────────────────────

  listBuckets(): Promise<BucketInfo[]> {
    return this.buckets.list();
  }

  async createBucket(bucket: string, options: { region: string }): Promise<void> {
    // Uploads recorded for a bucket whose folder is gone (removed behind cairn's back) are stale:
    // drop them before the name is reused — only those older than this check, so uploads begun
    // in a bucket a concurrent create just made are never caught.
    const checkedAt = Date.now();
    if (!(await this.bucketExists(bucket))) await this.multipart.dropBucket(bucket, checkedAt);
    return this.buckets.create(bucket, options.region);
  }

  headBucket(bucket: string): Promise<BucketInfo> {
    return this.buckets.head(bucket);
  }

  async deleteBucket(bucket: string): Promise<void> {
    const bucketDir = await this.buckets.require(bucket);
    const folderKeys = await this.buckets.delete(bucket, async (_bucket, key) => {
      return (await this.reader.describeFolder(bucketDir, bucket, keyToPath(key))) !== undefined;
    });
    for (const key of folderKeys) await fs.rm(this.reader.folderBodyPath(bucket, key), { force: true });
    // AWS deletes a general purpose bucket with uploads in progress, and they go with it.
    await this.multipart.dropBucket(bucket);
  }

  getBucketConfig(bucket: string, kind: BucketConfigKind): Promise<string | undefined> {
    return this.buckets.getConfig(bucket, kind);
  }

  putBucketConfig(bucket: string, kind: BucketConfigKind, doc: string | undefined): Promise<void> {
    return this.buckets.putConfig(bucket, kind, doc);
  }

  // ── objects ──────────────────────────────────────────────────────────

  async putObject(bucket: string, key: string, body: IncomingBody, options: PutObjectOptions, signal?: AbortSignal): Promise<ObjectInfo> {
    const bucketDir = await this.buckets.require(bucket);
    const target = keyToPath(key);
    const { staged, digests } = await this.temp.receiveBody(body, signal);
    try {
      return await this.writer.commit(
        bucketDir,
        bucket,
        target,
        staged,
        { etag: digests.md5Hex, meta: options.meta, checksums: digests.checksums, checksumType: fullObjectIfAny(digests.checksums), tags: options.tags },
        { ifMatch: options.ifMatch, ifNoneMatch: options.ifNoneMatch },
      );
    } finally {
      await this.temp.discard(staged);
    }
  }

  async getObject(bucket: string, key: string, options: GetObjectOptions, signal?: AbortSignal): Promise<GetObjectResult> {
    const bucketDir = await this.buckets.require(bucket);
    assertReadableVersion(options.versionId);
    const target = targetForRead(key);
    if (target?.isFolderObject) {
      const info = await this.reader.describeFolder(bucketDir, bucket, target);
      if (!info) throw noSuchKey(key);
      const range = options.range && resolveRange(options.range, info.size);
      const body = info.size === 0 ? emptyBody() : await folderObjectBody(this.reader.folderBodyPath(bucket, key), key, range, info.size);
      return withRange({ info, body: endOnAbort(body, signal) }, range);
    }
    const opened = target && (await this.reader.openFile(bucketDir, bucket, target, { waitForWriters: true, signal }));
    if (!opened) throw noSuchKey(key);
    let range: ByteRange | undefined;
    try {
      range = options.range && resolveRange(options.range, opened.info.size);
    } catch (err) {
      await opened.file.handle.close();
      throw err;
    }
    // The stream owns the handle from here (autoClose): it closes on end, error or destroy.
    const body = fileBody(opened.file.handle, range, opened.info.size);
    return withRange({ info: opened.info, body: endOnAbort(body, signal) }, range);
  }

  async headObject(bucket: string, key: string, options: { versionId?: string }, signal?: AbortSignal): Promise<ObjectInfo> {
    const bucketDir = await this.buckets.require(bucket);
    assertReadableVersion(options.versionId);
    const target = targetForRead(key);
    const info = target && (await this.reader.describe(bucketDir, bucket, target, { waitForWriters: true, signal }));
    if (!info) throw noSuchKey(key);
    return info;
  }

  async copyObject(source: ObjectRef, dest: ObjectRef, options: CopyObjectOptions, signal?: AbortSignal): Promise<ObjectInfo> {
    const sourceDir = await this.buckets.require(source.bucket);
    const destDir = await this.buckets.require(dest.bucket);
    assertReadableVersion(source.versionId);
    const sourceTarget = targetForRead(source.key);
    if (!sourceTarget) throw noSuchKey(source.key);
    const destTarget = keyToPath(dest.key);

    if (source.bucket === dest.bucket && source.key === dest.key) {
      return this.metaUpdates.replaceMetadata(
        destDir,
        dest.bucket,
        destTarget,
        { meta: options.meta, tags: options.tags, checksums: options.checksums },
        options.sourceEtag,
        signal,
      );
    }

    const copied = await stageCopySource(this.reader, this.temp, sourceDir, source.bucket, sourceTarget, options.sourceEtag, options.checksums, signal);
    if (!copied) throw noSuchKey(source.key);
    const { info, staged, recomputed } = copied;
    try {
      return await this.writer.commit(
        destDir,
        dest.bucket,
        destTarget,
        staged,
        { ...copiedContent(info, options.checksums, recomputed), meta: options.meta, tags: options.tags },
        {},
      );
    } finally {
      await this.temp.discard(staged);
    }
  }

  async deleteObject(bucket: string, key: string, options: { versionId?: string }): Promise<DeleteResult> {
    const bucketDir = await this.buckets.require(bucket);
    if (options.versionId !== undefined && options.versionId !== 'null') {
      throw new S3Error('InvalidArgument', { message: 'Invalid version id specified', extra: { ArgumentName: 'versionId', ArgumentValue: options.versionId } });
    }
    const target = targetForRead(key);
    if (target) {
      await this.locks.run(objectLockKey(bucket, key), () =>
        removeObject(bucketDir, bucket, target, this.sidecar, (b, k) => this.reader.folderBodyPath(b, k)),
      );
    }
    return options.versionId === undefined ? {} : { versionId: options.versionId };
  }

  async deleteObjects(bucket: string, objects: { key: string; versionId?: string }[], signal?: AbortSignal): Promise<DeleteObjectsEntry[]> {
    await this.buckets.require(bucket);
    const results: DeleteObjectsEntry[] = [];
    for (const { key, versionId } of objects) {
      signal?.throwIfAborted();
      const echo = versionId === undefined ? {} : { versionId };
      try {
        await this.deleteObject(bucket, key, { versionId });
        results.push({ key, ...echo, deleted: true });
      } catch (err) {
        const s3 = err instanceof S3Error ? err : new S3Error('InternalError', { cause: err });
        results.push({ key, ...echo, deleted: false, code: s3.code, message: s3.message });
      }
    }
    return results;
  }

  async listObjects(bucket: string, options: ListObjectsOptions, signal?: AbortSignal): Promise<ListObjectsResult> {
    const bucketDir = await this.buckets.require(bucket);
    return listBucket(bucketDir, options, {
      isFolderObject: (key) => this.sidecar.getObject(bucket, key) !== undefined,
      describe: (entry) => this.reader.summarize(bucketDir, bucket, entry, signal),
    });
  }

  async updateObjectMeta(bucket: string, key: string, update: ObjectMetaUpdate, signal?: AbortSignal): Promise<ObjectInfo> {
    const bucketDir = await this.buckets.require(bucket);
    const target = targetForRead(key);
    if (!target) throw noSuchKey(key);
    if (update.tags === undefined) {
      const info = await this.reader.describe(bucketDir, bucket, target, { waitForWriters: true, signal });
      if (!info) throw noSuchKey(key);
      return info;
    }
    return this.metaUpdates.updateTags(bucketDir, bucket, target, update.tags, signal);
  }

  // ── multipart ────────────────────────────────────────────────────────

  async createMultipartUpload(bucket: string, key: string, options: CreateMultipartOptions): Promise<MultipartUpload> {
    await this.buckets.require(bucket);
    return this.multipart.create(bucket, key, options);
  }

  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: IncomingBody, signal?: AbortSignal): Promise<UploadedPart> {
    await this.buckets.require(bucket);
    return this.multipart.uploadPart(bucket, key, uploadId, partNumber, body, signal);
  }

  async completeMultipartUpload(bucket: string, key: string, uploadId: string, completion: MultipartCompletion, signal?: AbortSignal): Promise<ObjectInfo> {
    const bucketDir = await this.buckets.require(bucket);
    return this.multipart.complete(bucketDir, bucket, key, uploadId, completion, signal);
  }

  async abortMultipartUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.buckets.require(bucket);
    await this.multipart.abort(bucket, key, uploadId);
  }

  async listParts(bucket: string, key: string, uploadId: string): Promise<{ upload: MultipartUpload; parts: UploadedPart[] }> {
    await this.buckets.require(bucket);
    return this.multipart.listParts(bucket, key, uploadId);
  }

  async listMultipartUploads(bucket: string): Promise<MultipartUpload[]> {
    await this.buckets.require(bucket);
    return this.multipart.list(bucket);
  }

  private async bucketExists(bucket: string): Promise<boolean> {
    try {
      await this.buckets.require(bucket);
      return true;
    } catch (err) {
      if (err instanceof S3Error && err.code === 'NoSuchBucket') return false;
      throw err;
    }
  }

  async close(): Promise<void> {
    this.sidecar.close();
  }
}

/**
 * The key's path for a read or delete, or undefined when the key is valid
 * in S3 but cannot name a file here (so no such object can exist).
 */
function targetForRead(key: string): KeyPath | undefined {
  assertValidObjectKey(key);
  try {
    return keyToPath(key);
  } catch {
    return undefined;
  }
}

function assertReadableVersion(versionId: string | undefined): void {
  if (versionId !== undefined && versionId !== 'null') {
    throw new S3Error('NoSuchVersion', { extra: { VersionId: versionId } });
  }
}

function noSuchKey(key: string): S3Error {
  return new S3Error('NoSuchKey', { extra: { Key: key } });
}

function fullObjectIfAny(checksums: Checksums): 'FULL_OBJECT' | undefined {
  return Object.keys(checksums).length > 0 ? 'FULL_OBJECT' : undefined;
}

function withRange(result: GetObjectResult, range: ByteRange | undefined): GetObjectResult {
  if (range) result.range = range;
  return result;
}
