import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { S3Error } from '../../s3/errors.js';
import { assertValidObjectKey, bucketNameProblem } from '../../s3/names.js';

/**
 * Key ↔ path mapping for the local backend. A key `a/b/c` is the file
 * `<bucket>/a/b/c`; a key ending in `/` (`a/b/`) is the directory
 * `<bucket>/a/b` (a "folder object"). Everything here is lexical; the
 * symlink-aware checks live in safe-fs.ts.
 */

/** Longest single path component common file systems accept (ext4, XFS, btrfs, ZFS). */
export const MAX_SEGMENT_BYTES = 255;

/** The root-level folder holding the sidecar, temp files and folder-object bodies. */
export const SIDECAR_DIR_NAME = '.cairn';

export interface KeyPath {
  key: string;
  /** Path components below the bucket folder; never empty, never `.`/`..`. */
  segments: string[];
  /** True for `a/b/`: the object is represented by the directory itself. */
  isFolderObject: boolean;
}

/**
 * Validates a key for this backend and splits it into path components.
 * On top of the S3-wide rules (assertValidObjectKey), a file system cannot
 * hold a leading `/`, an empty component (`a//b`) or a component over 255 bytes.
 */
export function keyToPath(key: string): KeyPath {
  assertValidObjectKey(key);
  if (key.startsWith('/')) {
    throw new S3Error('InvalidArgument', {
      message: 'Object keys starting with "/" cannot be stored on a local file system backend',
      extra: { ArgumentName: 'key', ArgumentValue: key },
    });
  }
  const isFolderObject = key.endsWith('/');
  const segments = (isFolderObject ? key.slice(0, -1) : key).split('/');
  for (const segment of segments) {
    if (segment.length === 0) {
      throw new S3Error('InvalidArgument', {
        message: 'Object keys with an empty path segment ("//") cannot be stored on a local file system backend',
        extra: { ArgumentName: 'key', ArgumentValue: key },
      });
    }
    if (segment.includes('\0')) {
      throw new S3Error('InvalidArgument', { message: 'Object key contains NUL', extra: { ArgumentName: 'key' } });
    }
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      throw new S3Error('KeyTooLongError', {
        message: `A path segment of the key is longer than ${MAX_SEGMENT_BYTES} bytes, which a local file system cannot store`,
        extra: { MaxSegmentBytes: String(MAX_SEGMENT_BYTES) },
      });
    }
  }
  return { key, segments, isFolderObject };
}

/** Whether a bucket name may map to a folder of the root (valid S3 name, so no `/`, no leading `.`). */
export function isBucketFolderName(name: string): boolean {
  return bucketNameProblem(name) === undefined;
}

/** True when `child` is `parent` itself or lies below it (both absolute and normalised). */
export function isWithin(parent: string, child: string): boolean {
  if (child === parent) return true;
  const withSep = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return child.startsWith(withSep);
}

/**
 * Joins components under `base` and proves, lexically, that the result stays
 * below it: defence in depth behind keyToPath's segment checks.
 */
export function joinInside(base: string, segments: readonly string[]): string {
  const joined = path.resolve(base, ...segments);
  if (!isWithin(base, joined) || joined === base) {
    throw new S3Error('AccessDenied', { message: 'The key maps outside its bucket' });
  }
  return joined;
}

/** Folder paths that a listing prefix pins down: `a/b/c` → [`a`, `b`]; undefined when no valid key can match. */
export function prefixDirectorySegments(prefix: string): string[] | undefined {
  const slash = prefix.lastIndexOf('/');
  if (slash < 0) return [];
  const segments = prefix.slice(0, slash).split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..' || segment.includes('\0')) return undefined;
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) return undefined;
  }
  return segments;
}

/** File name (under `.cairn/dirobj/`) holding the body of a folder object, when it has one. */
export function folderBodyFileName(bucket: string, key: string): string {
  return createHash('sha256').update(bucket).update('\0').update(key).digest('hex');
}
