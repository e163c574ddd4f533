import { open, type FileHandle } from 'node:fs/promises';

/** Bytes gathered before one writev; decompressors hand over 16–64 KiB pieces. */
const BATCH_BYTES = 1024 * 1024;

/**
 * A file written in batches: small chunks are gathered into one writev, and
 * one batch is written while the next is gathered (reading and writing
 * overlap). `write` waits only while a batch is being written and another is
 * full, so at most two batches (plus one chunk) are ever held in memory.
 *
 * A sink either owns a new file and appends to it (`create`), or writes one
 * region of a file someone else holds open, from a given offset (`at`), so
 * several sinks can fill one preallocated file side by side.
 */
export class FileSink {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly handle: FileHandle,
    /** Where the next batch goes; null appends at the file's own position. */
    private position: number | null,
    private readonly ownsHandle: boolean,
  ) {}

  /** Creates the file (it must not exist), readable by this process's user only. */
  static async create(path: string): Promise<FileSink> {
    return new FileSink(await open(path, 'wx', 0o600), null, true);
  }

  /** Writes into `handle` from `offset` on; the handle stays open after finish or abandon. */
  static at(handle: FileHandle, offset: number): FileSink {
    return new FileSink(handle, offset, false);
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

  /** Writes what is left (and closes the file it owns); throws the first write error. */
  async finish(): Promise<void> {
    try {
      await this.writing;
      this.startBatch();
      await this.writing;
    } finally {
      if (this.ownsHandle) await this.handle.close();
    }
  }

  /** Stops without writing what is left (closing the file it owns); never throws. */
  async abandon(): Promise<void> {
    await this.writing.catch(() => undefined);
    if (this.ownsHandle) await this.handle.close().catch(() => undefined);
  }

  private startBatch(): void {
    if (this.pendingBytes === 0) return;
    const batch = this.pending;
    const position = this.position;
    if (this.position !== null) this.position += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = writeAll(this.handle, batch, position);
    // Seen by the next write or finish; never unhandled in between.
    this.writing.catch(() => undefined);
  }
}

/** writev may write less than asked (large batches, signals); the rest goes in further calls. */
async function writeAll(handle: FileHandle, buffers: Buffer[], position: number | null): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest, position ?? undefined);
    if (position !== null) position += bytesWritten;
    while (rest.length > 0 && bytesWritten >= rest[0].length) {
      bytesWritten -= rest[0].length;
      rest = rest.slice(1);
    }
    if (rest.length > 0 && bytesWritten > 0) rest = [rest[0].subarray(bytesWritten), ...rest.slice(1)];
  }
}
