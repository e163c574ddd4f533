import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { combineCrcs, type CombinableAlgorithm } from '../../../src/s3/checksum-combine.js';
import { createChecksumHasher } from '../../../src/s3/checksums.js';

function checksumOf(algorithm: CombinableAlgorithm, data: Buffer): string {
  const hasher = createChecksumHasher(algorithm);
  hasher.update(data);
  return hasher.digestBase64();
}

/** Deterministic pseudo-random generator so a failing split can be reproduced. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ALGORITHMS: CombinableAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME'];

describe('combineCrcs', () => {
  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: equals the checksum of the concatenation for many random splits`, () => {
      const random = lcg(algorithm.length * 7919);
      for (let trial = 0; trial < 60; trial++) {
        const data = randomBytes(Math.floor(random() * 5000));
        const cuts = Array.from({ length: Math.floor(random() * 8) }, () => Math.floor(random() * (data.length + 1))).sort((a, b) => a - b);
        const bounds = [0, ...cuts, data.length];
        const parts = bounds.slice(1).map((end, i) => {
          const piece = data.subarray(bounds[i], end);
          return { checksum: checksumOf(algorithm, piece), size: piece.length };
        });
        expect(combineCrcs(algorithm, parts), `trial ${trial} cuts ${bounds.join(',')}`).toBe(checksumOf(algorithm, data));
      }
    });

    it(`${algorithm}: handles empty parts and a single part`, () => {
      const data = randomBytes(1000);
      const empty = { checksum: checksumOf(algorithm, Buffer.alloc(0)), size: 0 };
      const whole = { checksum: checksumOf(algorithm, data), size: data.length };
      expect(combineCrcs(algorithm, [whole])).toBe(whole.checksum);
      expect(combineCrcs(algorithm, [empty, whole, empty])).toBe(whole.checksum);
    });

    it(`${algorithm}: combines parts of realistic size (5 MiB + 5 MiB + 1 MiB) with equal-size operators reused`, () => {
      const sizes = [5 << 20, 5 << 20, 1 << 20];
      const pieces = sizes.map((n) => randomBytes(n));
      const parts = pieces.map((p) => ({ checksum: checksumOf(algorithm, p), size: p.length }));
      expect(combineCrcs(algorithm, parts)).toBe(checksumOf(algorithm, Buffer.concat(pieces)));
    });
  }

  it('combines 10,000 parts quickly (memoised shift operators)', () => {
    const piece = randomBytes(64);
    const checksum = checksumOf('CRC64NVME', piece);
    const parts = Array.from({ length: 10_000 }, () => ({ checksum, size: piece.length }));
    const started = Date.now();
    const combined = combineCrcs('CRC64NVME', parts);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(combined).toBe(checksumOf('CRC64NVME', Buffer.concat(Array.from({ length: 10_000 }, () => piece))));
  });
});
