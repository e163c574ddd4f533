/**
 * StripeCodec over a piscina worker pool: the arithmetic and CRC32 framing of
 * encode, and any reconstruction, run off the event loop. Buffers are moved
 * (transferred), never copied, in both directions where the contract allows:
 * - encode: the caller's data is moved to the worker (the contract lets encode
 *   take it) with a recycled output buffer (pool-buffers.ts); the framed shards
 *   come back in it, and the data buffer comes back too and is recycled. Once
 *   the caller releases the shards their buffer is recycled as well, so a
 *   steady stream of PUTs touches no fresh memory;
 * - decode/rebuild: the caller keeps its shards, so the main thread verifies
 *   them (CRC32, ~5 GB/s native) and copies out healthy data without a
 *   round trip; only reconstruction goes to a worker, with copies of the shards.
 * Small runs stay on the calling thread: a round trip costs more than the work.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { workerFileBeside } from '../worker-file.js';
import { InThreadStripeCodec } from './in-thread-codec.js';
import { checkCodecGeometry, runShardLength } from './frames.js';
import { blockCount } from './stripe.js';
import { recycledBuffers } from './pool-buffers.js';
import type { CodecTask, EncodeAnswer } from './pool-tasks.js';
import { assembleRun, dataShardsIntact, recoverable, verifyRun, type RunVerification } from './run-codec.js';
import type { DecodeResult, ErasureGeometry, StripeCodec } from './stripe-codec.js';

/** Below this many data bytes a run is coded in-thread. */
export const POOL_MIN_BYTES = 64 * 1024;

export class PooledStripeCodec implements StripeCodec {
  private readonly pool: Piscina;
  private readonly local = new InThreadStripeCodec();
  /** Output buffers of encode() whose shards the caller has not released yet. */
  private readonly lent = new WeakSet<ArrayBuffer>();

  constructor(threads = availableParallelism()) {
    // Idle workers are unref'd by piscina: an idle pool does not keep the process alive.
    this.pool = new Piscina({ filename: workerFileBeside(import.meta.url, 'worker'), minThreads: threads, maxThreads: threads, idleTimeout: 30_000 });
  }

  async encode(geometry: ErasureGeometry, data: Buffer): Promise<Buffer[]> {
    checkCodecGeometry(geometry);
    if (data.length < POOL_MIN_BYTES) return this.local.encode(geometry, data);
    // Before the move: a moved Buffer reads as empty.
    const dataLength = data.length;
    const shardLength = runShardLength(geometry, dataLength);
    const input = movable(data);
    const output = recycledBuffers.take(outputBytes(geometry, dataLength));
    const answer = (await this.pool.run({ op: 'encode', geometry, data: input, dataLength, output }, { transferList: [input, output] })) as EncodeAnswer;
    // The contract gave this codec the data: nothing else can reach it now.
    recycledBuffers.give(answer.data);
    this.lent.add(answer.output);
    return Array.from({ length: geometry.dataShards + geometry.parityShards }, (_, i) => Buffer.from(answer.output, i * shardLength, shardLength));
  }

  release(shards: readonly Buffer[]): void {
    const backing = shards[0]?.buffer;
    // Only shards of this codec's encode, once: a second release or a foreign buffer is ignored.
    if (backing instanceof ArrayBuffer && this.lent.delete(backing)) recycledBuffers.give(backing);
  }

  async decode(geometry: ErasureGeometry, shards: (Buffer | undefined)[], dataLength: number): Promise<DecodeResult> {
    const verification = verifyRun(geometry, shards, dataLength);
    const { corrupt } = verification;
    if (!recoverable(geometry, verification)) return { corrupt };
    if (dataShardsIntact(geometry, verification) || dataLength < POOL_MIN_BYTES) {
      return { data: assembleRun(this.local.kernel, geometry, shards, dataLength, verification), corrupt };
    }
    const task = this.shardTask(shards);
    const backing = await this.run({ op: 'assemble', geometry, shards: task.shards, dataLength, validMasks: verification.validMasks }, task.transfer);
    return { data: Buffer.from(backing), corrupt };
  }

  async rebuild(geometry: ErasureGeometry, shards: (Buffer | undefined)[], dataLength: number, wanted: number[]): Promise<Buffer[]> {
    if (dataLength < POOL_MIN_BYTES) return this.local.rebuild(geometry, shards, dataLength, wanted);
    const verification: RunVerification = verifyRun(geometry, shards, dataLength);
    if (!recoverable(geometry, verification)) throw new Error(`cannot rebuild: fewer than ${geometry.dataShards} valid shards for some block`);
    const task = this.shardTask(shards);
    const backing = await this.run({ op: 'rebuild', geometry, shards: task.shards, dataLength, validMasks: verification.validMasks, wanted }, task.transfer);
    const shardLength = runShardLength(geometry, dataLength);
    return wanted.map((_, i) => Buffer.from(backing, i * shardLength, shardLength));
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private run(task: CodecTask, transferList: ArrayBuffer[]): Promise<ArrayBuffer> {
    return this.pool.run(task, { transferList }) as Promise<ArrayBuffer>;
  }

  /** The caller keeps its shards: the worker gets copies, each in its own ArrayBuffer to move. */
  private shardTask(shards: (Buffer | undefined)[]) {
    const copies = shards.map((shard) => (shard ? new Uint8Array(shard).buffer : undefined));
    return { shards: copies, transfer: copies.filter((c): c is ArrayBuffer => c !== undefined) };
  }
}

/**
 * An ArrayBuffer whose first data.length bytes are `data`, to move to a
 * worker. Moving detaches the whole ArrayBuffer, so it moves as it is only
 * when nothing else can be in it: `data` spans all of it (Buffer.allocUnsafe
 * ≥ 4 KiB, Buffer.concat of large chunks), or it starts a recycled buffer the
 * caller took (the write path's blocks). Anything else is copied.
 */
function movable(data: Buffer): ArrayBuffer {
  const backing = data.buffer;
  if (backing instanceof ArrayBuffer && data.byteOffset === 0 && (data.byteLength === backing.byteLength || recycledBuffers.owns(backing))) return backing;
  return new Uint8Array(data).buffer;
}

/**
 * Output buffer size for a run of `dataLength` bytes: that of the run rounded
 * up to whole blocks, so a short last block reuses a full block's buffer.
 */
function outputBytes(geometry: ErasureGeometry, dataLength: number): number {
  const whole = blockCount(dataLength, geometry.blockSize) * geometry.blockSize;
  return (geometry.dataShards + geometry.parityShards) * runShardLength(geometry, whole);
}
