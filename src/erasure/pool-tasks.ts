/**
 * The messages between the pool (pool.ts) and its workers (worker.ts). Every
 * buffer travels as a whole ArrayBuffer in the transfer list: moved, never copied.
 */
import type { ErasureGeometry } from './stripe-codec.js';

/**
 * The data is the first `dataLength` bytes of `data`; the framed shards are
 * written into `output` (recycled: stale bytes, at least (k + m) × shard
 * length). Both come back, moved, in an EncodeAnswer.
 */
export interface EncodeTask {
  op: 'encode';
  geometry: ErasureGeometry;
  data: ArrayBuffer;
  dataLength: number;
  output: ArrayBuffer;
}

/** Shard i at i × shard length of `output`; `data` is the task's data buffer, handed back for reuse. */
export interface EncodeAnswer {
  output: ArrayBuffer;
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
 * Answers: encode → an EncodeAnswer; assemble → the data; rebuild → wanted shard j at j × shard length.
 */
export type CodecTask = EncodeTask | AssembleTask | RebuildTask;
