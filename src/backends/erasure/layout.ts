/**
 * How an object's shards are laid out over its set: the geometry its storage
 * class asks for and the rotation of shard indexes across drive positions.
 * Readers never recompute these: they use the layout stored in the record.
 */
import { crc32 } from 'node:zlib';
import type { ErasureGeometry } from '../../erasure/stripe-codec.js';
import type { ErasureLayout } from './records.js';

export const DEFAULT_BLOCK_SIZE = 1 << 20;
/** A plain PUT whose framed shard is at most this many bytes lives inline in its records. */
export const DEFAULT_INLINE_LIMIT = 128 << 10;

export function geometryFor(setSize: number, parityShards: number, blockSize: number): ErasureGeometry {
  if (!Number.isInteger(parityShards) || parityShards < 0 || parityShards > setSize / 2) {
    throw new Error(`parity ${parityShards} is not possible on a set of ${setSize} drives`);
  }
  return { dataShards: setSize - parityShards, parityShards, blockSize };
}

/**
 * distribution[position] = shard index on the drive at that position: a
 * rotation starting at crc32(key) mod n, so data shards (the ones reads
 * prefer) spread over the set's drives by key.
 */
export function distributionFor(key: string, setSize: number): number[] {
  const start = crc32(key) % setSize;
  return Array.from({ length: setSize }, (_, position) => (position - start + setSize) % setSize);
}

export function layoutFor(key: string, setSize: number, geometry: ErasureGeometry): ErasureLayout {
  const distribution = distributionFor(key, setSize);
  return { ...geometry, distribution, shardIndex: distribution[0] };
}

/** The layout as stored on the drive at `position` (its own shard index). */
export function layoutAt(layout: ErasureLayout, position: number): ErasureLayout {
  return { ...layout, shardIndex: layout.distribution[position] };
}

export function geometryOf(layout: ErasureLayout): ErasureGeometry {
  return { dataShards: layout.dataShards, parityShards: layout.parityShards, blockSize: layout.blockSize };
}

/** Drive position holding each shard index (the inverse of the distribution). */
export function positionsByShard(layout: ErasureLayout): number[] {
  const positions: number[] = [];
  layout.distribution.forEach((shardIndex, position) => (positions[shardIndex] = position));
  return positions;
}
