/** Picks the fastest kernel this runtime supports: WASM SIMD, else the TypeScript reference. */
import type { CodingKernel } from './kernel.js';
import { referenceKernel } from './reference-kernel.js';
import { createWasmKernel } from './wasm-kernel.js';

let best: CodingKernel | undefined;

/** One per thread (the WASM kernel's staging memory is not shared across threads). */
export function bestKernel(): CodingKernel {
  return (best ??= createWasmKernel() ?? referenceKernel);
}
