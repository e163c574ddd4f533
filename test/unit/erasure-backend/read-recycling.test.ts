import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { recyclerOf } from '../../../src/backends/recycled-chunks.js';
import { intactRunData, intactRunSlices } from '../../../src/erasure/run-codec.js';
import { encodeRun } from '../../../src/erasure/run-codec.js';
import { bestKernel } from '../../../src/erasure/kernels.js';
import { bodyOf, bytes, meta, noCheck, openTestSet, type TestSet } from './erasure-set-fixtures.js';

const MiB = 1 << 20;

let current: TestSet | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

/**
 * Reads `body` holding each chunk for a while before handing it back, and
 * checks every chunk still holds the object's bytes at the moment it goes
 * back: a buffer reused while a view of it was out would show here.
 */
async function readRecyclingLate(body: Readable, data: Buffer, held: number): Promise<number> {
  const recycle = recyclerOf(body);
  expect(recycle).toBeDefined();
  const window: { chunk: Buffer; offset: number }[] = [];
  let offset = 0;
  const handBack = () => {
    const { chunk, offset: at } = window.shift()!;
    expect(chunk.equals(data.subarray(at, at + chunk.length))).toBe(true);
    recycle!(chunk);
  };
  for await (const chunk of body as AsyncIterable<Buffer>) {
    window.push({ chunk, offset });
    offset += chunk.length;
    if (window.length > held) handBack();
  }
  while (window.length > 0) handBack();
  return offset;
}

describe('a streaming read whose consumer hands chunks back', () => {
  it('serves byte-exact objects and ranges while buffers are reused, however late chunks come back', async () => {
    current = await openTestSet(6, 2, { readBlocksPerRun: 1 });
    const { set, degraded } = current;
    const data = bytes(7 * MiB + 12345);
    const other = bytes(3 * MiB + 7).reverse();
    const record = await set.put('bkt', 'k', bodyOf(data), 'STANDARD', { meta }, noCheck);
    const otherRecord = await set.put('bkt', 'other', bodyOf(other), 'STANDARD', { meta }, noCheck);
    for (const held of [0, 1, 5, 40]) {
      // Two reads at once share the process's free buffers.
      const [length, otherLength] = await Promise.all([
        readRecyclingLate(set.read(record, undefined), data, held),
        readRecyclingLate(set.read(otherRecord, undefined), other, held),
      ]);
      expect([length, otherLength]).toEqual([data.length, other.length]);
    }
    const range = { start: MiB - 3, end: 5 * MiB + 2 };
    expect(await readRecyclingLate(set.read(record, range), data.subarray(range.start), 2)).toBe(range.end - range.start + 1);
    expect(degraded).toEqual([]);
  });
});

describe('intactRunSlices', () => {
  it('gives the run data as views into the data shards, and nothing when a block fails its CRC', () => {
    const geometry = { dataShards: 4, parityShards: 2, blockSize: 1000 };
    const data = bytes(3 * 1000 + 333);
    const shards = encodeRun(bestKernel(), geometry, data);
    const slices = intactRunSlices(geometry, shards, data.length)!;
    expect(Buffer.concat(slices).equals(data)).toBe(true);
    expect(slices.every((slice) => shards.slice(0, 4).some((shard) => shard.buffer === slice.buffer))).toBe(true);
    expect(intactRunData(geometry, shards, data.length)?.equals(data)).toBe(true);
    shards[2][254 + 4 + 10] ^= 1; // block 1 of data shard 2 (framed blocks of 4 + 250 bytes)
    expect(intactRunSlices(geometry, shards, data.length)).toBeUndefined();
    expect(intactRunSlices(geometry, [shards[0], undefined, shards[2], shards[3]], data.length)).toBeUndefined();
  });
});
