import { randomUUID } from 'node:crypto';
import { constants as fsc, createWriteStream, mkdirSync, readdirSync, rmSync, type BigIntStats } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3Error } from '../../s3/errors.js';
import type { BodyDigests, IncomingBody } from '../backend.js';
import { fsyncDirectory, isNotFound } from './safe-fs.js';

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

  /** Creates the area and removes crash debris. Blocking: runs once at startup. */
  openSync(): void {
    mkdirSync(this.dir, { recursive: true });
    for (const name of readdirSync(this.dir)) rmSync(path.join(this.dir, name), { recursive: true, force: true });
  }

  private newPath(): string {
    return path.join(this.dir, `${randomUUID()}.tmp`);
  }

  /**
   * Streams `body` into a new temp file and fsyncs it. If the body errors
   * (bad digest, bad signature, short body) or `signal` fires, the temp file
   * is removed and the error propagates.
   */
  /**
   * Stages a request body and checks that what landed on disk is what the
   * body's digests describe and what the client declared. Nothing is staged
   * for a client that went away after its last byte. On any failure the temp
   * file is already gone.
   */
  async receiveBody(body: IncomingBody, signal?: AbortSignal): Promise<{ staged: StagedFile; digests: BodyDigests }> {
    const staged = await this.receive(body.stream, signal);
    try {
      const digests = body.digests();
      const written = Number(staged.stat.size);
      if (body.declaredSize !== undefined && body.declaredSize !== written) throw new S3Error('IncompleteBody');
      if (digests.size !== written) throw new S3Error('InternalError', { message: 'Body digests disagree with the bytes stored' });
      signal?.throwIfAborted();
      return { staged, digests };
    } catch (err) {
      await this.discard(staged);
      throw err;
    }
  }

  async receive(body: Readable, signal?: AbortSignal): Promise<StagedFile> {
    const tempPath = this.newPath();
    const sink = createWriteStream(tempPath, { flags: 'wx', mode: 0o666, highWaterMark: 1 << 20 });
    try {
      await pipeline(body, sink, signal ? { signal } : {});
      return { path: tempPath, stat: await syncAndStat(tempPath) };
    } catch (err) {
      // The sink opens its file asynchronously: wait until it is closed, or the removal could come first.
      if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
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
      const stat = await syncAndStat(tempPath);
      signal?.throwIfAborted();
      return { path: tempPath, stat };
    } catch (err) {
      await fs.rm(tempPath, { force: true });
      throw err;
    }
  }

  /**
   * Creates a new temp file and lets `write` fill it through its handle,
   * then fsyncs it. On any failure the temp file is removed and the error
   * propagates.
   */
  async produce(write: (handle: fs.FileHandle) => Promise<void>): Promise<StagedFile> {
    const tempPath = this.newPath();
    const handle = await fs.open(tempPath, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o666);
    let stat: BigIntStats;
    try {
      await write(handle);
      await handle.sync();
      stat = await handle.stat({ bigint: true });
    } catch (err) {
      await handle.close().catch(() => undefined);
      await fs.rm(tempPath, { force: true });
      throw err;
    }
    await handle.close();
    return { path: tempPath, stat };
  }

  /** Removes a staged file; a no-op (one failed unlink, not fs.rm's two stats) once it was published. */
  async discard(staged: StagedFile): Promise<void> {
    await fs.unlink(staged.path).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

/** fsync is per file, not per descriptor: a fresh descriptor flushes what the write stream wrote. */
async function syncAndStat(filePath: string): Promise<BigIntStats> {
  const handle = await fs.open(filePath, fsc.O_RDONLY);
  try {
    await handle.sync();
    return await handle.stat({ bigint: true });
  } finally {
    await handle.close();
  }
}

/** Makes a staged file visible at `finalPath`, replacing what was there, durably. */
export async function publish(staged: StagedFile, finalPath: string): Promise<void> {
  await fs.rename(staged.path, finalPath);
  await fsyncDirectory(path.dirname(finalPath));
}
