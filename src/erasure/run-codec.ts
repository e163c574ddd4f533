/**
 * The synchronous heart of the StripeCodec: encode, verify, reassemble and
 * rebuild a run of whole blocks with a given kernel. Both the in-thread codec
 * and the pool's worker call these; see stripe-codec.ts for the contract.
 */
import type { CodingKernel } from './kernel.js';
import { parityRows, reconstructionRows } from './matrix.js';
import { frameIsValid, runBlocks, runShardLength, shardBlock, writeFrameHeader, type BlockPlace } from './frames.js';
import { FRAME_HEADER_BYTES } from './stripe.js';
import type { ErasureGeometry } from './stripe-codec.js';

/**
 * Framed shards for `data`. All shards are views into one ArrayBuffer (shard
 * i at i × shard length), so a worker can hand them back in one transfer:
 * `output` when given (a recycled buffer of at least (k + m) × shard length,
 * every byte of the shards is overwritten), else a fresh one.
 */
export function encodeRun(kernel: CodingKernel, geometry: ErasureGeometry, data: Uint8Array, output?: ArrayBuffer): Buffer[] {
  const { dataShards: k, parityShards: m } = geometry;
  const places = runBlocks(geometry, data.length);
  const shardLength = runShardLength(geometry, data.length);
  if (output && output.byteLength < (k + m) * shardLength) throw new RangeError(`encode output of ${output.byteLength} bytes is too small`);
  const backing = output ?? new ArrayBuffer((k + m) * shardLength);
  const shards = Array.from({ length: k + m }, (_, i) => Buffer.from(backing, i * shardLength, shardLength));
  const rows = parityRows(k, m);
  for (const place of places) {
    const blocks = shards.map((shard) => shardBlock(shard, place));
    for (let j = 0; j < k; j++) {
      const start = place.dataStart + j * place.shardBytes;
      const end = Math.min(start + place.shardBytes, place.dataStart + place.length);
      if (end > start) blocks[j].set(data.subarray(start, end));
      // The zero padding of the last data shard blocks is part of the code.
      if (end - start < place.shardBytes) blocks[j].fill(0, Math.max(0, end - start));
    }
    if (m > 0) kernel.apply(rows, blocks.slice(0, k), blocks.slice(k), place.shardBytes);
    for (const shard of shards) writeFrameHeader(shard, place);
  }
  return shards;
}

/** Which shard blocks passed verification: validMasks[block] has bit i set when shard i is good there. */
export interface RunVerification {
  validMasks: number[];
  /** Shard indexes present in the input with any missing, extra or failing block. */
  corrupt: number[];
}

export function verifyRun(geometry: ErasureGeometry, shards: readonly (Buffer | undefined)[], dataLength: number): RunVerification {
  const places = runBlocks(geometry, dataLength);
  const expected = runShardLength(geometry, dataLength);
  const validMasks = places.map(() => 0);
  const corrupt: number[] = [];
  shards.forEach((shard, i) => {
    if (!shard || i >= geometry.dataShards + geometry.parityShards) return;
    let bad = shard.length !== expected;
    places.forEach((place, b) => {
      if (frameIsValid(shard, place)) validMasks[b] |= 1 << i;
      else bad = true;
    });
    if (bad) corrupt.push(i);
  });
  return { validMasks, corrupt };
}

/** True when every block has at least k valid shard blocks. */
export function recoverable(geometry: ErasureGeometry, verification: RunVerification): boolean {
  return verification.validMasks.every((mask) => bitCount(mask) >= geometry.dataShards);
}

/** True when every block can be copied out without arithmetic. */
export function dataShardsIntact(geometry: ErasureGeometry, verification: RunVerification): boolean {
  const dataMask = (1 << geometry.dataShards) - 1;
  return verification.validMasks.every((mask) => (mask & dataMask) === dataMask);
}

/**
 * The run's data, from verified shards (verification must say `recoverable`).
 * Blocks whose k data shard blocks are all valid are copied; the others are
 * reconstructed from the first k valid shard blocks.
 */
export function assembleRun(
  kernel: CodingKernel,
  geometry: ErasureGeometry,
  shards: readonly (Buffer | undefined)[],
  dataLength: number,
  verification: RunVerification,
): Buffer {
  const k = geometry.dataShards;
  // Its own ArrayBuffer (never Node's small-buffer pool), so a worker can move it.
  const data = Buffer.from(new ArrayBuffer(dataLength));
  runBlocks(geometry, dataLength).forEach((place, b) => {
    const mask = verification.validMasks[b];
    const missing = range(k).filter((j) => !(mask & (1 << j)));
    const dataBlocks: Uint8Array[] = range(k).map((j) => (mask & (1 << j) ? shardBlock(shards[j]!, place) : new Uint8Array(0)));
    if (missing.length > 0) {
      const rebuilt = reconstructBlocks(kernel, geometry, shards, place, mask, missing);
      missing.forEach((j, i) => (dataBlocks[j] = rebuilt[i]));
    }
    copyBlockData(data, place, dataBlocks);
  });
  return data;
}

/**
 * The run's data when shards 0..k-1 are all present, none is mis-sized and
 * every one of their blocks verifies: a plain copy, synchronous, no kernel.
 * Undefined otherwise (then `assembleRun` or a pool task does the work,
 * reading more shards if need be). Parity shards are neither needed nor checked.
 */
export function intactRunData(geometry: ErasureGeometry, shards: readonly (Buffer | undefined)[], dataLength: number): Buffer | undefined {
  const slices = intactRunSlices(geometry, shards, dataLength);
  return slices && Buffer.concat(slices, dataLength);
}

/**
 * As `intactRunData`, without the copy: the run's data as views into the
 * data shards, in order (block by block, shard by shard; a block is the
 * concatenation of its data shard blocks, the padding cut off). The views
 * share the shards' memory and add up to `dataLength` bytes.
 */
export function intactRunSlices(geometry: ErasureGeometry, shards: readonly (Buffer | undefined)[], dataLength: number): Buffer[] | undefined {
  const k = geometry.dataShards;
  const expected = runShardLength(geometry, dataLength);
  const places = runBlocks(geometry, dataLength);
  for (let j = 0; j < k; j++) {
    const shard = shards[j];
    if (!shard || shard.length !== expected) return undefined;
    for (const place of places) if (!frameIsValid(shard, place)) return undefined;
  }
  const slices: Buffer[] = [];
  for (const place of places) {
    for (let j = 0; j < k; j++) {
      const length = Math.min(place.shardBytes, place.length - j * place.shardBytes);
      const start = place.frameOffset + FRAME_HEADER_BYTES;
      if (length > 0) slices.push(shards[j]!.subarray(start, start + length));
    }
  }
  return slices;
}

/** Copies one block's k data shard blocks (the last zero-padded) into its place in the run's data. */
function copyBlockData(data: Buffer, place: BlockPlace, dataBlocks: readonly Uint8Array[]): void {
  for (let j = 0; j < dataBlocks.length; j++) {
    const start = place.dataStart + j * place.shardBytes;
    const length = Math.min(place.shardBytes, place.dataStart + place.length - start);
    if (length > 0) data.set(dataBlocks[j].subarray(0, length), start);
  }
}

/** The framed shards `wanted`, recomputed from verified shards (verification must say `recoverable`). */
export function rebuildRun(
  kernel: CodingKernel,
  geometry: ErasureGeometry,
  shards: readonly (Buffer | undefined)[],
  dataLength: number,
  wanted: readonly number[],
  verification: RunVerification,
): Buffer[] {
  const n = geometry.dataShards + geometry.parityShards;
  for (const index of wanted) if (!Number.isInteger(index) || index < 0 || index >= n) throw new RangeError(`no shard ${index} in a ${n}-shard geometry`);
  const shardLength = runShardLength(geometry, dataLength);
  const backing = new ArrayBuffer(wanted.length * shardLength);
  const rebuilt = wanted.map((_, i) => Buffer.from(backing, i * shardLength, shardLength));
  runBlocks(geometry, dataLength).forEach((place, b) => {
    const blocks = reconstructBlocks(kernel, geometry, shards, place, verification.validMasks[b], wanted);
    rebuilt.forEach((shard, i) => {
      shardBlock(shard, place).set(blocks[i]);
      writeFrameHeader(shard, place);
    });
  });
  return rebuilt;
}

/** Shard blocks `wanted` of one block, computed from its first k valid shard blocks. */
function reconstructBlocks(
  kernel: CodingKernel,
  geometry: ErasureGeometry,
  shards: readonly (Buffer | undefined)[],
  place: BlockPlace,
  validMask: number,
  wanted: readonly number[],
): Uint8Array[] {
  const { dataShards: k, parityShards: m } = geometry;
  const sources = range(k + m).filter((i) => validMask & (1 << i)).slice(0, k);
  if (sources.length < k) throw new Error(`only ${sources.length} valid shards of the ${k} needed`);
  const rows = reconstructionRows(k, m, sources, wanted);
  const outputs = wanted.map(() => new Uint8Array(place.shardBytes));
  kernel.apply(rows, sources.map((i) => shardBlock(shards[i]!, place)), outputs, place.shardBytes);
  return outputs;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function bitCount(mask: number): number {
  let count = 0;
  for (let v = mask; v !== 0; v &= v - 1) count++;
  return count;
}
