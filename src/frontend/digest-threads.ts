/**
 * MD5 (the ETag) and the requested checksums of large bodies, computed off the
 * event loop. MD5 is sequential over a whole body, so all of one upload's
 * bytes go to the same thread, in order: a small set of dedicated
 * worker_threads (not the codec's piscina pool, which has no affinity), each
 * upload assigned to one when its first batch is sent.
 *
 * Body bytes are copied into batches (digest-batches.ts; the socket's chunks
 * go on downstream untouched), shared with the thread and refilled once it
 * has hashed them. An upload has at most MAX_BATCHES_PER_UPLOAD batches out (filling or
 * in flight): past that it waits for one to come back. A thread that dies
 * fails every upload on it: never a wrong digest, always an error before the
 * body ends (so nothing is committed).
 *
 * Measured on this machine (loaded): MD5 ~2 ms per MB of one core when quiet,
 * CRC32C/CRC64NVME/SHA-1 (table-driven JS, or no SHA extension) as much or
 * more, CRC32 and SHA-256 (native, SHA-NI) less; copying a 1 MiB batch and
 * its round trip ~0.1 ms per MB. So every hash of a large body goes to the
 * thread: the bytes are there already for MD5.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerFileBeside } from '../worker-file.js';
import { ContentDigests } from '../s3/content-digests.js';
import { S3Error } from '../s3/errors.js';
import type { ChecksumAlgorithm } from '../s3/types.js';
import { DigestBatches } from './digest-batches.js';
import type { DigestReply, DigestRequest, DigestValues } from './digest-messages.js';

export const DIGEST_BATCH_BYTES = 1 << 20;
/** One batch filling while one is hashed: the thread hashes 1 MiB in ~2 ms, faster than a socket fills one. */
export const MAX_BATCHES_PER_UPLOAD = 2;
/** Process-wide: at most this many MiB of body copies, however many uploads run. */
export const MAX_DIGEST_BATCHES = 8;

function digestFailure(cause: unknown): S3Error {
  return new S3Error('InternalError', { message: 'The body digest could not be computed.', cause });
}

/** One worker thread and the uploads assigned to it. */
class DigestThread {
  readonly uploads = new Map<number, OffloadedDigest>();
  /** Batches sent and not hashed yet, per upload in sending order (kept past an upload's end until hashed). */
  private readonly inFlight = new Map<number, SharedArrayBuffer[]>();
  dead = false;
  private readonly worker: Worker;
  private failure: unknown;

  constructor(
    file: string,
    private readonly batches: DigestBatches,
    private readonly onDeath: (thread: DigestThread) => void,
  ) {
    this.worker = new Worker(file);
    // An idle digest thread must not keep the process alive; requests in flight keep it alive anyway.
    this.worker.unref();
    this.worker.on('message', (reply: DigestReply) => this.receive(reply));
    this.worker.on('error', (err) => (this.failure ??= err));
    this.worker.on('exit', (code) => this.die(this.failure ?? new Error(`digest worker exited with code ${code}`)));
  }

  post(message: DigestRequest): void {
    if (message.op === 'update') {
      const queue = this.inFlight.get(message.id);
      if (queue) queue.push(message.batch);
      else this.inFlight.set(message.id, [message.batch]);
    }
    this.worker.postMessage(message);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }

  private receive(reply: DigestReply): void {
    if (reply.op === 'hashed') {
      const queue = this.inFlight.get(reply.id)!;
      this.batches.give(queue.shift()!);
      if (queue.length === 0) this.inFlight.delete(reply.id);
    }
    this.uploads.get(reply.id)?.receive(reply);
  }

  private die(cause: unknown): void {
    if (this.dead) return;
    this.dead = true;
    // The thread is gone: nothing reads its batches any more.
    for (const queue of this.inFlight.values()) for (const batch of queue) this.batches.give(batch);
    this.inFlight.clear();
    const error = digestFailure(cause);
    for (const upload of [...this.uploads.values()]) upload.fail(error);
    this.uploads.clear();
    this.onDeath(this);
  }
}

/** The process's digest threads, started on demand (up to `size`), and the batch budget they share. */
export class DigestThreads {
  private readonly threads: DigestThread[] = [];
  private nextId = 1;
  readonly batches: DigestBatches;
  /** Uploads holding a partly filled batch between chunks (a stalled client can hold one for long). */
  readonly partlyFilled = new Set<OffloadedDigest>();

  constructor(
    private readonly size = Math.max(1, Math.min(2, availableParallelism())),
    batches = new DigestBatches(DIGEST_BATCH_BYTES, MAX_DIGEST_BATCHES),
  ) {
    this.batches = batches;
  }

  /** Digests of one upload; no thread is involved until its first full batch. */
  open(algorithms: readonly ChecksumAlgorithm[]): OffloadedDigest {
    return new OffloadedDigest(this, this.nextId++, [...algorithms]);
  }

  /** The thread for a new upload: an idle one, else a new one while under `size`, else the least busy. */
  assign(upload: OffloadedDigest): DigestThread {
    let thread = this.threads.find((t) => t.uploads.size === 0);
    if (!thread && this.threads.length < this.size) {
      thread = new DigestThread(workerFileBeside(import.meta.url, 'digest-worker'), this.batches, (dead) => this.threads.splice(this.threads.indexOf(dead), 1));
      this.threads.push(thread);
    }
    thread ??= this.threads.reduce((a, b) => (b.uploads.size < a.uploads.size ? b : a));
    thread.uploads.set(upload.id, upload);
    return thread;
  }

  /**
   * Another upload waits for a batch: every upload holding a partly filled
   * one sends it now, so a few stalled clients cannot keep the budget from
   * everyone else (each batch comes back once hashed).
   */
  flushPartlyFilled(except: OffloadedDigest): void {
    for (const upload of [...this.partlyFilled]) if (upload !== except) upload.flush();
  }

  /** Stops every thread; uploads still on them fail. */
  async close(): Promise<void> {
    await Promise.all([...this.threads].map((thread) => thread.terminate()));
  }

  /** Threads running now (for tests). */
  get running(): number {
    return this.threads.length;
  }
}

/**
 * One upload's digests on a digest thread. update() copies a chunk into
 * batches and returns a promise only when it must wait for a batch;
 * finish() sends the last batch and resolves with the digests. A body that
 * ends before its first batch fills is hashed here: no round trip for it.
 */
export class OffloadedDigest {
  private thread: DigestThread | undefined;
  private batch: SharedArrayBuffer | undefined;
  private filled = 0;
  /** Batches of this upload taken and not yet given back (filling + in flight). */
  private held = 0;
  private failure: Error | undefined;
  /** open: taking bytes; finishing: the last batch sent, digests awaited; ended: digests delivered or abandoned. */
  private state: 'open' | 'finishing' | 'ended' = 'open';
  private wake: { resolve(): void; reject(err: Error): void } | undefined;
  private result: { resolve(values: DigestValues): void; reject(err: Error): void } | undefined;

  constructor(
    private readonly threads: DigestThreads,
    readonly id: number,
    private readonly algorithms: ChecksumAlgorithm[],
  ) {}

  update(chunk: Buffer): Promise<void> | undefined {
    let offset = 0;
    const copy = (): Promise<void> | undefined => {
      while (offset < chunk.length) {
        if (this.failure) throw this.failure;
        if (!this.batch) {
          const waiting = this.takeBatch();
          if (waiting) return waiting.then(copy);
        }
        const batch = new Uint8Array(this.batch!);
        const n = Math.min(batch.length - this.filled, chunk.length - offset);
        batch.set(chunk.subarray(offset, offset + n), this.filled);
        this.filled += n;
        offset += n;
        if (this.filled === batch.length) this.send();
      }
      if (this.batch && this.filled > 0) this.threads.partlyFilled.add(this);
      return undefined;
    };
    return copy();
  }

  /** Sends a partly filled batch now (another upload needs one). */
  flush(): void {
    if (this.state === 'open' && this.batch && this.filled > 0 && !this.failure) this.send();
  }

  async finish(): Promise<DigestValues> {
    if (this.failure) throw this.failure;
    if (this.state !== 'open') throw new Error('digest finished twice');
    this.state = 'finishing';
    this.threads.partlyFilled.delete(this);
    if (!this.thread) {
      this.state = 'ended';
      return this.finishHere();
    }
    if (this.batch) this.send();
    const result = new Promise<DigestValues>((resolve, reject) => (this.result = { resolve, reject }));
    this.thread.post({ op: 'finish', id: this.id });
    return result;
  }

  /** The body failed or was abandoned: drop the state, give back what is held here. */
  abandon(): void {
    this.threads.partlyFilled.delete(this);
    if (this.batch) this.giveBack(this.batch);
    this.batch = undefined;
    if (this.state === 'ended') return;
    this.state = 'ended';
    if (this.thread && !this.thread.dead) this.thread.post({ op: 'close', id: this.id });
    this.detach();
    this.fail(new Error('digest abandoned'));
  }

  receive(reply: DigestReply): void {
    if (reply.op === 'hashed') {
      this.held--;
      const wake = this.wake;
      this.wake = undefined;
      wake?.resolve();
      return;
    }
    this.detach();
    this.state = 'ended';
    this.result?.resolve(reply.values);
    this.result = undefined;
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.thread = undefined;
    this.wake?.reject(error);
    this.wake = undefined;
    this.result?.reject(error);
    this.result = undefined;
  }

  private finishHere(): DigestValues {
    const digests = new ContentDigests(this.algorithms);
    if (this.batch) {
      digests.update(Buffer.from(this.batch, 0, this.filled));
      this.giveBack(this.batch);
      this.batch = undefined;
    }
    return digests.result();
  }

  /** Sets this.batch, or returns a promise to try again after. */
  private takeBatch(): Promise<void> | undefined {
    if (this.held >= MAX_BATCHES_PER_UPLOAD) return new Promise<void>((resolve, reject) => (this.wake = { resolve, reject }));
    const batch = this.threads.batches.take();
    this.held++;
    if (batch instanceof SharedArrayBuffer) {
      this.batch = batch;
      this.filled = 0;
      return undefined;
    }
    this.threads.flushPartlyFilled(this);
    return batch.then((taken) => {
      if (this.failure) {
        this.giveBack(taken);
        throw this.failure;
      }
      this.batch = taken;
      this.filled = 0;
    });
  }

  private send(): void {
    this.threads.partlyFilled.delete(this);
    const batch = this.batch!;
    const length = this.filled;
    this.batch = undefined;
    this.filled = 0;
    if (!this.thread) {
      this.thread = this.threads.assign(this);
      this.thread.post({ op: 'open', id: this.id, algorithms: this.algorithms });
    }
    this.thread.post({ op: 'update', id: this.id, batch, length });
  }

  private giveBack(batch: SharedArrayBuffer): void {
    this.held--;
    this.threads.batches.give(batch);
  }

  private detach(): void {
    this.thread?.uploads.delete(this.id);
    this.thread = undefined;
  }
}
