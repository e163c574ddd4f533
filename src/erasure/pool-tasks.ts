/**
 * The messages between the pool (pool.ts) and its workers (worker.ts). Every
 * buffer travels as a whole ArrayBuffer in the transfer list: moved, never copied.
 */
import type { ErasureGeometry } from './stripe-codec.js';

export interface EncodeTask {
  op: 'encode';
  geometry: ErasureGeometry;
  data: ArrayBuffer;
}

/** Reconstruction from shards the main thread already verified. */
export interface AssembleTask {
  op: 'assemble';
  geometry: ErasureGeometry;
  /** Copies of the present shards (undefined where absent). */
  shards: (ArrayBuffer | undefined)[];
  dataLength: number;
  validMasks: number[];
}

export interface RebuildTask extends Omit<AssembleTask, 'op'> {
  op: 'rebuild';
  wanted: number[];
}

/**
 * Answers: encode → one ArrayBuffer holding shard i at i × shard length;
 * assemble → the data; rebuild → wanted shard j at j × shard length.
 */
export type CodecTask = EncodeTask | AssembleTask | RebuildTask;
