import * as fs from 'node:fs/promises';
import { S3Error } from '../../s3/errors.js';
import type { Checksums, ObjectInfo, ObjectMeta, Tag } from '../../s3/types.js';
import { copiedAlgorithms, copiedContent, needsRecompute, type RecomputedDigests } from './copy-source.js';
import { ContentDigests } from '../../s3/content-digests.js';
import { digestFile } from './file-digests.js';
import { objectLockKey, type KeyLocks } from '../key-locks.js';
import { foreignRow, infoFromRow, mtimeMs } from './object-info.js';
import type { ObjectReader } from './object-reader.js';
import { checkSourceEtag } from '../../s3/conditions.js';
import type { KeyPath } from './paths.js';
import type { ObjectRow, Sidecar } from './sidecar.js';

/** What a copy onto itself sets; the content stays. */
export interface MetadataReplacement {
  meta: ObjectMeta;
  tags?: Tag[];
  /** Checksums carried by the caller (the source's when omitted). */
  checksums?: Checksums;
}

/** Attempts at tagging a foreign file that keeps changing under us before giving up. */
const TAG_ATTEMPTS = 3;

/**
 * Changes to an object's sidecar row that leave its bytes in place: a copy
 * onto itself and tag updates. Both run under the key's lock, like writes,
 * and write a row only for the file they checked (same size and mtime).
 */
export class ObjectMetaUpdates {
  constructor(
    private readonly sidecar: Sidecar,
    private readonly locks: KeyLocks,
    private readonly reader: ObjectReader,
  ) {}

  /**
   * Copy onto itself: the bytes stay, the metadata is replaced and the object
   * counts as modified now (its mtime is bumped so the new row matches the
   * file). A multipart object becomes single-part, as a copy does on AWS:
   * its ETag and checksums are recomputed from the content (copy-source.ts).
   */
  async replaceMetadata(bucketDir: string, bucket: string, target: KeyPath, update: MetadataReplacement, sourceEtag: string | undefined, signal?: AbortSignal): Promise<ObjectInfo> {
    return this.locks.run(objectLockKey(bucket, target.key), async () => {
      let row: ObjectRow;
      if (target.isFolderObject) {
        const current = await this.reader.describeFolder(bucketDir, bucket, target);
        if (!current) throw new S3Error('NoSuchKey', { extra: { Key: target.key } });
        checkSourceEtag(sourceEtag, current.etag);
        const recomputed = needsRecompute(current) ? await this.digestFolderBody(bucket, target.key, current, update.checksums, signal) : undefined;
        const previous = this.sidecar.getObject(bucket, target.key)!;
        row = { ...withoutContentFields(previous), lastModifiedMs: Date.now(), meta: update.meta, writtenByCairn: true, ...copiedContent(current, update.checksums, recomputed) };
      } else {
        const opened = await this.reader.openFile(bucketDir, bucket, target, { waitForWriters: false, signal });
        if (!opened) throw new S3Error('NoSuchKey', { extra: { Key: target.key } });
        try {
          checkSourceEtag(sourceEtag, opened.info.etag);
          let recomputed: RecomputedDigests | undefined;
          if (needsRecompute(opened.info)) {
            const digests = await digestFile(opened.file.handle, copiedAlgorithms(opened.info, update.checksums), signal);
            if (digests.size !== opened.info.size) throw changedMeanwhile();
            recomputed = digests;
          }
          const now = new Date();
          await opened.file.handle.utimes(now, now);
          const stat = await opened.file.handle.stat({ bigint: true });
          if (stat.size !== opened.file.stat.size) throw changedMeanwhile();
          row = {
            bucket,
            key: target.key,
            size: Number(stat.size),
            mtimeNs: stat.mtimeNs,
            lastModifiedMs: mtimeMs(stat),
            meta: update.meta,
            writtenByCairn: true,
            ...copiedContent(opened.info, update.checksums, recomputed),
          };
        } finally {
          await opened.file.handle.close();
        }
      }
      if (row.checksumType === undefined) delete row.checksumType;
      if (update.tags && update.tags.length > 0) row.tags = update.tags;
      this.sidecar.putObject(row);
      return infoFromRow(row);
    });
  }

  /**
   * Replaces the object's tags; the file, its mtime and the other metadata
   * stay. A file cairn did not write gets a row of its own (default
   * metadata, its MD5 as ETag) recording the tags — valid, like any row,
   * only while the file keeps its size and mtime: a file changed by another
   * program is a new object without tags.
   */
  async updateTags(bucketDir: string, bucket: string, target: KeyPath, tags: Tag[], signal?: AbortSignal): Promise<ObjectInfo> {
    return this.locks.run(objectLockKey(bucket, target.key), async () => {
      if (target.isFolderObject) {
        const current = await this.reader.describeFolder(bucketDir, bucket, target);
        if (!current) throw new S3Error('NoSuchKey', { extra: { Key: target.key } });
        const row: ObjectRow = { ...this.sidecar.getObject(bucket, target.key)!, tags };
        if (tags.length === 0) delete row.tags;
        this.sidecar.putObject(row);
        return infoFromRow(row);
      }
      for (let attempt = 0; attempt < TAG_ATTEMPTS; attempt++) {
        // For a foreign file this computes (and caches) its ETag.
        const opened = await this.reader.openFile(bucketDir, bucket, target, { waitForWriters: false, signal });
        if (!opened) throw new S3Error('NoSuchKey', { extra: { Key: target.key } });
        try {
          const { stat } = opened.file;
          const fileMtimeMs = mtimeMs(stat);
          if (this.sidecar.updateTags(bucket, target.key, tags, Number(stat.size), stat.mtimeNs)) {
            return infoFromRow(this.sidecar.getObject(bucket, target.key)!, fileMtimeMs);
          }
          // No row describes this file (its ETag could not be cached): write one, if the file is still the one hashed.
          const after = await opened.file.handle.stat({ bigint: true });
          if (after.size === stat.size && after.mtimeNs === stat.mtimeNs) {
            const row: ObjectRow = { ...foreignRow(bucket, target.key, stat, opened.info.etag), tags };
            if (tags.length === 0) delete row.tags;
            this.sidecar.putObject(row);
            return infoFromRow(row, fileMtimeMs);
          }
        } finally {
          await opened.file.handle.close();
        }
      }
      throw new S3Error('ConditionalRequestConflict', { message: 'The object kept changing while its tags were being set' });
    });
  }

  private async digestFolderBody(bucket: string, key: string, current: ObjectInfo, carried: Checksums | undefined, signal?: AbortSignal): Promise<RecomputedDigests> {
    const algorithms = copiedAlgorithms(current, carried);
    if (current.size === 0) return new ContentDigests(algorithms).result();
    const handle = await fs.open(this.reader.folderBodyPath(bucket, key), 'r');
    try {
      const digests = await digestFile(handle, algorithms, signal);
      if (digests.size !== current.size) throw changedMeanwhile();
      return digests;
    } finally {
      await handle.close();
    }
  }
}

/** The row minus what describes content, which a copy replaces wholesale. */
function withoutContentFields(row: ObjectRow): ObjectRow {
  const rest: ObjectRow = { ...row };
  delete rest.tags;
  delete rest.parts;
  delete rest.checksumType;
  return rest;
}

function changedMeanwhile(): S3Error {
  return new S3Error('ConditionalRequestConflict', { message: 'The object changed while it was being copied' });
}
