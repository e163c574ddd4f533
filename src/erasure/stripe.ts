/**
 * Stripe arithmetic: where the bytes of an object (or one multipart part) of
 * `size` bytes live inside each shard. See stripe-codec.ts for the vocabulary.
 * Pure functions of (size, geometry); both the encoder and the readers use them.
 */
import type { ErasureGeometry } from './stripe-codec.js';

/** Each framed shard block starts with the CRC32 (big-endian) of the shard block. */
export const FRAME_HEADER_BYTES = 4;

export function blockCount(size: number, blockSize: number): number {
  return Math.ceil(size / blockSize);
}

/** Bytes of object data in block `index` of an object of `size` bytes. */
export function blockLength(index: number, size: number, blockSize: number): number {
  return Math.min(blockSize, size - index * blockSize);
}

/** Bytes of each shard block (data or parity) for a block of `length` bytes. */
export function shardBlockSize(length: number, dataShards: number): number {
  return Math.ceil(length / dataShards);
}

/** Framed bytes in one shard for a block of `length` bytes. */
export function framedBlockSize(length: number, dataShards: number): number {
  return FRAME_HEADER_BYTES + shardBlockSize(length, dataShards);
}

/** Where block `index` starts inside every shard (all blocks before it are full). */
export function framedBlockOffset(index: number, geometry: ErasureGeometry): number {
  return index * framedBlockSize(geometry.blockSize, geometry.dataShards);
}

/** Total bytes of one shard of an object of `size` bytes. */
export function framedShardSize(size: number, geometry: ErasureGeometry): number {
  const blocks = blockCount(size, geometry.blockSize);
  if (blocks === 0) return 0;
  return framedBlockOffset(blocks - 1, geometry) + framedBlockSize(blockLength(blocks - 1, size, geometry.blockSize), geometry.dataShards);
}

/**
 * The blocks covering object bytes [start, end] (inclusive) and where they
 * sit in every shard: a ranged read fetches exactly this span from k shards.
 */
export function blockSpan(start: number, end: number, size: number, geometry: ErasureGeometry) {
  const first = Math.floor(start / geometry.blockSize);
  const last = Math.floor(end / geometry.blockSize);
  const shardOffset = framedBlockOffset(first, geometry);
  const shardEnd = framedBlockOffset(last, geometry) + framedBlockSize(blockLength(last, size, geometry.blockSize), geometry.dataShards);
  const dataStart = first * geometry.blockSize;
  const dataLength = Math.min(size, (last + 1) * geometry.blockSize) - dataStart;
  return { firstBlock: first, lastBlock: last, shardOffset, shardLength: shardEnd - shardOffset, dataStart, dataLength };
}
