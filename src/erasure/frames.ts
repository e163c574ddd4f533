/**
 * Bitrot framing of shard blocks and the per-block layout of a run of blocks.
 * A framed shard block is [CRC32 of the shard block, 4 bytes big-endian][shard block].
 */
import { crc32 } from 'node:zlib';
import { checkGeometry } from './matrix.js';
import { blockCount, blockLength, FRAME_HEADER_BYTES, framedBlockOffset, framedShardSize, shardBlockSize } from './stripe.js';
import type { ErasureGeometry } from './stripe-codec.js';

/** Where one block of a run sits: in the object data and in every shard. */
export interface BlockPlace {
  /** Offset of the block's first byte in the run's data. */
  dataStart: number;
  /** Data bytes in the block. */
  length: number;
  /** Bytes of each shard block (data shards zero-padded to it). */
  shardBytes: number;
  /** Offset of the framed shard block in every shard of the run. */
  frameOffset: number;
}

export function checkCodecGeometry(geometry: ErasureGeometry): void {
  checkGeometry(geometry.dataShards, geometry.parityShards);
  if (!Number.isInteger(geometry.blockSize) || geometry.blockSize < 1) throw new RangeError(`invalid block size ${geometry.blockSize}`);
}

/** The blocks of a run of `dataLength` bytes that starts at a block boundary. */
export function runBlocks(geometry: ErasureGeometry, dataLength: number): BlockPlace[] {
  checkCodecGeometry(geometry);
  const places: BlockPlace[] = [];
  const count = blockCount(dataLength, geometry.blockSize);
  for (let index = 0; index < count; index++) {
    const length = blockLength(index, dataLength, geometry.blockSize);
    places.push({
      dataStart: index * geometry.blockSize,
      length,
      shardBytes: shardBlockSize(length, geometry.dataShards),
      frameOffset: framedBlockOffset(index, geometry),
    });
  }
  return places;
}

/** Every shard of the run is exactly this long. */
export function runShardLength(geometry: ErasureGeometry, dataLength: number): number {
  return framedShardSize(dataLength, geometry);
}

/** The shard block (payload) of a framed block. */
export function shardBlock(shard: Uint8Array, place: BlockPlace): Uint8Array {
  const start = place.frameOffset + FRAME_HEADER_BYTES;
  return shard.subarray(start, start + place.shardBytes);
}

export function writeFrameHeader(shard: Buffer, place: BlockPlace): void {
  shard.writeUInt32BE(crc32(shardBlock(shard, place)), place.frameOffset);
}

/** True when the framed block is wholly present and its CRC matches. */
export function frameIsValid(shard: Buffer, place: BlockPlace): boolean {
  if (shard.length < place.frameOffset + FRAME_HEADER_BYTES + place.shardBytes) return false;
  return shard.readUInt32BE(place.frameOffset) === crc32(shardBlock(shard, place));
}
