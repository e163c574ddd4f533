import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { joinInside, type KeyPath } from './paths.js';
import { entryKind, fsyncDirectory, isNotFound, pruneEmptyDirectories, realDirectoryInBucket } from './safe-fs.js';
import type { Sidecar } from './sidecar.js';

/**
 * Deletes an object: the file (or a folder object's row and body), then the
 * folders that became empty, up to but never including the bucket folder
 * and never a folder that is itself a folder object. The caller holds the
 * key's lock. Deleting what is not there succeeds.
 */
export async function removeObject(
  bucketDir: string,
  bucket: string,
  target: KeyPath,
  sidecar: Sidecar,
  folderBodyPath: (bucket: string, key: string) => string,
): Promise<void> {
  const keepFolder = (dir: string): boolean => {
    const relative = path.relative(bucketDir, dir).split(path.sep).join('/');
    return sidecar.getObject(bucket, `${relative}/`) !== undefined;
  };
  if (target.isFolderObject) {
    if (!sidecar.getObject(bucket, target.key)) return; // a bare directory is a prefix, not an object
    sidecar.deleteObject(bucket, target.key);
    await fs.rm(folderBodyPath(bucket, target.key), { force: true });
    await pruneEmptyDirectories(bucketDir, joinInside(bucketDir, target.segments), keepFolder);
    return;
  }
  const parentSegments = target.segments.slice(0, -1);
  const lexicalParent = parentSegments.length > 0 ? joinInside(bucketDir, parentSegments) : bucketDir;
  const realParent = await realDirectoryInBucket(bucketDir, lexicalParent);
  if (realParent !== undefined) {
    const filePath = path.join(realParent, target.segments[target.segments.length - 1]);
    const kind = await entryKind(bucketDir, filePath);
    // A symlink is removed itself, never its target; directories, special files and links leading out are not objects.
    if (kind === 'file' || kind === 'symlink-inside') {
      try {
        await fs.unlink(filePath);
        await fsyncDirectory(realParent);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
  sidecar.deleteObject(bucket, target.key);
  await pruneEmptyDirectories(bucketDir, lexicalParent, keepFolder);
}
