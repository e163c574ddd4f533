/**
 * StripeCodec on the calling thread: for tests, tools and inputs too small
 * to be worth a trip to the pool. Work is synchronous; the promises only
 * keep the contract's shape.
 */
import type { CodingKernel } from './kernel.js';
import { bestKernel } from './kernels.js';
import { assembleRun, encodeRun, rebuildRun, recoverable, verifyRun } from './run-codec.js';
import type { DecodeResult, ErasureGeometry, StripeCodec } from './stripe-codec.js';

export class InThreadStripeCodec implements StripeCodec {
  constructor(readonly kernel: CodingKernel = bestKernel()) {}

  async encode(geometry: ErasureGeometry, data: Buffer): Promise<Buffer[]> {
    return encodeRun(this.kernel, geometry, data);
  }

  async decode(geometry: ErasureGeometry, shards: (Buffer | undefined)[], dataLength: number): Promise<DecodeResult> {
    const verification = verifyRun(geometry, shards, dataLength);
    if (!recoverable(geometry, verification)) return { corrupt: verification.corrupt };
    return { data: assembleRun(this.kernel, geometry, shards, dataLength, verification), corrupt: verification.corrupt };
  }

  async rebuild(geometry: ErasureGeometry, shards: (Buffer | undefined)[], dataLength: number, wanted: number[]): Promise<Buffer[]> {
    const verification = verifyRun(geometry, shards, dataLength);
    if (!recoverable(geometry, verification)) throw new Error(`cannot rebuild: fewer than ${geometry.dataShards} valid shards for some block`);
    return rebuildRun(this.kernel, geometry, shards, dataLength, wanted, verification);
  }

  async close(): Promise<void> {}
}
