/**
 * Body → blocks → codec.encode → one framed shard per drive. Blocks are
 * encoded one at a time while the next one fills, so at most about two
 * blocks of a request's data (plus one block's shards) are in memory, and the
 * body is read only as fast as the drives write (for-await pauses it).
 */
import { S3Error } from '../../s3/errors.js';
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
  let pending: Promise<void> = Promise.resolve();
  let size = 0;
  try {
    signal?.throwIfAborted();
    for await (const block of blocksOf(body.stream, options.geometry.blockSize)) {
      signal?.throwIfAborted();
      await pending;
      size += block.length;
      pending = fanout.accept(block);
      pending.catch(() => undefined); // awaited on the next block or below; never unhandled
    }
    await pending;
    signal?.throwIfAborted();
    const digests = body.digests();
    if (body.declaredSize !== undefined && body.declaredSize !== size) throw new S3Error('IncompleteBody');
    if (digests.size !== size) throw new S3Error('InternalError', { message: 'Body digests disagree with the bytes stored' });
    return { size, digests, ...(await fanout.finish()) };
  } catch (err) {
    await pending.catch(() => undefined);
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

/** Cuts a byte stream into blocks of `blockSize` (the last may be shorter), each a fresh buffer the codec may take over. */
async function* blocksOf(stream: AsyncIterable<Buffer | string>, blockSize: number): AsyncGenerator<Buffer> {
  let block: Buffer | undefined;
  let filled = 0;
  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let offset = 0;
    while (offset < chunk.length) {
      block ??= Buffer.allocUnsafeSlow(blockSize);
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
  if (block && filled > 0) yield filled < SHRINK_BELOW ? Buffer.from(block.subarray(0, filled)) : block.subarray(0, filled);
}

/**
 * Sends each encoded block's shards to the drives. While the shards fit the
 * inline limit they are only held; the first block past it opens a temp file
 * per drive and flushes what was held. A drive that fails is dropped; the
 * write goes on while the survivors can still make write quorum.
 */
class ShardFanout {
  private held: Buffer[][] | undefined;
  private heldBytes = 0;
  private temps: (TempShard | undefined)[] | undefined;

  constructor(private readonly options: ShardWriteOptions) {
    if (options.inlineLimit !== undefined) this.held = Array.from({ length: options.drives.length }, () => []);
  }

  async accept(block: Buffer): Promise<void> {
    const shards = await this.options.codec.encode(this.options.geometry, block);
    if (this.held && this.heldBytes + shards[0].length <= (this.options.inlineLimit ?? 0)) {
      shards.forEach((shard, index) => this.held![index].push(shard));
      this.heldBytes += shards[0].length;
      return;
    }
    if (!this.temps) await this.open();
    if (this.held) {
      const held = this.held.map((pieces) => Buffer.concat(pieces));
      this.held = undefined;
      if (this.heldBytes > 0) await this.writeAll(held);
    }
    await this.writeAll(shards);
  }

  async finish(): Promise<Pick<EncodedBody, 'inline' | 'temps'>> {
    if (this.held) return { inline: this.held.map((pieces) => Buffer.concat(pieces)), temps: [] };
    if (!this.temps) await this.open(); // an empty body with inlining off still gets (empty) shard files
    return { temps: this.temps! };
  }

  async discard(): Promise<void> {
    this.held = undefined;
    if (this.temps) await discardTemps(this.temps);
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
