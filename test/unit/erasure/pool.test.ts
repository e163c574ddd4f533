import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createStripeCodec } from '../../../src/erasure/create-stripe-codec.js';
import { POOL_MIN_BYTES } from '../../../src/erasure/pool.js';
import { recycledBuffers } from '../../../src/erasure/pool-buffers.js';
import { FRAME_HEADER_BYTES, framedShardSize } from '../../../src/erasure/stripe.js';
import type { ErasureGeometry } from '../../../src/erasure/stripe-codec.js';
import { stripeCodecSuite } from './stripe-codec-suite.js';

// The shared suite's runs are small (in-thread below POOL_MIN_BYTES); the tests below go through the workers.
stripeCodecSuite('pool', () => createStripeCodec({ pool: true, threads: 2 }));

describe('pooled StripeCodec with runs big enough for the workers', () => {
  const geometry: ErasureGeometry = { dataShards: 4, parityShards: 2, blockSize: 64 * 1024 };
  const size = Math.floor(3.5 * geometry.blockSize) + 1;

  it('moves the data to a worker, and encodes, decodes, reconstructs and rebuilds like the in-thread codec', async () => {
    expect(size).toBeGreaterThan(POOL_MIN_BYTES);
    const pool = createStripeCodec({ pool: true, threads: 2 });
    const local = createStripeCodec();
    try {
      const data = randomBytes(size);
      const input = Buffer.from(new ArrayBuffer(size)); // spans its ArrayBuffer: moved, not copied
      data.copy(input);
      const shards = await pool.encode(geometry, input);
      expect(input.length).toBe(0); // detached: it went to the worker
      const expected = await local.encode(geometry, Buffer.from(data));
      expect(shards.map((s, i) => s.length > 0 && s.equals(expected[i]))).toEqual(expected.map(() => true));

      // Two data shards lost, one parity block flipped elsewhere: reconstruction in a worker.
      const damaged = shards.map((s, i) => (i === 0 || i === 2 ? undefined : Buffer.from(s)));
      const healthy = await pool.decode(geometry, damaged, size);
      expect(healthy.corrupt).toEqual([]);
      expect(healthy.data?.equals(data)).toBe(true);
      damaged[3]![FRAME_HEADER_BYTES] ^= 0xff;
      const degraded = await pool.decode(geometry, damaged, size);
      expect(degraded).toEqual({ data: undefined, corrupt: [3] });
      expect(damaged[1]!.equals(shards[1])).toBe(true); // the caller's shards are untouched

      const rebuilt = await pool.rebuild(geometry, [undefined, shards[1], undefined, shards[3], shards[4], shards[5]], size, [0, 2]);
      expect(rebuilt.map((s, j) => s.equals(shards[[0, 2][j]]))).toEqual([true, true]);
      await expect(pool.rebuild(geometry, [undefined, shards[1], undefined, undefined, shards[4], undefined], size, [0])).rejects.toThrow();

      // A view into a larger buffer is copied, never detached.
      const outer = Buffer.concat([Buffer.alloc(10), data]);
      const viewShards = await pool.encode(geometry, outer.subarray(10));
      expect(outer.length).toBe(size + 10);
      expect(viewShards[5].equals(shards[5])).toBe(true);
    } finally {
      await pool.close();
      await local.close();
    }
  });

  it('recycles released shards and the moved data, and recycled memory never leaks stale bytes into shards', async () => {
    const pool = createStripeCodec({ pool: true, threads: 1 });
    const local = createStripeCodec();
    try {
      // Fill a whole run's buffers with 0xff, then give them back.
      const dirty = await pool.encode(geometry, Buffer.alloc(4 * geometry.blockSize, 0xff));
      const idle = recycledBuffers.idleBytes;
      pool.release!(dirty);
      expect(recycledBuffers.idleBytes).toBeGreaterThan(idle);
      pool.release!(dirty); // a second release is ignored
      const again = recycledBuffers.idleBytes;

      // A short run in a recycled block (as the write path sends its last block): the block moves whole.
      const data = randomBytes(size);
      const block = Buffer.from(recycledBuffers.take(4 * geometry.blockSize));
      block.fill(0xff);
      data.copy(block);
      const shards = await pool.encode(geometry, block.subarray(0, size));
      expect(block.length).toBe(0); // moved to the worker, not copied
      const expected = await local.encode(geometry, Buffer.from(data));
      expect(shards.map((s, i) => s.equals(expected[i]))).toEqual(expected.map(() => true));
      // Its output was the released one; its block came back from the worker for the next body.
      const outputBytes = 6 * framedShardSize(4 * geometry.blockSize, geometry);
      expect(recycledBuffers.idleBytes).toBe(again - outputBytes + 4 * geometry.blockSize);
      pool.release!(shards);
      pool.release!(expected); // not this codec's: ignored
    } finally {
      await pool.close();
      await local.close();
    }
  });

  it('leaves no handles behind after close()', async () => {
    const before = new Set(process.getActiveResourcesInfo());
    const pool = createStripeCodec({ pool: true, threads: 2 });
    await pool.encode(geometry, randomBytes(size));
    await pool.close();
    await new Promise((resolve) => setImmediate(resolve));
    const after = process.getActiveResourcesInfo().filter((r) => !before.has(r));
    expect(after.filter((r) => r !== 'Immediate' && r !== 'Timeout')).toEqual([]);
  });
});
