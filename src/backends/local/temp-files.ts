import { randomUUID } from 'node:crypto';
import { constants as fsc, type BigIntStats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fsyncDirectory } from './safe-fs.js';

/** A fully written, fsynced temp file, not yet visible anywhere. */
export interface StagedFile {
  path: string;
  stat: BigIntStats;
}

/**
 * Staging area for object data under `<root>/.cairn/tmp`: on the same file
 * system as the buckets, so publishing is one atomic rename. Anything found
 * here at open is debris from a crash and is removed.
 */
export class TempArea {
  constructor(readonly dir: string) {}

  async open(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const name of await fs.readdir(this.dir)) {
      await fs.rm(path.join(this.dir, name), { recursive: true, force: true });
    }
  }

  private newPath(): string {
    return path.join(this.dir, `${randomUUID()}.tmp`);
  }

  /**
   * Streams `body` into a new temp file and fsyncs it. If the body errors
   * (bad digest, bad signature, short body) or `signal` fires, the temp file
   * is removed and the error propagates.
   */
  async receive(body: Readable, signal?: AbortSignal): Promise<StagedFile> {
    const tempPath = this.newPath();
    const handle = await fs.open(tempPath, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o666);
    try {
      // autoClose false: the handle must stay open for the fsync below.
      const sink = handle.createWriteStream({ autoClose: false, highWaterMark: 1 << 20 });
      await pipeline(body, sink, signal ? { signal } : {});
      await handle.sync();
      const stat = await handle.stat({ bigint: true });
      await handle.close();
      return { path: tempPath, stat };
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(tempPath, { force: true });
      throw err;
    }
  }

  /** Copies a file (a reflink where the file system supports it) into a new fsynced temp file. */
  async copyFrom(sourcePath: string, signal?: AbortSignal): Promise<StagedFile> {
    signal?.throwIfAborted();
    const tempPath = this.newPath();
    try {
      await fs.copyFile(sourcePath, tempPath, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE);
      const handle = await fs.open(tempPath, fsc.O_RDWR);
      try {
        await handle.sync();
        const stat = await handle.stat({ bigint: true });
        signal?.throwIfAborted();
        return { path: tempPath, stat };
      } finally {
        await handle.close();
      }
    } catch (err) {
      await fs.rm(tempPath, { force: true });
      throw err;
    }
  }

  async discard(staged: StagedFile): Promise<void> {
    await fs.rm(staged.path, { force: true });
  }
}

/** Makes a staged file visible at `finalPath`, replacing what was there, durably. */
export async function publish(staged: StagedFile, finalPath: string): Promise<void> {
  await fs.rename(staged.path, finalPath);
  await fsyncDirectory(path.dirname(finalPath));
}
