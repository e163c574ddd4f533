import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isNotFound } from './safe-fs.js';
import { isWithin } from './paths.js';

/**
 * A lazy walk of a bucket folder that yields candidate keys in S3 order
 * (binary UTF-8). Within a directory, entries are visited in the byte order
 * of the key text they contribute: a file `x` as `x`, a directory `x` as
 * `x/`. Since no name contains `/`, no entry's text is a proper prefix of a
 * sibling directory's, so a depth-first walk in that order is globally
 * ordered (`a-c` < `a/b` < `a0`, because '-' < '/' < '0').
 *
 * Only directories the filters can reach are read, and only entries that are
 * returned get stat'ed by the caller: a page of 1000 keys does not touch the
 * rest of a large tree (though each visited directory is read whole to sort it).
 */

export interface WalkEntry {
  key: Buffer;
  /** 'folder': a directory whose folder-object row exists (key ends in '/'). */
  kind: 'file' | 'folder';
  /** Real path of the file or directory. */
  realPath: string;
}

interface DirEntry {
  /** Key text this entry contributes inside its directory: the name, plus '/' for a directory. */
  text: Buffer;
  kind: 'file' | 'dir';
  realPath: string;
}

interface Frame {
  /** Key prefix of everything below this directory: '' for the bucket, else 'a/b/'. */
  keyPrefix: Buffer;
  realDir: string;
  announced: boolean;
  entries?: DirEntry[];
  index: number;
}

export interface WalkFilter {
  prefix: Buffer;
  /** Exclusive lower bound. */
  after?: Buffer;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const SLASH = Buffer.from('/');

export function startsWith(buf: Buffer, prefix: Buffer): boolean {
  return buf.length >= prefix.length && buf.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

export class OrderedWalk {
  private readonly stack: Frame[] = [];
  /**
   * Everything starting with this is no longer wanted (a common prefix that
   * was just rolled up): whole directories below it are skipped unread.
   */
  skipPrefix: Buffer | undefined;

  constructor(
    private readonly bucketDir: string,
    start: { keyPrefix: Buffer; realDir: string },
    private readonly filter: WalkFilter,
    private readonly isFolderObject: (key: string) => boolean,
  ) {
    // The starting directory's own folder object (`a/` for prefix `a/`) is announced like any other.
    this.stack.push({ keyPrefix: start.keyPrefix, realDir: start.realDir, announced: start.keyPrefix.length === 0, index: 0 });
  }

  async next(): Promise<WalkEntry | undefined> {
    while (this.stack.length > 0) {
      const frame = this.stack[this.stack.length - 1];
      if (this.skipPrefix && frame.keyPrefix.length > 0 && startsWith(frame.keyPrefix, this.skipPrefix)) {
        this.stack.pop();
        continue;
      }
      if (!frame.announced) {
        frame.announced = true;
        if (this.keyWanted(frame.keyPrefix) && this.isFolderObject(frame.keyPrefix.toString('utf8'))) {
          return { key: frame.keyPrefix, kind: 'folder', realPath: frame.realDir };
        }
      }
      frame.entries ??= await this.readSorted(frame.realDir);
      if (frame.index >= frame.entries.length) {
        this.stack.pop();
        continue;
      }
      const entry = frame.entries[frame.index++];
      const text = Buffer.concat([frame.keyPrefix, entry.text]);
      if (entry.kind === 'file') {
        if (this.keyWanted(text)) return { key: text, kind: 'file', realPath: entry.realPath };
      } else if (this.subtreeWanted(text) && !this.onCurrentPath(entry.realPath)) {
        this.stack.push({ keyPrefix: text, realDir: entry.realPath, announced: false, index: 0 });
      }
    }
    return undefined;
  }

  private keyWanted(key: Buffer): boolean {
    const { prefix, after } = this.filter;
    if (!startsWith(key, prefix)) return false;
    if (after && Buffer.compare(key, after) <= 0) return false;
    return !(this.skipPrefix && startsWith(key, this.skipPrefix));
  }

  /** `dirText` ends in '/' and prefixes every key below the directory. */
  private subtreeWanted(dirText: Buffer): boolean {
    const { prefix, after } = this.filter;
    if (!startsWith(dirText, prefix) && !startsWith(prefix, dirText)) return false;
    if (after && Buffer.compare(dirText, after) <= 0 && !startsWith(after, dirText)) return false;
    return !(this.skipPrefix && startsWith(dirText, this.skipPrefix));
  }

  /** A directory symlink back to a directory already being walked would loop forever. */
  private onCurrentPath(realDir: string): boolean {
    return realDir === this.bucketDir || this.stack.some((frame) => frame.realDir === realDir);
  }

  private async readSorted(realDir: string): Promise<DirEntry[]> {
    let dirents: Dirent<Buffer>[];
    try {
      dirents = await fs.readdir(realDir, { withFileTypes: true, encoding: 'buffer' });
    } catch (err) {
      if (isNotFound(err)) return []; // removed while we walked
      throw err;
    }
    const entries: DirEntry[] = [];
    for (const dirent of dirents) {
      const entry = await this.classify(realDir, dirent);
      if (entry) entries.push(entry);
    }
    entries.sort((a, b) => Buffer.compare(a.text, b.text));
    return entries;
  }

  private async classify(realDir: string, dirent: Dirent<Buffer>): Promise<DirEntry | undefined> {
    let name: string;
    try {
      name = strictUtf8.decode(dirent.name);
    } catch {
      return undefined; // not valid UTF-8: no S3 key can name it
    }
    const entryPath = path.join(realDir, name);
    let isFile = dirent.isFile();
    let isDir = dirent.isDirectory();
    let isLink = dirent.isSymbolicLink();
    let realPath = entryPath;
    try {
      if (!isFile && !isDir && !isLink) {
        // d_type unknown on this file system (or a special file): ask lstat.
        const stat = await fs.lstat(entryPath);
        isFile = stat.isFile();
        isDir = stat.isDirectory();
        isLink = stat.isSymbolicLink();
      }
      if (isLink) {
        realPath = await fs.realpath(entryPath);
        if (!isWithin(this.bucketDir, realPath)) return undefined;
        const target = await fs.stat(realPath);
        isFile = target.isFile();
        isDir = target.isDirectory();
      }
    } catch (err) {
      if (isNotFound(err)) return undefined; // vanished or dangling
      throw err;
    }
    if (isFile) return { text: Buffer.from(name, 'utf8'), kind: 'file', realPath };
    if (isDir) return { text: Buffer.concat([Buffer.from(name, 'utf8'), SLASH]), kind: 'dir', realPath };
    return undefined; // FIFOs, sockets, devices are not objects
  }
}
