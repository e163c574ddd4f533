import { randomUUID } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { DriveFiles, TempShard } from './drive.js';
import type { ShardReadSession } from './shard-read-session.js';

/** Where temp shard files live and committed shards go, relative to the drive root (see drive.ts). */
export const TEMP_DIR = path.join('.cairn.sys', 'tmp');
export const DATA_DIR = 'data';

/**
 * A drive's shard files on a local file system (the DriveFiles contract in
 * drive.ts). Shards are written to .cairn.sys/tmp/, fsynced, renamed into
 * data/<bucket>/<dataId>/<file> and the directory fsynced: a committed file
 * is whole and durable, a crash leaves only temp files (swept at startup) or
 * unreferenced data directories (the scanner's orphan sweep).
 */
export class DiskDriveFiles implements DriveFiles {
  private readonly tempDir: string;
  private readonly dataDir: string;
  private tempReady: Promise<unknown> | undefined;

  constructor(readonly root: string) {
    this.tempDir = path.join(root, TEMP_DIR);
    this.dataDir = path.join(root, DATA_DIR);
  }

  async createTemp(): Promise<TempShard> {
    this.tempReady ??= fs.mkdir(this.tempDir, { recursive: true }).catch((err: unknown) => {
      this.tempReady = undefined;
      throw err;
    });
    await this.tempReady;
    const tempPath = path.join(this.tempDir, `${randomUUID()}.shard`);
    const handle = await fs.open(tempPath, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o644);
    return new DiskTempShard(tempPath, handle, (bucket, dataId) => this.dataPath(bucket, dataId));
  }

  async read(bucket: string, dataId: string, file: string, offset: number, length: number, session?: ShardReadSession): Promise<Buffer> {
    const filePath = this.filePath(bucket, dataId, file);
    const handle = session ? await session.handle(filePath) : await fs.open(filePath, fsc.O_RDONLY);
    try {
      const buffer = session ? session.buffer(length) : Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) throw new Error(`shard file ${file} of ${bucket}/${dataId} is short: wanted ${length} bytes at ${offset}, got ${filled}`);
        filled += bytesRead;
      }
      return buffer;
    } finally {
      if (!session) await handle.close();
    }
  }

  async size(bucket: string, dataId: string, file: string): Promise<number | undefined> {
    try {
      const stat = await fs.stat(this.filePath(bucket, dataId, file));
      return stat.isFile() ? stat.size : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async remove(bucket: string, dataId: string, file: string): Promise<void> {
    await fs.unlink(this.filePath(bucket, dataId, file)).catch(ignoreMissing);
  }

  async removeData(bucket: string, dataId: string): Promise<void> {
    await fs.rm(this.dataPath(bucket, dataId), { recursive: true, force: true });
  }

  async listData(bucket: string): Promise<string[]> {
    try {
      return await fs.readdir(path.join(this.dataDir, safeComponent(bucket)));
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }

  async sweepTemp(): Promise<void> {
    await fs.mkdir(this.tempDir, { recursive: true });
    for (const name of await fs.readdir(this.tempDir)) await fs.rm(path.join(this.tempDir, name), { recursive: true, force: true });
  }

  private dataPath(bucket: string, dataId: string): string {
    return path.join(this.dataDir, safeComponent(bucket), safeComponent(dataId));
  }

  private filePath(bucket: string, dataId: string, file: string): string {
    return path.join(this.dataPath(bucket, dataId), safeComponent(file));
  }
}

/**
 * One temp shard file. Writes are sequential (the caller awaits each one);
 * after commit or discard the object is spent and discard is a no-op.
 */
class DiskTempShard implements TempShard {
  private state: 'open' | 'closed' | 'done' = 'open';

  constructor(
    private readonly tempPath: string,
    private readonly handle: fs.FileHandle,
    private readonly dataPath: (bucket: string, dataId: string) => string,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    if (this.state !== 'open') throw new Error('temp shard is no longer open');
    let written = 0;
    while (written < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, written, chunk.length - written);
      written += bytesWritten;
    }
  }

  async commit(bucket: string, dataId: string, file: string): Promise<void> {
    if (this.state !== 'open') throw new Error('temp shard is no longer open');
    const dir = this.dataPath(bucket, dataId);
    const finalPath = path.join(dir, safeComponent(file));
    await this.handle.sync();
    this.state = 'closed';
    await this.handle.close();
    const firstCreated = await fs.mkdir(dir, { recursive: true });
    if (firstCreated !== undefined) await syncCreatedParents(firstCreated, dir);
    await fs.rename(this.tempPath, finalPath);
    this.state = 'done';
    await fsyncDirectory(dir);
  }

  async discard(): Promise<void> {
    if (this.state === 'done') return;
    if (this.state === 'open') {
      this.state = 'closed';
      await this.handle.close().catch(() => undefined);
    }
    await fs.unlink(this.tempPath).catch(ignoreMissing);
    this.state = 'done';
  }
}

/**
 * Bucket names are validated S3 names and dataIds / file names are made by
 * the server, so none should ever be able to leave its directory; this is
 * the last guard before a name becomes a path component.
 */
export function safeComponent(name: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new Error(`unsafe path component ${JSON.stringify(name)}`);
  }
  return name;
}

/** mkdir -p created `firstCreated` and everything below it down to `leaf`: make each new entry durable in its parent. */
async function syncCreatedParents(firstCreated: string, leaf: string): Promise<void> {
  const parents: string[] = [];
  for (let dir = leaf; dir !== path.dirname(firstCreated); dir = path.dirname(dir)) {
    parents.push(path.dirname(dir));
    if (dir === firstCreated || dir === path.dirname(dir)) break;
  }
  for (const dir of parents) await fsyncDirectory(dir);
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, fsc.O_RDONLY | fsc.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function ignoreMissing(err: unknown): void {
  if (!isMissing(err)) throw err;
}
