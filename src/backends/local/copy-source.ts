import * as fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import { S3Error } from '../../s3/errors.js';
import type { ChecksumAlgorithm, Checksums, ChecksumType, ObjectInfo } from '../../s3/types.js';
import { ByteCopier } from './file-copy.js';
import { ContentDigests } from '../../s3/content-digests.js';
import type { ObjectReader } from './object-reader.js';
import { checkSourceEtag } from '../../s3/conditions.js';
import type { KeyPath } from './paths.js';
import type { StagedFile, TempArea } from './temp-files.js';

/**
 * CopyObject of a whole object makes a single-part object, as on AWS: a
 * multipart source's copy gets the MD5 of its content as ETag (not the
 * "hex-N" form), full-object checksums recomputed for the source's
 * algorithms (a composite value describes parts the copy does not have), and
 * no part list. Any other source keeps its ETag, and the checksums the caller
 * carries (or the source's). Multipart sources are therefore read through
 * once; others are copied with a reflink where the file system can.
 */

/** What a copy's row records about its content. */
export interface CopiedContent {
  etag: string;
  checksums: Checksums;
  checksumType?: ChecksumType;
}

export interface RecomputedDigests {
  md5Hex: string;
  checksums: Checksums;
}

/** Whether the copy must recompute ETag and checksums: the source is a multipart object. */
export function needsRecompute(source: ObjectInfo): boolean {
  return source.parts !== undefined && source.parts.length > 0;
}

/** The checksum algorithms a copy carries: those the caller names, else the source's. */
export function copiedAlgorithms(source: ObjectInfo, carried: Checksums | undefined): ChecksumAlgorithm[] {
  return Object.keys(carried ?? source.checksums) as ChecksumAlgorithm[];
}

export function copiedContent(source: ObjectInfo, carried: Checksums | undefined, recomputed: RecomputedDigests | undefined): CopiedContent {
  if (recomputed) {
    const content: CopiedContent = { etag: recomputed.md5Hex, checksums: recomputed.checksums };
    if (Object.keys(recomputed.checksums).length > 0) content.checksumType = 'FULL_OBJECT';
    return content;
  }
  const checksums = carried ?? source.checksums;
  const content: CopiedContent = { etag: source.etag, checksums };
  if (Object.keys(checksums).length > 0) content.checksumType = source.checksumType ?? 'FULL_OBJECT';
  return content;
}

/**
 * Stages a copy of a source object's bytes for a copy to another key. Fails
 * with PreconditionFailed when the source's ETag is not the one the caller
 * evaluated its conditions on, and with ConditionalRequestConflict when the
 * file changed while it was copied. `recomputed` is present for multipart
 * sources (see the header comment).
 */
export async function stageCopySource(
  reader: ObjectReader,
  temp: TempArea,
  bucketDir: string,
  bucket: string,
  target: KeyPath,
  sourceEtag: string | undefined,
  carried: Checksums | undefined,
  signal?: AbortSignal,
): Promise<{ info: ObjectInfo; staged: StagedFile; recomputed?: RecomputedDigests } | undefined> {
  if (target.isFolderObject) {
    const info = await reader.describeFolder(bucketDir, bucket, target);
    if (!info) return undefined;
    checkSourceEtag(sourceEtag, info.etag);
    if (info.size === 0) {
      const staged = await temp.receive(Readable.from([]), signal);
      return needsRecompute(info) ? { info, staged, recomputed: new ContentDigests(copiedAlgorithms(info, carried)).result() } : { info, staged };
    }
    const bodyPath = reader.folderBodyPath(bucket, target.key);
    if (!needsRecompute(info)) return { info, staged: await temp.copyFrom(bodyPath, signal) };
    const handle = await fs.open(bodyPath, 'r');
    try {
      return { info, ...(await stageDigested(temp, handle, info.size, copiedAlgorithms(info, carried), signal)) };
    } finally {
      await handle.close();
    }
  }
  const opened = await reader.openFile(bucketDir, bucket, target, { waitForWriters: true, signal });
  if (!opened) return undefined;
  try {
    checkSourceEtag(sourceEtag, opened.info.etag);
    let staged: StagedFile;
    let recomputed: RecomputedDigests | undefined;
    if (needsRecompute(opened.info)) {
      const algorithms = copiedAlgorithms(opened.info, carried);
      ({ staged, recomputed } = await stageDigested(temp, opened.file.handle, opened.info.size, algorithms, signal));
    }
    else staged = await temp.copyFrom(opened.file.realPath, signal);
    const after = await opened.file.handle.stat({ bigint: true });
    if (after.size !== opened.file.stat.size || after.mtimeNs !== opened.file.stat.mtimeNs || staged.stat.size !== after.size) {
      await temp.discard(staged);
      throw new S3Error('ConditionalRequestConflict', { message: 'The source object changed while it was being copied' });
    }
    return recomputed ? { info: opened.info, staged, recomputed } : { info: opened.info, staged };
  } finally {
    await opened.file.handle.close();
  }
}

/** Copies `size` bytes of an open file into a new staged file, digesting them on the way. */
async function stageDigested(
  temp: TempArea,
  source: fs.FileHandle,
  size: number,
  algorithms: ChecksumAlgorithm[],
  signal: AbortSignal | undefined,
): Promise<{ staged: StagedFile; recomputed: RecomputedDigests }> {
  const digests = new ContentDigests(algorithms);
  const copier = new ByteCopier();
  const changed = (): Error => new S3Error('ConditionalRequestConflict', { message: 'The source object changed while it was being copied' });
  const staged = await temp.produce((dest) => copier.copy(source, size, dest, 0, changed, { onChunk: (chunk) => digests.update(chunk), signal }));
  const { md5Hex, checksums } = digests.result();
  return { staged, recomputed: { md5Hex, checksums } };
}
