/**
 * The plain TypeScript kernel: byte by byte through the 64 KiB multiplication
 * table. It checks the WASM kernel in tests and stands in where WebAssembly
 * SIMD is missing.
 */
import { MUL_TABLE } from './gf256.js';
import type { CodingKernel } from './kernel.js';
import type { Matrix } from './matrix.js';

export const referenceKernel: CodingKernel = {
  name: 'reference',
  apply(rows: Matrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[], length: number): void {
    for (let r = 0; r < rows.rows; r++) {
      const out = outputs[r];
      out.fill(0, 0, length);
      for (let c = 0; c < rows.cols; c++) {
        const coefficient = rows.data[r * rows.cols + c];
        if (coefficient === 0) continue;
        const input = inputs[c];
        if (coefficient === 1) {
          for (let i = 0; i < length; i++) out[i] ^= input[i];
          continue;
        }
        const table = MUL_TABLE.subarray(coefficient * 256, coefficient * 256 + 256);
        for (let i = 0; i < length; i++) out[i] ^= table[input[i]];
      }
    }
  },
};
