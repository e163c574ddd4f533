/**
 * What the erasure store asks of the coding layer. Pure coding, no files:
 * src/erasure implements it (Reed-Solomon over GF(2^8), systematic, WASM SIMD
 * kernel with a TypeScript reference fallback, run in a piscina pool).
 *
 * Vocabulary
 * - An object (or one multipart part) is cut into blocks of `blockSize` bytes;
 *   only the last block may be shorter.
 * - A block of L bytes becomes k data shard blocks and m parity shard blocks,
 *   each ceil(L / k) bytes (the last data shard block zero-padded).
 * - A shard is everything stored for one shard index: for each block, a
 *   framed shard block = [CRC32 of the shard block, 4 bytes big-endian][shard block].
 *   The CRC is the bitrot check. Shard indexes 0..k-1 are data, k..k+m-1 parity.
 */
export interface ErasureGeometry {
  dataShards: number;
  parityShards: number;
  blockSize: number;
}

export interface StripeCodec {
  /**
   * Encodes a run of whole blocks (only the run that ends the stream may end
   * with a short block). `data` may be transferred to a worker: the caller
   * must not use it afterwards. Returns one framed shard buffer per shard index.
   */
  encode(geometry: ErasureGeometry, data: Buffer): Promise<Buffer[]>;

  /**
   * Optional: the caller is done with shards an encode returned (every write
   * of them has settled) and will not touch them again, so the codec may
   * reuse their memory. Never required for correctness; skipping it only
   * costs fresh allocations.
   */
  release?(shards: readonly Buffer[]): void;

  /**
   * Recovers the object bytes of a run of blocks covering `dataLength` bytes
   * (the run starts at a block boundary). `shards[i]` is shard i's framed
   * bytes for the same blocks, or undefined when not read. Every present
   * shard block is verified. With at least k valid shards the data comes
   * back (no arithmetic when the k data shards are all valid) together with
   * the shard indexes that failed verification; with fewer, `data` is
   * undefined and the caller reads more shards and asks again.
   */
  decode(geometry: ErasureGeometry, shards: (Buffer | undefined)[], dataLength: number): Promise<DecodeResult>;

  /**
   * Rebuilds the framed bytes of the shard indexes in `wanted` from at least
   * k valid shards of the same run (for healing). Throws when fewer than k are valid.
   */
  rebuild(geometry: ErasureGeometry, shards: (Buffer | undefined)[], dataLength: number, wanted: number[]): Promise<Buffer[]>;

  close(): Promise<void>;
}

export interface DecodeResult {
  data?: Buffer;
  /** Shard indexes present in the input whose framing or CRC failed. */
  corrupt: number[];
}
