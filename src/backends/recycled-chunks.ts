/**
 * Body streams whose chunk memory is reused once the consumer is done with it.
 *
 * A large GET streams hundreds of MB through fresh read buffers, and each
 * one is external memory V8 answers with full garbage collections. A body
 * can offer a `recycle` function: a consumer that knows when a chunk's bytes
 * have left (the reply path, once the socket has taken them) hands the chunk
 * back, and the producer reads later bytes into the same memory. Consumers
 * that never call it (copies, S3 Select staging) lose nothing: the producer
 * then allocates as it would anyway. Handing back a chunk that is still in use
 * is the one mistake: its bytes would change under the user.
 */
import type { Readable } from 'node:stream';
import { BufferRecycler } from '../erasure/pool-buffers.js';

const RECYCLE = Symbol('cairn.recycleChunk');

type Recyclable = Readable & { [RECYCLE]?: (chunk: Buffer) => void };

/** Marks `body` as one whose chunks may be handed back to `recycle`. */
export function offerRecycling<T extends Readable>(body: T, recycle: (chunk: Buffer) => void): T {
  (body as Recyclable)[RECYCLE] = recycle;
  return body;
}

/** Where to hand back `body`'s chunks once they are no longer in use, if it takes them back. */
export function recyclerOf(body: Readable): ((chunk: Buffer) => void) | undefined {
  return (body as Recyclable)[RECYCLE];
}

/** Idle read buffers kept for reuse across streams (the reads of a few 16 MiB GETs in flight). */
const READ_BUFFER_IDLE_BYTES = 32 << 20;

/**
 * The process's idle read buffers. Separate from the write path's recycler
 * (src/erasure/pool-buffers.ts) on purpose: buffers it issues may be moved to
 * a worker, and a read buffer has views out that must never be detached.
 */
const readBuffers = new BufferRecycler(READ_BUFFER_IDLE_BYTES);

/**
 * Read buffers of one stream. Buffers come from `take`; chunks handed out as
 * views of them are counted by `lend` (a whole batch at once, before any of
 * it is handed out) and come back through `recycle`; a buffer returns to the
 * process's free list only when every view lent from it has come back. Only
 * buffers of `reusableLength` bytes (a full run's shard) are recycled; other
 * sizes (ranges, a part's last run) are plain allocations.
 */
export class ChunkRecycler {
  private readonly lent = new Map<ArrayBuffer, number>();
  /** Buffers this stream took from the free list and has not given back. */
  private readonly own = new WeakSet<ArrayBuffer>();

  constructor(private readonly reusableLength: number) {}

  /** `length` bytes of uninitialised memory. */
  take(length: number): Buffer {
    if (length !== this.reusableLength) return Buffer.allocUnsafe(length);
    const backing = readBuffers.take(length);
    this.own.add(backing);
    return Buffer.from(backing);
  }

  /**
   * Counts the views about to be handed out. `from` are the buffers (from
   * take) the views were cut from: any of them no view points into is free again.
   */
  lend(views: readonly Buffer[], from: readonly Buffer[]): void {
    for (const view of views) {
      const backing = view.buffer as ArrayBuffer;
      if (this.own.has(backing)) this.lent.set(backing, (this.lent.get(backing) ?? 0) + 1);
    }
    for (const buffer of from) {
      const backing = buffer.buffer as ArrayBuffer;
      if (this.own.has(backing) && !this.lent.has(backing)) this.giveBack(backing);
    }
  }

  /** The consumer is done with a chunk from `lend`; anything else is ignored. */
  recycle(chunk: Buffer): void {
    const backing = chunk.buffer as ArrayBuffer;
    const count = this.lent.get(backing);
    if (count === undefined) return;
    if (count > 1) {
      this.lent.set(backing, count - 1);
      return;
    }
    this.lent.delete(backing);
    this.giveBack(backing);
  }

  private giveBack(backing: ArrayBuffer): void {
    this.own.delete(backing);
    readBuffers.give(backing);
  }
}
