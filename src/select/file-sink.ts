import { open, type FileHandle } from 'node:fs/promises';

/** Bytes gathered before one writev; decompressors hand over 16–64 KiB pieces. */
const BATCH_BYTES = 1024 * 1024;

/**
 * A new file written in batches: small chunks are gathered into one writev,
 * and one batch is written while the next is gathered (reading and writing
 * overlap). `write` waits only while a batch is being written and another is
 * full, so at most two batches (plus one chunk) are ever held in memory.
 */
export class FileSink {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(private readonly handle: FileHandle) {}

  /** Creates the file (it must not exist), readable by this process's user only. */
  static async create(path: string): Promise<FileSink> {
    return new FileSink(await open(path, 'wx', 0o600));
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= BATCH_BYTES) {
      await this.writing;
      this.startBatch();
    }
  }

  /** Writes what is left and closes the file; throws the first write error. */
  async finish(): Promise<void> {
    try {
      await this.writing;
      this.startBatch();
      await this.writing;
    } finally {
      await this.handle.close();
    }
  }

  /** Closes the file without writing what is left; never throws. */
  async abandon(): Promise<void> {
    await this.writing.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
  }

  private startBatch(): void {
    if (this.pendingBytes === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = writeAll(this.handle, batch);
    // Seen by the next write or finish; never unhandled in between.
    this.writing.catch(() => undefined);
  }
}

/** writev may write less than asked (large batches, signals); the rest goes in further calls. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest);
    while (rest.length > 0 && bytesWritten >= rest[0].length) {
      bytesWritten -= rest[0].length;
      rest = rest.slice(1);
    }
    if (rest.length > 0 && bytesWritten > 0) rest = [rest[0].subarray(bytesWritten), ...rest.slice(1)];
  }
}
