import type { Stats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { S3Error } from '../../s3/errors.js';
import { assertValidBucketName } from '../../s3/names.js';
import type { BucketInfo } from '../../s3/types.js';
import type { BucketConfigKind } from '../backend.js';
import { isBucketFolderName } from './paths.js';
import { errnoCode, fsyncDirectory, isNotFound } from './safe-fs.js';
import type { Sidecar } from './sidecar.js';

/**
 * Buckets of the local backend: a bucket is a real directory directly under
 * the root whose name is a valid S3 bucket name. The folder is the truth; a
 * sidecar row only adds the creation date and region cairn recorded. Folders
 * other programs create are buckets too (creation date from the folder).
 * `.cairn` can never be one: bucket names cannot start with '.'.
 */
export class LocalBuckets {
  constructor(
    private readonly rootDir: string,
    private readonly sidecar: Sidecar,
    private readonly defaultRegion: string,
  ) {}

  /** The bucket's folder (a real path) or NoSuchBucket. */
  async require(bucket: string): Promise<string> {
    const dir = this.folderOf(bucket);
    const stat = dir === undefined ? undefined : await lstatOrUndefined(dir);
    if (dir === undefined || !stat?.isDirectory()) throw noSuchBucket(bucket);
    return dir;
  }

  async list(): Promise<BucketInfo[]> {
    const dirents = await fs.readdir(this.rootDir, { withFileTypes: true });
    const buckets: BucketInfo[] = [];
    for (const dirent of dirents) {
      if (!isBucketFolderName(dirent.name)) continue;
      const stat = await lstatOrUndefined(path.join(this.rootDir, dirent.name));
      if (stat?.isDirectory()) buckets.push(this.describe(dirent.name, stat));
    }
    return buckets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async head(bucket: string): Promise<BucketInfo> {
    const dir = await this.require(bucket);
    const stat = await lstatOrUndefined(dir);
    if (!stat) throw noSuchBucket(bucket);
    return this.describe(bucket, stat);
  }

  async create(bucket: string, region: string): Promise<void> {
    assertValidBucketName(bucket);
    const dir = path.join(this.rootDir, bucket);
    try {
      await fs.mkdir(dir);
    } catch (err) {
      if (errnoCode(err) !== 'EEXIST') throw err;
      const stat = await lstatOrUndefined(dir);
      throw new S3Error(stat?.isDirectory() ? 'BucketAlreadyOwnedByYou' : 'BucketAlreadyExists', { resource: bucket });
    }
    await fsyncDirectory(this.rootDir);
    this.sidecar.createBucket({ name: bucket, createdMs: Date.now(), region });
  }

  /**
   * A bucket is empty when it holds no file (of any kind, symlinks included)
   * and no folder object; leftover empty directories are removed with it.
   * Directories are removed one by one with rmdir, never recursively, so an
   * object written concurrently makes the delete fail instead of vanishing.
   */
  async delete(bucket: string, folderObjectExists: (bucket: string, key: string) => Promise<boolean>): Promise<string[]> {
    const dir = await this.require(bucket);
    const directories: Buffer[] = [];
    await collectDirectoriesOrFail(Buffer.from(dir), directories, bucket);
    const folderKeys = this.sidecar.folderObjectKeys(bucket);
    for (const key of folderKeys) {
      if (await folderObjectExists(bucket, key)) throw bucketNotEmpty(bucket);
    }
    // Deepest first: children were pushed after their parents.
    for (const sub of directories.reverse()) {
      try {
        await fs.rmdir(sub);
      } catch (err) {
        if (errnoCode(err) === 'ENOTEMPTY' || errnoCode(err) === 'EEXIST') throw bucketNotEmpty(bucket);
        if (!isNotFound(err)) throw err;
      }
    }
    try {
      await fs.rmdir(dir);
    } catch (err) {
      if (errnoCode(err) === 'ENOTEMPTY' || errnoCode(err) === 'EEXIST') throw bucketNotEmpty(bucket);
      throw err;
    }
    await fsyncDirectory(this.rootDir);
    this.sidecar.deleteBucket(bucket);
    return folderKeys;
  }

  async getConfig(bucket: string, kind: BucketConfigKind): Promise<string | undefined> {
    await this.require(bucket);
    return this.sidecar.getConfig(bucket, kind);
  }

  async putConfig(bucket: string, kind: BucketConfigKind, doc: string | undefined): Promise<void> {
    await this.require(bucket);
    this.sidecar.putConfig(bucket, kind, doc);
  }

  private folderOf(bucket: string): string | undefined {
    return isBucketFolderName(bucket) ? path.join(this.rootDir, bucket) : undefined;
  }

  private describe(bucket: string, stat: Stats): BucketInfo {
    const row = this.sidecar.getBucket(bucket);
    if (row) return { name: bucket, creationDate: new Date(row.createdMs), region: row.region };
    // A folder another program made: its birth time where the file system records one.
    const created = stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs;
    return { name: bucket, creationDate: new Date(Math.floor(created)), region: this.defaultRegion };
  }
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * Collects every directory below `dir` (parents before children) as Buffer
 * paths, so names that are not UTF-8 are handled too; BucketNotEmpty on the
 * first entry that is not a directory.
 */
async function collectDirectoriesOrFail(dir: Buffer, out: Buffer[], bucket: string): Promise<void> {
  let dirents;
  try {
    dirents = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  for (const dirent of dirents) {
    const child = Buffer.concat([dir, SEPARATOR, dirent.name]);
    let isDirectory = dirent.isDirectory();
    if (!isDirectory && !dirent.isFile() && !dirent.isSymbolicLink()) {
      // d_type unknown: ask lstat.
      isDirectory = (await fs.lstat(child).catch(() => undefined))?.isDirectory() ?? false;
    }
    if (!isDirectory) throw bucketNotEmpty(bucket);
    out.push(child);
    await collectDirectoriesOrFail(child, out, bucket);
  }
}

const SEPARATOR = Buffer.from(path.sep);

function noSuchBucket(bucket: string): S3Error {
  return new S3Error('NoSuchBucket', { resource: bucket, extra: { BucketName: bucket } });
}

function bucketNotEmpty(bucket: string): S3Error {
  return new S3Error('BucketNotEmpty', { resource: bucket, extra: { BucketName: bucket } });
}
