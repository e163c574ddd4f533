import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InThreadStripeCodec } from '../../../src/erasure/in-thread-codec.js';
import { bestKernel } from '../../../src/erasure/kernels.js';
import { parityRows, reconstructionRows } from '../../../src/erasure/matrix.js';
import { referenceKernel } from '../../../src/erasure/reference-kernel.js';
import { createWasmKernel, wasmSimdSupported } from '../../../src/erasure/wasm-kernel.js';
import { stripeCodecSuite } from './stripe-codec-suite.js';

// Node 20 has WebAssembly SIMD; without it the kernel must not be offered at all.
const relaxed = createWasmKernel()!;
const plain = createWasmKernel({ relaxed: false })!;

it('detects WebAssembly SIMD and prefers the WASM kernel, with the relaxed swizzle', () => {
  expect(wasmSimdSupported()).toBe(true);
  expect(bestKernel().name).toBe('wasm-simd (relaxed swizzle)');
  expect(plain.name).toBe('wasm-simd');
});

describe.each([relaxed, plain].map((kernel) => [kernel.name, kernel] as const))('%s kernel', (_, wasm) => {
  // Odd lengths, lengths around the 32-byte step and the 16 KiB staging chunk, and empty.
  const LENGTHS = [0, 1, 15, 16, 17, 31, 33, 1000, 16 * 1024 - 1, 16 * 1024 + 5, 33_001];

  it.each([
    [1, 1],
    [2, 2],
    [4, 2],
    [8, 4],
    [3, 13],
    [16, 0],
    [10, 6],
  ])('matches the reference for %i + %i, encode and reconstruction', (k, m) => {
    for (const length of LENGTHS) {
      const inputs = Array.from({ length: k }, () => new Uint8Array(randomBytes(length + 3)).subarray(3)); // unaligned views
      const compare = (rows: ReturnType<typeof parityRows>) => {
        const expected = Array.from({ length: rows.rows }, () => new Uint8Array(length));
        const actual = Array.from({ length: rows.rows }, () => new Uint8Array(length).fill(0xaa));
        referenceKernel.apply(rows, inputs, expected, length);
        wasm.apply(rows, inputs, actual, length);
        actual.forEach((out, r) => expect(Buffer.from(out).equals(Buffer.from(expected[r])), `${k}+${m} length ${length} output ${r}`).toBe(true));
      };
      if (m > 0) compare(parityRows(k, m));
      // Every output count up to 16: rebuild all shards from the last k.
      const sources = Array.from({ length: k }, (_, i) => i + m);
      compare(reconstructionRows(k, m, sources, Array.from({ length: k + m }, (_, i) => i)));
    }
  });
});

stripeCodecSuite('in-thread, WASM kernel', () => new InThreadStripeCodec(relaxed));
