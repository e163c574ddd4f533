import { constants as fsc, type BigIntStats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { S3Error } from '../../s3/errors.js';
import { isWithin } from './paths.js';

/**
 * Symlink policy (the local backend's defence against path escape):
 *
 * - A symlink is followed only when its real target lies inside the same
 *   bucket folder. One leading elsewhere (another bucket, outside the root,
 *   dangling) is invisible: reads answer NoSuchKey, listings skip it, deletes
 *   leave it alone, and writes through or onto it answer AccessDenied.
 * - Reads check the real path of the opened descriptor (/proc/self/fd on
 *   Linux), so swapping a path for a symlink after the check cannot redirect
 *   the read. Writes check each parent component before creating anything;
 *   a local user racing those checks can still redirect a write, which is
 *   outside the threat model (S3 clients, not local accounts).
 * - Bucket folders themselves must be real directories, not symlinks.
 */

export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);

export function isNotFound(err: unknown): boolean {
  const code = errnoCode(err);
  return code !== undefined && NOT_FOUND_CODES.has(code);
}

/** Makes a directory's entries (creations, renames, removals) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

let procFdUsable: boolean | undefined;

/** The real path of what `handle` refers to; `pathUsed` is the fallback where /proc is missing. */
async function realPathOfHandle(handle: fs.FileHandle, pathUsed: string): Promise<string> {
  if (procFdUsable !== false) {
    try {
      const real = await fs.readlink(`/proc/self/fd/${handle.fd}`);
      procFdUsable = true;
      return real;
    } catch {
      procFdUsable = false;
    }
  }
  return fs.realpath(pathUsed);
}

export interface OpenedFile {
  handle: fs.FileHandle;
  stat: BigIntStats;
  /** Where the file really is (symlinks resolved); inside the bucket folder. */
  realPath: string;
}

/**
 * Opens a regular file of the bucket for reading. Returns undefined when
 * there is no such file as far as S3 is concerned: missing, not a regular
 * file, or (through a symlink anywhere on its path) really outside the bucket.
 */
export async function openFileInBucket(bucketDir: string, filePath: string): Promise<OpenedFile | undefined> {
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not hang; it has no effect on regular files.
    handle = await fs.open(filePath, fsc.O_RDONLY | fsc.O_NONBLOCK);
  } catch (err) {
    if (isNotFound(err) || errnoCode(err) === 'EISDIR') return undefined;
    if (errnoCode(err) === 'EACCES') throw new S3Error('AccessDenied', { message: 'The object file is not readable by the server' });
    throw err;
  }
  try {
    const stat = await handle.stat({ bigint: true });
    if (stat.isFile()) {
      const realPath = await realPathOfHandle(handle, filePath);
      if (isWithin(bucketDir, realPath)) return { handle, stat, realPath };
    }
  } catch (err) {
    await handle.close();
    if (isNotFound(err)) return undefined;
    throw err;
  }
  await handle.close();
  return undefined;
}

/** Stats a regular file of the bucket without keeping it open; same visibility rules as openFileInBucket. */
export async function statFileInBucket(bucketDir: string, filePath: string): Promise<BigIntStats | undefined> {
  const opened = await openFileInBucket(bucketDir, filePath);
  if (!opened) return undefined;
  await opened.handle.close();
  return opened.stat;
}

/** The real path of a directory of the bucket, or undefined when missing, not a directory, or outside. */
export async function realDirectoryInBucket(bucketDir: string, dirPath: string): Promise<string | undefined> {
  try {
    const real = await fs.realpath(dirPath);
    if (!isWithin(bucketDir, real)) return undefined;
    const stat = await fs.stat(real);
    return stat.isDirectory() ? real : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export interface PreparedParents {
  /** Real path of the deepest directory, where the new entry goes. */
  dir: string;
  /** Directories created here, outermost first; their parents need an fsync. */
  created: string[];
}

/**
 * Walks (creating as needed) the directories `segments` below the bucket
 * folder, one component at a time so that nothing is ever created through a
 * symlink leading out of the bucket. A file where a directory is needed is
 * the `a` vs `a/b` conflict.
 */
export async function prepareDirectories(bucketDir: string, segments: readonly string[], key: string): Promise<PreparedParents> {
  let dir = bucketDir;
  const created: string[] = [];
  for (const segment of segments) {
    const next = path.join(dir, segment);
    for (let attempt = 0; ; attempt++) {
      let stat;
      try {
        stat = await fs.lstat(next);
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') throw err;
        try {
          await fs.mkdir(next);
          created.push(next);
          dir = next;
          break;
        } catch (mkdirErr) {
          // Someone else created it between lstat and mkdir: look again.
          if (errnoCode(mkdirErr) === 'EEXIST' && attempt < 3) continue;
          throw mkdirErr;
        }
      }
      if (stat.isDirectory()) {
        dir = next;
      } else if (stat.isSymbolicLink()) {
        const real = await realDirectoryInBucket(bucketDir, next);
        if (real === undefined) {
          throw new S3Error('AccessDenied', { message: 'The key passes through a symbolic link that leads outside its bucket' });
        }
        dir = real;
      } else {
        throw keyConflict(key, 'a file exists where the key needs a folder');
      }
      break;
    }
  }
  return { dir, created };
}

export function keyConflict(key: string, reason: string): S3Error {
  return new S3Error('XCairnKeyConflict', {
    message: `The key "${key}" cannot be stored on this local backend: ${reason} (a file "a" and a key "a/b" cannot coexist on a file system)`,
  });
}

/** What currently sits at the path an object file would take. */
export type EntryKind = 'missing' | 'file' | 'directory' | 'symlink-inside' | 'symlink-outside' | 'other';

export async function entryKind(bucketDir: string, entryPath: string): Promise<EntryKind> {
  let stat;
  try {
    stat = await fs.lstat(entryPath);
  } catch (err) {
    if (isNotFound(err)) return 'missing';
    throw err;
  }
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'directory';
  if (stat.isSymbolicLink()) {
    try {
      return isWithin(bucketDir, await fs.realpath(entryPath)) ? 'symlink-inside' : 'symlink-outside';
    } catch (err) {
      if (isNotFound(err)) return 'symlink-outside';
      throw err;
    }
  }
  return 'other';
}

/**
 * Removes now-empty directories from `dir` upwards, stopping at the bucket
 * folder, at the first non-empty directory, at a symlink, or where `keep`
 * says the directory is a folder object. Paths are lexical below bucketDir.
 */
export async function pruneEmptyDirectories(bucketDir: string, dir: string, keep: (dir: string) => boolean): Promise<void> {
  let current = dir;
  while (current !== bucketDir && isWithin(bucketDir, current)) {
    if (keep(current)) return;
    try {
      await fs.rmdir(current);
    } catch {
      // ENOTEMPTY, ENOENT, ENOTDIR (a symlink), EBUSY: stop pruning here.
      return;
    }
    const parent = path.dirname(current);
    await fsyncDirectory(parent).catch(() => undefined);
    current = parent;
  }
}
