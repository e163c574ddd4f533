/**
 * The StripeCodec contract, run against every implementation (in-thread with
 * each kernel, and the pool): round trips, bitrot detection, reconstruction
 * and rebuild, asserting on bytes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { blockSpan, FRAME_HEADER_BYTES, framedShardSize } from '../../../src/erasure/stripe.js';
import type { ErasureGeometry, StripeCodec } from '../../../src/erasure/stripe-codec.js';

// An odd block size: shard blocks are padded and nothing is 16-byte aligned.
const BLOCK = 4099;
const GEOMETRIES: ErasureGeometry[] = [
  { dataShards: 4, parityShards: 2, blockSize: BLOCK },
  { dataShards: 2, parityShards: 2, blockSize: BLOCK },
  { dataShards: 1, parityShards: 0, blockSize: BLOCK },
  { dataShards: 8, parityShards: 4, blockSize: BLOCK },
];
const SIZES = [0, 1, BLOCK - 1, BLOCK, Math.floor(3.5 * BLOCK)];

/** encode() may take its input: give it a copy, keep the original for comparison. */
async function encodeCopy(codec: StripeCodec, geometry: ErasureGeometry, data: Buffer): Promise<Buffer[]> {
  return codec.encode(geometry, Buffer.from(data));
}

function label(g: ErasureGeometry): string {
  return `${g.dataShards}+${g.parityShards}`;
}

export function stripeCodecSuite(name: string, makeCodec: () => StripeCodec): void {
  describe(`StripeCodec (${name})`, () => {
    const codec = makeCodec();
    afterAll(() => codec.close());

    describe.each(GEOMETRIES.map((g) => [label(g), g] as const))('%s', (_, geometry) => {
      const { dataShards: k, parityShards: m } = geometry;

      it.each(SIZES)('round-trips %i bytes through framed shards', async (size) => {
        const data = randomBytes(size);
        const shards = await encodeCopy(codec, geometry, data);
        expect(shards).toHaveLength(k + m);
        for (const shard of shards) expect(shard.length).toBe(framedShardSize(size, geometry));
        if (size > 0) {
          // Systematic: data shard 0 holds the block's first bytes after its frame header.
          const first = Math.min(size, Math.ceil(Math.min(size, BLOCK) / k));
          expect(shards[0].subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + first).equals(data.subarray(0, first))).toBe(true);
        }
        const result = await codec.decode(geometry, shards, size);
        expect(result.corrupt).toEqual([]);
        expect(result.data?.equals(data)).toBe(true);
      });

      it('decodes with any m shards missing', async () => {
        const size = Math.floor(3.5 * BLOCK);
        const data = randomBytes(size);
        const shards = await encodeCopy(codec, geometry, data);
        for (let first = 0; first + m <= k + m; first++) {
          const partial = shards.map((s, i) => (i >= first && i < first + m ? undefined : s));
          const result = await codec.decode(geometry, partial, size);
          expect(result.corrupt).toEqual([]);
          expect(result.data?.equals(data)).toBe(true);
        }
      });

      it('decodes a run of blocks from the middle of the shards (a ranged read)', async () => {
        const size = Math.floor(3.5 * BLOCK);
        const data = randomBytes(size);
        const shards = await encodeCopy(codec, geometry, data);
        const span = blockSpan(BLOCK + 5, 3 * BLOCK + 7, size, geometry);
        const slices = shards.map((s, i) => (i < m ? undefined : s.subarray(span.shardOffset, span.shardOffset + span.shardLength)));
        const result = await codec.decode(geometry, slices, span.dataLength);
        expect(result.data?.equals(data.subarray(span.dataStart, span.dataStart + span.dataLength))).toBe(true);
      });

      it('reports a flipped shard byte and a flipped CRC byte, and still returns the data', async () => {
        const size = Math.floor(3.5 * BLOCK);
        const data = randomBytes(size);
        const shards = await encodeCopy(codec, geometry, data);
        const flipped = [0, k + m - 1].slice(0, Math.max(1, m));
        shards[flipped[0]][FRAME_HEADER_BYTES + 7] ^= 0x01; // a data byte of the first block
        if (flipped.length > 1) shards[flipped[1]][framedShardSize(BLOCK, geometry) + 1] ^= 0x80; // the second block's CRC
        const result = await codec.decode(geometry, shards, size);
        expect(result.corrupt).toEqual(flipped);
        if (m === 0) expect(result.data).toBeUndefined();
        else expect(result.data?.equals(data)).toBe(true);
      });

      it('reports truncated shards and returns no data with fewer than k valid', async () => {
        const size = 2 * BLOCK + 3;
        const data = randomBytes(size);
        const shards = await encodeCopy(codec, geometry, data);
        const bad = Array.from({ length: m + 1 }, (_, i) => i);
        const damaged = shards.map((s, i) => (bad.includes(i) ? s.subarray(0, s.length - 1) : s));
        const result = await codec.decode(geometry, damaged, size);
        expect(result.corrupt).toEqual(bad);
        expect(result.data).toBeUndefined();
        // One shard fewer than k, none corrupt.
        const tooFew = shards.map((s, i) => (i < m + 1 ? undefined : s));
        expect(await codec.decode(geometry, tooFew, size)).toEqual({ corrupt: [] });
      });

      it('rebuilds the exact framed bytes of lost shards', async () => {
        const size = Math.floor(3.5 * BLOCK);
        const data = randomBytes(size);
        const shards = await encodeCopy(codec, geometry, data);
        const lost = [...new Set([0, k + m - 1])].slice(0, Math.max(1, m));
        const survivors = shards.map((s, i) => (lost.includes(i) ? undefined : s));
        if (m === 0) {
          await expect(codec.rebuild(geometry, survivors, size, lost)).rejects.toThrow();
          return;
        }
        const rebuilt = await codec.rebuild(geometry, survivors, size, lost);
        expect(rebuilt.map((s, j) => s.equals(shards[lost[j]]))).toEqual(lost.map(() => true));
        const tooFew = shards.map((s, i) => (i <= m ? undefined : s));
        await expect(codec.rebuild(geometry, tooFew, size, [0])).rejects.toThrow();
      });
    });

    it('encodes several blocks per call identically to one block at a time', async () => {
      const geometry = GEOMETRIES[0];
      const data = randomBytes(3 * BLOCK);
      const whole = await encodeCopy(codec, geometry, data);
      const parts = await Promise.all([0, 1, 2].map((b) => encodeCopy(codec, geometry, data.subarray(b * BLOCK, (b + 1) * BLOCK))));
      whole.forEach((shard, i) => expect(shard.equals(Buffer.concat(parts.map((p) => p[i])))).toBe(true));
    });

    it('refuses geometries outside 1 ≤ k, 0 ≤ m, k + m ≤ 16', async () => {
      await expect(codec.encode({ dataShards: 10, parityShards: 7, blockSize: BLOCK }, randomBytes(10))).rejects.toThrow(RangeError);
      await expect(codec.encode({ dataShards: 0, parityShards: 2, blockSize: BLOCK }, randomBytes(10))).rejects.toThrow(RangeError);
    });
  });
}
