/**
 * Body → blocks → codec.encode → one framed shard per drive. A block's shards
 * are written while the next block fills; the next block is encoded once
 * those writes have settled, and only after an encode does the body read on.
 * So a request holds at most one block of data and one block's shards
 * (2.5 MiB at 1 MiB blocks, 4+2), and the body is read only as fast as the
 * drives write (for-await pauses it). Block buffers come from the process's
 * recycler and shards are released to the codec once written, so a steady
 * stream of PUTs reuses warm memory instead of mapping fresh pages for every
 * block (see pool-buffers.ts).
 */
import { S3Error } from '../../s3/errors.js';
import { recycledBuffers } from '../../erasure/pool-buffers.js';
import type { ErasureGeometry, StripeCodec } from '../../erasure/stripe-codec.js';
import type { BodyDigests, IncomingBody } from '../backend.js';
import type { Drive, TempShard } from './drive.js';
import { insufficientWriteQuorum, meetsWriteQuorum } from './quorum.js';

export interface ShardWriteOptions {
  drives: readonly Drive[];
  geometry: ErasureGeometry;
  /** distribution[position] = shard index written to the drive at that position. */
  distribution: readonly number[];
  codec: StripeCodec;
  /** Keep the shards in memory (for inline records) while each is at most this many bytes; undefined: always files. */
  inlineLimit?: number;
}

/** A body's shards, durable in temp files (or held for inline records), not yet visible anywhere. */
export interface EncodedBody {
  size: number;
  digests: BodyDigests;
  /** Framed shard bytes by shard index, when the object is small enough to live in its records. */
  inline?: Buffer[];
  /** Temp shard by drive position; undefined where the drive failed (or when inline). */
  temps: (TempShard | undefined)[];
}

/** Below this a final short block is copied out of its block buffer, so small objects do not pin a whole block. */
const SHRINK_BELOW = 64 << 10;

/**
 * Streams the body into shards. On any failure (body error, abort, codec
 * error, too few drives left for write quorum) every temp file is discarded
 * and the error propagates.
 */
export async function encodeBody(body: IncomingBody, options: ShardWriteOptions, signal?: AbortSignal): Promise<EncodedBody> {
  const fanout = new ShardFanout(options);
  const onAbort = () => body.stream.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  let written: Promise<void> = Promise.resolve();
  let size = 0;
  try {
    signal?.throwIfAborted();
    for await (const block of blocksOf(body.stream, options.geometry.blockSize)) {
      signal?.throwIfAborted();
      await written;
      size += block.length;
      // Awaited before the loop reads on: the block's buffer is back in the recycler before the next one fills.
      const shards = await options.codec.encode(options.geometry, block);
      written = fanout.accept(shards);
      written.catch(() => undefined); // awaited on the next block or below; never unhandled
    }
    await written;
    signal?.throwIfAborted();
    const digests = body.digests();
    if (body.declaredSize !== undefined && body.declaredSize !== size) throw new S3Error('IncompleteBody');
    if (digests.size !== size) throw new S3Error('InternalError', { message: 'Body digests disagree with the bytes stored' });
    return { size, digests, ...(await fanout.finish()) };
  } catch (err) {
    await written.catch(() => undefined);
    await fanout.discard();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Commits each temp as data/<bucket>/<dataId>/<file>; which positions now hold their shard. Failed temps are discarded. */
export async function commitTemps(temps: readonly (TempShard | undefined)[], bucket: string, dataId: string, file: string): Promise<boolean[]> {
  return Promise.all(
    temps.map(async (temp) => {
      if (!temp) return false;
      try {
        await temp.commit(bucket, dataId, file);
        return true;
      } catch {
        await temp.discard().catch(() => undefined);
        return false;
      }
    }),
  );
}

export async function discardTemps(temps: readonly (TempShard | undefined)[]): Promise<void> {
  await Promise.all(temps.map((temp) => temp?.discard().catch(() => undefined)));
}

/**
 * Cuts a byte stream into blocks of `blockSize` (the last may be shorter),
 * each in a recycled buffer of its own that the codec may take over.
 */
async function* blocksOf(stream: AsyncIterable<Buffer | string>, blockSize: number): AsyncGenerator<Buffer> {
  let block: Buffer | undefined;
  let filled = 0;
  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let offset = 0;
    while (offset < chunk.length) {
      block ??= Buffer.from(recycledBuffers.take(blockSize));
      const n = Math.min(blockSize - filled, chunk.length - offset);
      chunk.copy(block, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === blockSize) {
        yield block;
        block = undefined;
        filled = 0;
      }
    }
  }
  if (!block || filled === 0) return;
  if (filled >= SHRINK_BELOW) {
    yield block.subarray(0, filled);
    return;
  }
  const small = Buffer.from(block.subarray(0, filled));
  recycledBuffers.give(block.buffer as ArrayBuffer);
  yield small;
}

/**
 * Sends each encoded block's shards to the drives, then releases them to the
 * codec. While the shards fit the inline limit they are only held; the first
 * block past it opens a temp file per drive and flushes what was held. A
 * drive that fails is dropped; the write goes on while the survivors can
 * still make write quorum.
 */
class ShardFanout {
  /** Encoded blocks held while their shards fit the inline limit: held[block][shard index]. */
  private held: Buffer[][] | undefined;
  private heldBytes = 0;
  private temps: (TempShard | undefined)[] | undefined;

  constructor(private readonly options: ShardWriteOptions) {
    if (options.inlineLimit !== undefined) this.held = [];
  }

  async accept(shards: Buffer[]): Promise<void> {
    if (this.held && this.heldBytes + shards[0].length <= (this.options.inlineLimit ?? 0)) {
      this.held.push(shards);
      this.heldBytes += shards[0].length;
      return;
    }
    try {
      if (!this.temps) await this.open();
      const held = this.joinHeld();
      if (held) await this.writeAll(held);
      await this.writeAll(shards);
    } finally {
      this.release(shards); // every write of them has settled
    }
  }

  async finish(): Promise<Pick<EncodedBody, 'inline' | 'temps'>> {
    if (this.held) return { inline: this.joinHeld() ?? this.options.drives.map(() => Buffer.alloc(0)), temps: [] };
    if (!this.temps) await this.open(); // an empty body with inlining off still gets (empty) shard files
    return { temps: this.temps! };
  }

  async discard(): Promise<void> {
    for (const shards of this.held ?? []) this.release(shards);
    this.held = undefined;
    if (this.temps) await discardTemps(this.temps);
  }

  /** The held blocks joined into one buffer per shard index (copies; the held shards are released); undefined when none were held. */
  private joinHeld(): Buffer[] | undefined {
    const blocks = this.held;
    this.held = undefined;
    if (!blocks || blocks.length === 0) return undefined;
    const joined = blocks[0].map((_, index) => Buffer.concat(blocks.map((shards) => shards[index])));
    for (const shards of blocks) this.release(shards);
    return joined;
  }

  private release(shards: Buffer[]): void {
    this.options.codec.release?.(shards);
  }

  private async open(): Promise<void> {
    this.temps = await Promise.all(this.options.drives.map(async (drive) => drive.files.createTemp()).map((temp) => temp.catch(() => undefined)));
    this.requireQuorum();
  }

  /** Writes shard `distribution[p]` to the drive at position p, dropping drives that fail. */
  private async writeAll(shards: Buffer[]): Promise<void> {
    const temps = this.temps!;
    await Promise.all(
      temps.map(async (temp, position) => {
        if (!temp) return;
        try {
          await temp.write(shards[this.options.distribution[position]]);
        } catch {
          temps[position] = undefined;
          await temp.discard().catch(() => undefined);
        }
      }),
    );
    this.requireQuorum();
  }

  private requireQuorum(): void {
    const alive = this.temps!.filter((temp) => temp !== undefined).length;
    if (!meetsWriteQuorum(alive, this.options.geometry.dataShards, this.options.geometry.parityShards)) throw insufficientWriteQuorum();
  }
}
