import type { FileHandle } from 'node:fs/promises';
import { S3Error } from '../../s3/errors.js';

/**
 * Copies bytes between open files with two large buffers, so reading the
 * next chunk overlaps writing the previous one. Memory per copier is fixed
 * (2 × COPY_BUFFER_BYTES) whatever the size copied: objects of terabytes
 * are assembled this way. Offsets are JS numbers, exact up to 2^53.
 */

/** Large chunks: fewer syscalls; measured reads favour ≥ 1 MiB. */
export const COPY_BUFFER_BYTES = 4 << 20;

export interface CopyOptions {
  /** Sees every chunk, in order, before its buffer is reused (for hashing). */
  onChunk?: (chunk: Buffer) => void;
  signal?: AbortSignal;
}

export class ByteCopier {
  private readonly buffers = [Buffer.allocUnsafe(COPY_BUFFER_BYTES), Buffer.allocUnsafe(COPY_BUFFER_BYTES)];

  /**
   * Copies exactly `length` bytes of `source` (from offset 0) to `dest` at
   * `destOffset`. Fails with `shortSource()` when the source ends early (it
   * shrank since it was measured).
   */
  async copy(source: FileHandle, length: number, dest: FileHandle, destOffset: number, shortSource: () => Error, options: CopyOptions = {}): Promise<void> {
    let pendingWrite: Promise<void> = Promise.resolve();
    // A read failure must not leave the in-flight write's rejection unobserved.
    const settle = async (): Promise<void> => {
      await pendingWrite.catch(() => undefined);
    };
    let copied = 0;
    try {
      for (let i = 0; copied < length; i++) {
        options.signal?.throwIfAborted();
        // This buffer's previous write (two chunks ago) was awaited in the last iteration.
        const buffer = this.buffers[i % 2];
        const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, length - copied), copied);
        if (bytesRead === 0) throw shortSource();
        const chunk = buffer.subarray(0, bytesRead);
        options.onChunk?.(chunk);
        await pendingWrite;
        pendingWrite = writeFully(dest, chunk, destOffset + copied);
        copied += bytesRead;
      }
      await pendingWrite;
    } catch (err) {
      await settle();
      throw err;
    }
  }
}

async function writeFully(handle: FileHandle, chunk: Buffer, position: number): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset, position + offset);
    if (bytesWritten === 0) throw new S3Error('InternalError', { message: 'A write to the staging area made no progress' });
    offset += bytesWritten;
  }
}
