/**
 * Framed shards → object bytes. For each part the range touches, runs of a
 * few blocks are read from k drives (data shard indexes first: when every
 * block's CRC verifies, the bytes go out as views of the shards, on this
 * thread, no copy and no pool), verified and decoded; a missing, unreadable or
 * corrupt shard makes the run read more drives and decode again with parity.
 * Only the blocks the range covers are read, one run ahead of the consumer.
 *
 * An inline object (its shards in the records) whose k data shards are in
 * the copies the read was resolved from and verify is answered at once: the
 * bytes are copied out synchronously into one Buffer, with no stream
 * machinery per chunk. Anything else (a shard missing, stale or corrupt)
 * takes the general road, which reads parity and reports the object degraded.
 */
import { Readable } from 'node:stream';
import { intactRunData, intactRunSlices } from '../../erasure/run-codec.js';
import type { ErasureGeometry, StripeCodec } from '../../erasure/stripe-codec.js';
import { blockSpan } from '../../erasure/stripe.js';
import { runShardLength } from '../../erasure/frames.js';
import type { ByteRange } from '../../s3/types.js';
import { BufferedBody } from '../buffered-body.js';
import { ChunkRecycler, offerRecycling } from '../recycled-chunks.js';
import type { Drive } from './drive.js';
import { geometryOf, positionsByShard } from './layout.js';
import { insufficientReadQuorum } from './quorum.js';
import { ShardReadSession } from './shard-read-session.js';
import type { ObjectRecord, StoredPart } from './records.js';

export interface ReadContext {
  drives: readonly Drive[];
  codec: StripeCodec;
  /** Blocks decoded per run (memory per read ≈ 2 runs). */
  blocksPerRun: number;
  /** Called once per read when parity was needed or a shard was missing, unreadable or corrupt. */
  onDegraded?: () => void;
}

/** Reads `length` framed bytes at `offset` of one shard index of one part. */
export type ShardSource = (shardIndex: number, offset: number, length: number) => Promise<Buffer>;

/**
 * Each drive position's copy of the record as read together with it (the
 * snapshot the quorum chose from); undefined where the drive had none or
 * failed. Inline shards come from here instead of asking the drives again.
 */
export type RecordCopies = readonly (ObjectRecord | undefined)[];

export function readObject(context: ReadContext, record: ObjectRecord, range: ByteRange | undefined, signal?: AbortSignal, copies?: RecordCopies): Readable {
  const wanted = range ?? { start: 0, end: record.size - 1 };
  const inline = copies && intactInlineBytes(record, wanted, copies);
  if (inline) return new BufferedBody(inline);
  const geometry = geometryOf(record.layout);
  const recycler = new ChunkRecycler(runShardLength(geometry, geometry.blockSize * context.blocksPerRun));
  const body = Readable.from(objectChunks(context, record, wanted, recycler, signal, copies), { objectMode: false });
  return offerRecycling(body, (chunk) => recycler.recycle(chunk));
}

/** The range's bytes of a single-part inline object, when its data shards are all there and verify. */
function intactInlineBytes(record: ObjectRecord, range: ByteRange, copies: RecordCopies): Buffer | undefined {
  if (record.parts.length !== 1 || record.parts[0].file !== undefined) return undefined;
  const part = record.parts[0];
  if (part.size === 0) return Buffer.alloc(0);
  const positions = positionsByShard(record.layout);
  const shards = positions.map((position) => inlineShardIn(copies[position], record, part.partNumber));
  return intactRunData(geometryOf(record.layout), shards, part.size)?.subarray(range.start, range.end + 1);
}

async function* objectChunks(
  context: ReadContext,
  record: ObjectRecord,
  range: ByteRange,
  recycler: ChunkRecycler,
  signal?: AbortSignal,
  copies?: RecordCopies,
): AsyncGenerator<Buffer> {
  const health = { degraded: false };
  try {
    let partStart = 0;
    for (const part of record.parts) {
      const partEnd = partStart + part.size - 1;
      if (part.size > 0 && partEnd >= range.start && partStart <= range.end) {
        const local = { start: Math.max(range.start, partStart) - partStart, end: Math.min(range.end, partEnd) - partStart };
        yield* partChunks(context, record, part, local, health, recycler, signal, copies);
      }
      partStart += part.size;
      if (partStart > range.end) break;
    }
  } finally {
    if (health.degraded) context.onDegraded?.();
  }
}

/**
 * One part's bytes [range.start, range.end] (part-relative), decoding one run
 * ahead of the consumer. Healthy runs come out as views into the data shards
 * just read (no assembling copy), read into buffers the consumer handed back
 * when it did; each shard file is opened once per read.
 */
async function* partChunks(
  context: ReadContext,
  record: ObjectRecord,
  part: StoredPart,
  range: ByteRange,
  health: { degraded: boolean },
  recycler: ChunkRecycler,
  signal?: AbortSignal,
  copies?: RecordCopies,
): AsyncGenerator<Buffer> {
  const geometry = geometryOf(record.layout);
  const session = part.file !== undefined ? new ShardReadSession(recycler) : undefined;
  const decoder = new RunDecoder(context.codec, geometry, shardSourceFor(context.drives, record, part, copies, session), health);
  const runBytes = geometry.blockSize * context.blocksPerRun;
  const runs: ByteRange[] = [];
  for (let start = range.start; start <= range.end; start = (Math.floor(start / runBytes) + 1) * runBytes) {
    runs.push({ start, end: Math.min(range.end, (Math.floor(start / runBytes) + 1) * runBytes - 1) });
  }
  const decodeRun = (run: ByteRange) => {
    const span = blockSpan(run.start, run.end, part.size, geometry);
    const decoded = decoder.decode(span.shardOffset, span.shardLength, span.dataLength).then(({ chunks, shards }) => {
      const wanted = sliceChunks(chunks, run.start - span.dataStart, run.end - span.dataStart + 1);
      // Every view is counted before the first is handed out; shards nothing points into are free again.
      recycler.lend(wanted, shards);
      return wanted;
    });
    decoded.catch(() => undefined); // awaited below unless the consumer went away
    return decoded;
  };
  try {
    let next = decodeRun(runs[0]);
    for (let i = 0; i < runs.length; i++) {
      signal?.throwIfAborted();
      const current = await next;
      if (i + 1 < runs.length) next = decodeRun(runs[i + 1]);
      yield* current;
    }
  } finally {
    // A run still in flight when the consumer left must not count its failures as the object's.
    decoder.stop();
    await session?.close();
  }
}

function presentShards(shards: readonly (Buffer | undefined)[]): Buffer[] {
  return shards.filter((shard): shard is Buffer => shard !== undefined);
}

/** The bytes [from, to) of the concatenation of `chunks`, as views. */
function sliceChunks(chunks: readonly Buffer[], from: number, to: number): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  for (const chunk of chunks) {
    const start = Math.max(from - offset, 0);
    const end = Math.min(to - offset, chunk.length);
    if (end > start) out.push(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
    offset += chunk.length;
    if (offset >= to) break;
  }
  return out;
}

/**
 * Decodes runs of one part, remembering which shard indexes failed so later
 * runs go straight to good ones.
 */
class RunDecoder {
  private readonly bad = new Set<number>();
  private stopped = false;

  constructor(
    private readonly codec: StripeCodec,
    private readonly geometry: ErasureGeometry,
    private readonly source: ShardSource,
    private readonly health: { degraded: boolean },
  ) {}

  /**
   * The run's data in order (`chunks`: views into the data shards when they
   * verify, else one decoded buffer) and the shards read for it.
   */
  async decode(shardOffset: number, shardLength: number, dataLength: number): Promise<{ chunks: Buffer[]; shards: Buffer[] }> {
    const { dataShards, parityShards } = this.geometry;
    const total = dataShards + parityShards;
    const shards: (Buffer | undefined)[] = new Array(total).fill(undefined);
    // Data shards first (no arithmetic when they verify), then parity; known-bad ones never.
    const order = Array.from({ length: total }, (_, index) => index).filter((index) => !this.bad.has(index));
    if (order.slice(0, dataShards).some((index) => index >= dataShards)) this.health.degraded = true;
    let tried = 0;
    let present = 0;
    for (;;) {
      const wanted = order.slice(tried, tried + dataShards - present);
      tried += wanted.length;
      if (present + wanted.length < dataShards) throw insufficientReadQuorum();
      await Promise.all(
        wanted.map(async (index) => {
          try {
            shards[index] = await this.source(index, shardOffset, shardLength);
            present++;
          } catch {
            this.markBad(index);
          }
        }),
      );
      if (present < dataShards) continue;
      // The common case, on this thread: every data shard block's CRC checks, the data is their bytes.
      const slices = intactRunSlices(this.geometry, shards, dataLength);
      if (slices) return { chunks: slices, shards: presentShards(shards) };
      const result = await this.codec.decode(this.geometry, shards, dataLength);
      for (const index of result.corrupt) {
        // Corruption is real whether or not anyone still wants the bytes: always reported.
        this.bad.add(index);
        shards[index] = undefined;
        present--;
      }
      if (result.corrupt.length > 0) this.health.degraded = true;
      if (result.data) return { chunks: [result.data], shards: presentShards(shards) };
      if (result.corrupt.length === 0) throw insufficientReadQuorum();
    }
  }

  /** The read is over: a shard read failing from now on (its handles are closing) is not reported. */
  stop(): void {
    this.stopped = true;
  }

  private markBad(index: number): void {
    this.bad.add(index);
    if (!this.stopped) this.health.degraded = true;
  }
}

/**
 * Where a part's shards come from: its shard files on the drives, or the
 * inline bytes of each drive's record (from `copies` when given, else read
 * from the drive now). With `session`, shard files stay open in it.
 */
export function shardSourceFor(drives: readonly Drive[], record: ObjectRecord, part: StoredPart, copies?: RecordCopies, session?: ShardReadSession): ShardSource {
  const positions = positionsByShard(record.layout);
  if (part.file !== undefined) {
    const file = part.file;
    return (shardIndex, offset, length) => drives[positions[shardIndex]].files.read(record.bucket, record.dataId, file, offset, length, session);
  }
  return async (shardIndex, offset, length) => {
    const position = positions[shardIndex];
    const inline =
      shardIndex === record.layout.shardIndex
        ? part.inline
        : inlineShardIn(copies ? copies[position] : drives[position].meta.getObject(record.bucket, record.key), record, part.partNumber);
    if (!inline || inline.length < offset + length) throw new Error(`inline shard ${shardIndex} of ${record.bucket}/${record.key} is missing or short`);
    return inline.subarray(offset, offset + length);
  };
}

/** A drive's inline shard of the part, if its copy is of the same version. */
function inlineShardIn(copy: ObjectRecord | undefined, record: ObjectRecord, partNumber: number): Buffer | undefined {
  if (!copy || copy.dataId !== record.dataId) return undefined;
  return copy.parts.find((part) => part.partNumber === partNumber)?.inline;
}
