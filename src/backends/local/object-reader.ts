import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ObjectInfo, ObjectSummary } from '../../s3/types.js';
import type { KeyLocks } from '../key-locks.js';
import { objectLockKey } from '../key-locks.js';
import { foreignRow, infoFromRow, md5OfHandle, mtimeMs, rowMatchesFile, summaryFromInfo } from './object-info.js';
import type { WalkEntry } from './ordered-walk.js';
import { folderBodyFileName, joinInside, type KeyPath } from './paths.js';
import { isNotFound, openFileInBucket, realDirectoryInBucket, type OpenedFile } from './safe-fs.js';
import type { Sidecar } from './sidecar.js';

export interface OpenedObject {
  info: ObjectInfo;
  /** The open file (regular objects) — the caller closes it or streams from it. */
  file: OpenedFile;
}

export interface ReadOptions {
  /**
   * When the sidecar row does not match the file and a commit on the key is
   * in progress, wait for it and look again rather than answering with a
   * foreign-file view of a half-committed write. False inside the key's lock.
   */
  waitForWriters: boolean;
  signal?: AbortSignal;
}

/** Resolves what an object is (sidecar row or foreign file) for reads, conditions and listings. */
export class ObjectReader {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly locks: KeyLocks,
    private readonly folderBodyDir: string,
  ) {}

  folderBodyPath(bucket: string, key: string): string {
    return path.join(this.folderBodyDir, folderBodyFileName(bucket, key));
  }

  /** Opens a regular object; undefined when there is none. */
  async openFile(bucketDir: string, bucket: string, target: KeyPath, options: ReadOptions): Promise<OpenedObject | undefined> {
    const filePath = joinInside(bucketDir, target.segments);
    const lockKey = objectLockKey(bucket, target.key);
    for (let attempt = 0; ; attempt++) {
      const file = await openFileInBucket(bucketDir, filePath);
      if (!file) return undefined;
      const row = this.sidecar.getObject(bucket, target.key);
      if (rowMatchesFile(row, file.stat)) return { info: infoFromRow(row, mtimeMs(file.stat)), file };
      if (attempt === 0 && options.waitForWriters && this.locks.isHeld(lockKey)) {
        await file.handle.close();
        await this.locks.settled(lockKey);
        continue;
      }
      try {
        return { info: await this.foreignInfo(bucket, target.key, file, options.signal), file };
      } catch (err) {
        await file.handle.close();
        throw err;
      }
    }
  }

  /** A folder object exists while its directory does and its row does. */
  async describeFolder(bucketDir: string, bucket: string, target: KeyPath): Promise<ObjectInfo | undefined> {
    const row = this.sidecar.getObject(bucket, target.key);
    if (!row) return undefined;
    const dir = await realDirectoryInBucket(bucketDir, joinInside(bucketDir, target.segments));
    return dir === undefined ? undefined : infoFromRow(row);
  }

  async describe(bucketDir: string, bucket: string, target: KeyPath, options: ReadOptions): Promise<ObjectInfo | undefined> {
    if (target.isFolderObject) return this.describeFolder(bucketDir, bucket, target);
    const opened = await this.openFile(bucketDir, bucket, target, options);
    if (!opened) return undefined;
    await opened.file.handle.close();
    return opened.info;
  }

  /** One listing row; undefined when the entry vanished since the walk saw it. */
  async summarize(bucketDir: string, bucket: string, entry: WalkEntry, signal?: AbortSignal): Promise<ObjectSummary | undefined> {
    const key = entry.key.toString('utf8');
    if (entry.kind === 'folder') {
      const row = this.sidecar.getObject(bucket, key);
      return row && summaryFromInfo(infoFromRow(row));
    }
    const lockKey = objectLockKey(bucket, key);
    for (let attempt = 0; attempt < 2; attempt++) {
      let stat;
      try {
        stat = await fs.stat(entry.realPath, { bigint: true });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      if (!stat.isFile()) return undefined;
      const row = this.sidecar.getObject(bucket, key);
      if (rowMatchesFile(row, stat)) return summaryFromInfo(infoFromRow(row, mtimeMs(stat)));
      if (!this.locks.isHeld(lockKey)) break;
      await this.locks.settled(lockKey);
    }
    // A foreign file (or one changed behind cairn's back): its ETag is the MD5 of what is there now.
    const file = await openFileInBucket(bucketDir, entry.realPath);
    if (!file) return undefined;
    try {
      return summaryFromInfo(await this.foreignInfo(bucket, key, file, signal));
    } finally {
      await file.handle.close();
    }
  }

  /**
   * Default metadata and the content's MD5, cached in the sidecar when the
   * file did not change while it was hashed (otherwise the next read hashes again).
   */
  private async foreignInfo(bucket: string, key: string, file: OpenedFile, signal?: AbortSignal): Promise<ObjectInfo> {
    const seen = this.sidecar.getObject(bucket, key);
    const etag = await md5OfHandle(file.handle, signal);
    const row = foreignRow(bucket, key, file.stat, etag);
    const after = await file.handle.stat({ bigint: true });
    if (after.size === file.stat.size && after.mtimeNs === file.stat.mtimeNs) this.sidecar.cacheForeignObject(row, seen);
    return infoFromRow(row);
  }
}
