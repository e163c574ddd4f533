import { constants as fsc } from 'node:fs';
import * as fs from 'node:fs/promises';

/**
 * What one streaming read of a part keeps between its runs of blocks: the
 * shard files it has open (each opened once per read, not once per run) and
 * where the memory it reads into comes from (recycled buffers, see
 * recycled-chunks.ts, else fresh). Scoped to a single read on purpose: a heal
 * may rename a fresh shard file over a corrupt one, and a handle kept past the
 * read would go on serving the replaced inode. The read lease (read-leases.ts)
 * keeps the files from being freed while it is open.
 */
export class ShardReadSession {
  private readonly open = new Map<string, Promise<fs.FileHandle>>();
  private closed = false;

  constructor(private readonly buffers?: { take(length: number): Buffer }) {}

  /** The read-only handle of `file`, opened on first use. */
  handle(file: string): Promise<fs.FileHandle> {
    if (this.closed) return Promise.reject(new Error('the shard read session is closed'));
    let handle = this.open.get(file);
    if (!handle) {
      handle = fs.open(file, fsc.O_RDONLY);
      // A failed open is not kept: a later run may find the file again.
      handle.catch(() => this.open.delete(file));
      this.open.set(file, handle);
    }
    return handle;
  }

  /** Memory for `length` bytes about to be read (its contents are garbage). */
  buffer(length: number): Buffer {
    return this.buffers?.take(length) ?? Buffer.allocUnsafe(length);
  }

  /** Closes every handle (reads still in flight finish first); later calls to handle() reject. */
  async close(): Promise<void> {
    this.closed = true;
    const handles = [...this.open.values()];
    this.open.clear();
    await Promise.all(handles.map((h) => h.then((fh) => fh.close(), () => undefined)));
  }
}
