import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { Drive, TempShard } from '../../../src/backends/erasure/drive.js';
import { encodeBody } from '../../../src/backends/erasure/write-path.js';
import { createStripeCodec } from '../../../src/erasure/create-stripe-codec.js';
import type { ErasureGeometry, StripeCodec } from '../../../src/erasure/stripe-codec.js';
import { bodyOf } from './erasure-set-fixtures.js';

/**
 * The write path recycles memory: block buffers come from the recycler and
 * shards go back to the codec once written. A buffer reused too early would
 * corrupt a shard still being written, so these drives write slowly and check
 * that every chunk is still intact when its write finishes.
 */
describe('encodeBody with a recycling codec', () => {
  const geometry: ErasureGeometry = { dataShards: 4, parityShards: 2, blockSize: 256 * 1024 };
  const pool = createStripeCodec({ pool: true, threads: 1 });
  const local = createStripeCodec();
  afterAll(async () => {
    await pool.close();
    await local.close();
  });

  /** A drive whose temp shard keeps what it was given, checking each chunk still holds the same bytes after a pause. */
  function slowDrive(written: Buffer[][], problems: string[]): Drive {
    const pieces: Buffer[] = [];
    written.push(pieces);
    const temp: TempShard = {
      async write(chunk) {
        const before = Buffer.from(chunk);
        await sleep(2);
        if (!chunk.equals(before)) problems.push(`a chunk changed while being written (${chunk.length} of ${before.length} bytes left)`);
        pieces.push(before);
      },
      commit: async () => undefined,
      discard: async () => undefined,
    };
    return { files: { createTemp: async () => temp } } as unknown as Drive;
  }

  it('releases each block only after all its writes settled, and the shard files hold exactly the encoded bytes', async () => {
    const released: number[] = [];
    const codec: StripeCodec = {
      encode: (g, data) => pool.encode(g, data),
      release: (shards) => {
        released.push(shards[0].length);
        pool.release!(shards);
      },
      decode: (g, shards, length) => pool.decode(g, shards, length),
      rebuild: (g, shards, length, wanted) => pool.rebuild(g, shards, length, wanted),
      close: async () => undefined,
    };
    const data = randomBytes(Math.floor(5.5 * geometry.blockSize));
    const written: Buffer[][] = [];
    const problems: string[] = [];
    const drives = Array.from({ length: 6 }, () => slowDrive(written, problems));
    const encoded = await encodeBody(bodyOf(data), { drives, geometry, distribution: [0, 1, 2, 3, 4, 5], codec, inlineLimit: 1024 });

    expect(problems).toEqual([]);
    expect(encoded.size).toBe(data.length);
    expect(released).toHaveLength(6); // every block, the last (short) one too
    const expected = await local.encode(geometry, Buffer.from(data));
    expect(written.map((pieces, i) => Buffer.concat(pieces).equals(expected[i]))).toEqual(expected.map(() => true));
  });

  it('keeps inline shards as copies: reusing the released buffers does not touch them', async () => {
    const small = randomBytes(200 * 1024); // pooled (over 64 KiB), inline (shards under 128 KiB)
    const drives = Array.from({ length: 6 }, () => slowDrive([], []));
    const options = { drives, geometry, distribution: [0, 1, 2, 3, 4, 5], codec: pool, inlineLimit: 128 * 1024 };
    const encoded = await encodeBody(bodyOf(small), options);
    await encodeBody(bodyOf(randomBytes(small.length)), options); // takes the buffers the first one released
    const expected = await local.encode(geometry, Buffer.from(small));
    expect(encoded.temps).toEqual([]);
    expect(encoded.inline?.map((shard, i) => shard.equals(expected[i]))).toEqual(expected.map(() => true));
  });
});
