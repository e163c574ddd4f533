/**
 * The process's budget of digest batches: SharedArrayBuffers that carry
 * copies of body bytes to the digest threads and are refilled once hashed. At most
 * `maxBatches` exist at once (hashed or in flight), so the copies cost a fixed
 * amount of memory however many uploads run (64 concurrent uploads each with a
 * 1 MiB batch of their own would add 64+ MB); an upload that finds none free
 * waits, which is backpressure on its body like any other.
 *
 * No deadlock: a batch is held only while its upload fills it (progress that
 * depends on that upload's own socket and backend) or while a digest thread
 * hashes it (which always ends, with a reply or the thread's death).
 */
export class DigestBatches {
  private readonly free: SharedArrayBuffer[] = [];
  private readonly waiting: ((batch: SharedArrayBuffer) => void)[] = [];
  /** Batches handed out and not given back or forgotten. */
  private issued = 0;

  constructor(
    readonly batchBytes: number,
    readonly maxBatches: number,
  ) {}

  /** A batch now, or a promise of the next one given back. */
  take(): SharedArrayBuffer | Promise<SharedArrayBuffer> {
    if (this.issued < this.maxBatches) {
      this.issued++;
      return this.free.pop() ?? new SharedArrayBuffer(this.batchBytes);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A batch no one else can reach any more: to the next waiter, else kept for reuse. */
  give(batch: SharedArrayBuffer): void {
    const next = this.waiting.shift();
    if (next) {
      next(batch);
      return;
    }
    this.issued--;
    this.free.push(batch);
  }

  /** For tests and metrics. */
  get outstanding(): number {
    return this.issued;
  }
}
