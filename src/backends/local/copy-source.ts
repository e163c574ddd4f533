import { Readable } from 'node:stream';
import { S3Error } from '../../s3/errors.js';
import type { ObjectInfo } from '../../s3/types.js';
import type { ObjectReader } from './object-reader.js';
import { checkSourceEtag } from './object-writer.js';
import type { KeyPath } from './paths.js';
import type { StagedFile, TempArea } from './temp-files.js';

/**
 * Stages a copy of a source object's bytes (a reflink where the file system
 * can) for a copy to another key. Fails with PreconditionFailed when the
 * source's ETag is not the one the caller evaluated its conditions on, and
 * with ConditionalRequestConflict when the file changed while it was copied.
 */
export async function stageCopySource(
  reader: ObjectReader,
  temp: TempArea,
  bucketDir: string,
  bucket: string,
  target: KeyPath,
  sourceEtag: string | undefined,
  signal?: AbortSignal,
): Promise<{ info: ObjectInfo; staged: StagedFile } | undefined> {
  if (target.isFolderObject) {
    const info = await reader.describeFolder(bucketDir, bucket, target);
    if (!info) return undefined;
    checkSourceEtag(sourceEtag, info.etag);
    const staged =
      info.size > 0 ? await temp.copyFrom(reader.folderBodyPath(bucket, target.key), signal) : await temp.receive(Readable.from([]), signal);
    return { info, staged };
  }
  const opened = await reader.openFile(bucketDir, bucket, target, { waitForWriters: true, signal });
  if (!opened) return undefined;
  try {
    checkSourceEtag(sourceEtag, opened.info.etag);
    const staged = await temp.copyFrom(opened.file.realPath, signal);
    const after = await opened.file.handle.stat({ bigint: true });
    if (after.size !== opened.file.stat.size || after.mtimeNs !== opened.file.stat.mtimeNs || staged.stat.size !== after.size) {
      await temp.discard(staged);
      throw new S3Error('ConditionalRequestConflict', { message: 'The source object changed while it was being copied' });
    }
    return { info: opened.info, staged };
  } finally {
    await opened.file.handle.close();
  }
}
