import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checkWriteConditions, type WriteConditions } from '../../s3/conditions.js';
import { S3Error } from '../../s3/errors.js';
import type { ObjectInfo } from '../../s3/types.js';
import { objectLockKey, type KeyLocks } from '../key-locks.js';
import { infoFromRow, mtimeMs } from './object-info.js';
import type { ObjectReader } from './object-reader.js';
import type { KeyPath } from './paths.js';
import { entryKind, errnoCode, fsyncDirectory, isNotFound, keyConflict, prepareDirectories } from './safe-fs.js';
import type { ObjectRow, Sidecar } from './sidecar.js';
import { publish, type StagedFile } from './temp-files.js';

/** What the sidecar records about a new object besides where its bytes are. */
export interface NewObjectData extends Pick<ObjectRow, 'etag' | 'meta' | 'checksums' | 'checksumType' | 'tags' | 'parts'> {
  /**
   * Last-Modified of a folder object (its row carries it). A file's is its
   * mtime, which the caller sets on the staged file; defaults to now.
   */
  folderLastModifiedMs?: number;
}

/** Renames fail with these when a file and a folder collide at the target path. */
const CONFLICT_CODES = new Set(['EISDIR', 'ENOTDIR', 'ENOTEMPTY', 'EEXIST']);

/** A concurrent delete may prune a freshly made parent folder before the rename: try again. */
const PUBLISH_ATTEMPTS = 3;

/**
 * The commit step of every write: under the key's lock, check conditions,
 * put the staged bytes in place with one rename, fsync the directories, then
 * commit the sidecar row. The row is written last: a crash before it leaves
 * the new bytes visible with default metadata (a foreign file), never a row
 * describing bytes that are not there.
 */
export class ObjectWriter {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly locks: KeyLocks,
    private readonly reader: ObjectReader,
  ) {}

  async commit(
    bucketDir: string,
    bucket: string,
    target: KeyPath,
    staged: StagedFile,
    data: NewObjectData,
    conditions: WriteConditions,
    /** Sidecar work that must commit atomically with the object's row (a completion dropping its upload). */
    alsoInTransaction?: () => void,
  ): Promise<ObjectInfo> {
    return this.locks.run(objectLockKey(bucket, target.key), async () => {
      if (conditions.ifMatch !== undefined || conditions.ifNoneMatch !== undefined) {
        const current = await this.reader.describe(bucketDir, bucket, target, { waitForWriters: false });
        checkWriteConditions(conditions, current);
      }
      const row: ObjectRow = {
        bucket,
        key: target.key,
        size: Number(staged.stat.size),
        mtimeNs: staged.stat.mtimeNs,
        lastModifiedMs: target.isFolderObject ? (data.folderLastModifiedMs ?? Date.now()) : mtimeMs(staged.stat),
        etag: data.etag,
        meta: data.meta,
        checksums: data.checksums,
        writtenByCairn: true,
      };
      if (data.checksumType) row.checksumType = data.checksumType;
      if (data.tags && data.tags.length > 0) row.tags = data.tags;
      if (data.parts && data.parts.length > 0) row.parts = data.parts;
      for (let attempt = 1; ; attempt++) {
        try {
          if (target.isFolderObject) await this.publishFolderObject(bucketDir, bucket, target, staged);
          else await this.publishFile(bucketDir, bucket, target, staged);
          break;
        } catch (err) {
          if (!isNotFound(err) || attempt >= PUBLISH_ATTEMPTS) throw err;
          await fs.access(bucketDir).catch(() => {
            throw new S3Error('NoSuchBucket', { resource: bucket, extra: { BucketName: bucket } });
          });
        }
      }
      this.sidecar.putObject(row, alsoInTransaction);
      return infoFromRow(row);
    });
  }

  private async publishFile(bucketDir: string, bucket: string, target: KeyPath, staged: StagedFile): Promise<void> {
    const parents = await prepareDirectories(bucketDir, target.segments.slice(0, -1), target.key);
    const finalPath = path.join(parents.dir, target.segments[target.segments.length - 1]);
    switch (await entryKind(bucketDir, finalPath)) {
      case 'symlink-outside':
        throw new S3Error('AccessDenied', { message: 'The key names a symbolic link that leads outside its bucket' });
      case 'directory':
        await this.removeEmptyDirectoryAt(bucket, target.key, finalPath);
        break;
      default:
        break;
    }
    await this.fsyncCreated(parents.created);
    try {
      await publish(staged, finalPath);
    } catch (err) {
      const code = errnoCode(err);
      if (code !== undefined && CONFLICT_CODES.has(code)) throw keyConflict(target.key, 'a folder exists where the key needs a file');
      if (code === 'EXDEV') {
        // Writes are staged in <root>/.cairn/tmp and renamed into place, which needs one file system.
        throw new S3Error('InternalError', {
          message: 'The bucket folder is on a different file system than the backend root; the local backend cannot write there',
          cause: err,
        });
      }
      throw err;
    }
  }

  /** `a` may replace a leftover empty directory `a/`, but not a folder object or a prefix of other keys. */
  private async removeEmptyDirectoryAt(bucket: string, key: string, dir: string): Promise<void> {
    if (this.sidecar.getObject(bucket, `${key}/`)) throw keyConflict(key, `the folder object "${key}/" exists`);
    try {
      await fs.rmdir(dir);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw keyConflict(key, `keys with the prefix "${key}/" exist`);
      if (!isNotFound(err)) throw err;
    }
  }

  /** A folder object is its directory; a non-empty body is kept in the sidecar area. */
  private async publishFolderObject(bucketDir: string, bucket: string, target: KeyPath, staged: StagedFile): Promise<void> {
    const dirs = await prepareDirectories(bucketDir, target.segments, target.key);
    await this.fsyncCreated(dirs.created);
    const bodyPath = this.reader.folderBodyPath(bucket, target.key);
    if (staged.stat.size > 0n) await publish(staged, bodyPath);
    else await fs.rm(bodyPath, { force: true });
  }

  private async fsyncCreated(created: readonly string[]): Promise<void> {
    for (const dir of created) await fsyncDirectory(path.dirname(dir));
  }
}

