/**
 * A process-wide free list of the large ArrayBuffers the write path cycles
 * through (1 MiB blocks, their framed shards), by exact byte length.
 *
 * Why: freshly mapped memory is slow to touch on the VMs this runs on (first
 * touch of a new 1 MiB buffer measured 0.1–0.3 GB/s, against several GB/s for
 * a warm one), and every block of every PUT used to allocate and free about
 * 2.5 MiB, which also drove the garbage collector. Recycled buffers stay
 * resident and warm.
 *
 * Invariants:
 * - A buffer is given back only when nothing can reach it any more (a buffer
 *   that came back from a worker, or shards the caller has released); a
 *   recycled buffer holds stale bytes, so takers overwrite or zero what they use.
 * - Idle buffers are capped (`maxIdleBytes`): memory in use is bounded by the
 *   requests in flight, the pool only adds at most the cap on top.
 * - Only lengths that were taken are kept, so an odd-sized buffer never
 *   occupies the cap.
 */
export class BufferRecycler {
  private readonly free = new Map<number, ArrayBuffer[]>();
  /** Buffers handed out by take() and not yet given back: exclusively the taker's. */
  private readonly issued = new WeakSet<ArrayBuffer>();
  private idle = 0;

  constructor(readonly maxIdleBytes: number) {}

  /** A buffer of exactly `byteLength` bytes with unspecified contents. */
  take(byteLength: number): ArrayBuffer {
    let list = this.free.get(byteLength);
    if (!list) this.free.set(byteLength, (list = []));
    let buffer = list.pop();
    if (buffer) this.idle -= byteLength;
    else buffer = new ArrayBuffer(byteLength);
    this.issued.add(buffer);
    return buffer;
  }

  /** True when `buffer` came from take() and was not given back: no one else holds it. */
  owns(buffer: ArrayBufferLike): boolean {
    return buffer instanceof ArrayBuffer && this.issued.has(buffer);
  }

  /** Takes back a buffer nothing else can reach; kept while under the idle cap. */
  give(buffer: ArrayBuffer): void {
    this.issued.delete(buffer);
    const list = this.free.get(buffer.byteLength);
    if (!list || buffer.byteLength === 0 || this.idle + buffer.byteLength > this.maxIdleBytes) return;
    list.push(buffer);
    this.idle += buffer.byteLength;
  }

  /** Bytes held idle (for tests and metrics). */
  get idleBytes(): number {
    return this.idle;
  }
}

/** Idle cap of the process's recycler: about twenty blocks with their shards at the default 1 MiB block, 4+2. */
export const RECYCLER_IDLE_BYTES = 48 << 20;

/** The one recycler the write path and the pooled codec share. */
export const recycledBuffers = new BufferRecycler(RECYCLER_IDLE_BYTES);
