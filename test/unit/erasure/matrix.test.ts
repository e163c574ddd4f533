import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gfDiv, gfInv, gfMul } from '../../../src/erasure/gf256.js';
import { encodingMatrix, invert, multiply, parityRows, reconstructionRows } from '../../../src/erasure/matrix.js';
import { referenceKernel } from '../../../src/erasure/reference-kernel.js';
import { allGeometries, sourceSubsets } from './subsets.js';

describe('GF(2^8)', () => {
  it('every non-zero element has an inverse, and division undoes multiplication', () => {
    for (let a = 1; a < 256; a++) {
      expect(gfMul(a, gfInv(a))).toBe(1);
      for (const b of [1, 2, 3, 0x53, 0xca, 0xff]) expect(gfDiv(gfMul(a, b), b)).toBe(a);
    }
  });

  it('multiplies by the polynomial 0x11d', () => {
    expect(gfMul(0x80, 2)).toBe(0x1d);
    expect(gfMul(0x53, 0xca)).toBe(gfMul(0xca, 0x53));
  });
});

describe('encoding matrix', () => {
  it('is systematic and its inverse inverts', () => {
    const matrix = encodingMatrix(4, 2);
    expect(Array.from(matrix.data.subarray(0, 16))).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const square = { rows: 4, cols: 4, data: matrix.data.slice(8, 24) };
    expect(Array.from(multiply(square, invert(square)).data)).toEqual(Array.from(encodingMatrix(4, 0).data));
  });

  it('rejects geometries outside k ≥ 1, m ≥ 0, k + m ≤ 16', () => {
    expect(() => encodingMatrix(0, 1)).toThrow(RangeError);
    expect(() => encodingMatrix(12, 5)).toThrow(RangeError);
    expect(() => encodingMatrix(2, -1)).toThrow(RangeError);
  });
});

describe('reconstruction from any k of k + m shards', () => {
  // Odd length: nothing here depends on 16-byte alignment.
  const LENGTH = 37;

  it.each(allGeometries())('%i + %i', (k, m) => {
    const shards = Array.from({ length: k + m }, (_, i) => (i < k ? new Uint8Array(randomBytes(LENGTH)) : new Uint8Array(LENGTH)));
    referenceKernel.apply(parityRows(k, m), shards.slice(0, k), shards.slice(k), LENGTH);
    const everyShard = Array.from({ length: k + m }, (_, i) => i);
    for (const sources of sourceSubsets(k, m)) {
      const rebuilt = everyShard.map(() => new Uint8Array(LENGTH));
      referenceKernel.apply(reconstructionRows(k, m, sources, everyShard), sources.map((i) => shards[i]), rebuilt, LENGTH);
      rebuilt.forEach((shard, i) => {
        if (!Buffer.from(shard).equals(Buffer.from(shards[i]))) throw new Error(`${k}+${m}: shard ${i} differs when rebuilt from [${sources.join(',')}]`);
      });
    }
  });
});
