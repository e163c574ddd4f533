/**
 * The WebAssembly SIMD kernel: split-nibble multiplication with i8x16.swizzle,
 * all outputs fused into one pass over the inputs.
 *
 * For a coefficient a, a·x = low_a[x & 15] ^ high_a[x >> 4] (gf256.ts's
 * NIBBLE_TABLES); i8x16.swizzle looks up 16 bytes at once. Per 16·LANES-byte
 * position the kernel loads each input once, multiply-accumulates it into
 * every output (held in v128 locals), and stores each output once. The output
 * count is unrolled, so one small module is generated per output count
 * (1..16), compiled on first use.
 *
 * Shards live in JS memory, the kernel works on linear memory: apply() stages
 * CHUNK bytes of every input in, runs the kernel, and copies the outputs back,
 * chunk by chunk so that the staging area stays in cache.
 */
import { setFlagsFromString } from 'node:v8';
import { NIBBLE_TABLES } from './gf256.js';
import type { CodingKernel } from './kernel.js';
import { MAX_SHARDS, type Matrix } from './matrix.js';
import { Code, I32, moduleBytes, V128, type ValueType } from './wasm-emitter.js';

/** Bytes of each shard staged per kernel call; a multiple of the 16·LANES step. */
const CHUNK = 16 * 1024;
/** Vectors per input per step: two independent dependency chains per output. */
const LANES = 2;
const STEP = 16 * LANES;
/** Linear memory: nibble tables for up to 16 × 16 coefficients, then inputs, then outputs. */
const TABLES_AT = 0;
const INPUTS_AT = MAX_SHARDS * MAX_SHARDS * 32;
const OUTPUTS_AT = INPUTS_AT + MAX_SHARDS * CHUNK;
const MEMORY_PAGES = Math.ceil((OUTPUTS_AT + MAX_SHARDS * CHUNK) / 65536);

/**
 * The slice of the WebAssembly JS API used here, typed locally: this project
 * compiles against lib ES2023 without DOM, and @types/node 20 does not declare it.
 */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

type KernelFunction = (tables: number, inputs: number, cols: number, outputs: number, length: number) => void;

/**
 * kernel(tables, inputs, cols, outputs, length): inputs c at inputs + c·CHUNK,
 * outputs r at outputs + r·CHUNK, the tables of (r, c) at tables + (c·rows + r)·32
 * (low nibble table, then high). length > 0, a multiple of STEP; cols ≥ 1.
 * `relaxed` picks i8x16.relaxed_swizzle: the lookup indexes are nibbles, always
 * < 16, where it is defined to equal i8x16.swizzle.
 */
function kernelModule(rows: number, relaxed: boolean): Uint8Array {
  // Locals: params 0..4, then i32 position/input pointer/table pointer/column count, then v128s.
  const [TABLES, INPUTS, COLS, OUTPUTS, LENGTH, POS, IN, TP, COL] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const MASK = 9;
  const T_LOW = 10;
  const T_HIGH = 11;
  const low = (lane: number) => 12 + lane;
  const high = (lane: number) => 12 + LANES + lane;
  const acc = (row: number, lane: number) => 12 + 2 * LANES + row * LANES + lane;
  const locals: ValueType[] = [I32, I32, I32, I32, ...Array<ValueType>(3 + 2 * LANES + rows * LANES).fill(V128)];

  const code = new Code();
  code.v128Const(Array(16).fill(0x0f)).localSet(MASK);
  code.i32Const(0).localSet(POS);
  code.loop(); // over positions
  {
    code.localGet(INPUTS).localGet(POS).i32Add().localSet(IN);
    code.localGet(TABLES).localSet(TP);
    code.localGet(COLS).localSet(COL);
    for (let r = 0; r < rows; r++) for (let l = 0; l < LANES; l++) code.v128Const(Array(16).fill(0)).localSet(acc(r, l));
    code.loop(); // over inputs: each loaded once
    {
      for (let l = 0; l < LANES; l++) {
        code.localGet(IN).v128Load(16 * l).localTee(high(l)); // the raw bytes, for a moment
        code.localGet(MASK).v128And().localSet(low(l));
        code.localGet(high(l)).i32Const(4).i8x16ShrU().localSet(high(l));
      }
      for (let r = 0; r < rows; r++) {
        code.localGet(TP).v128Load(r * 32).localSet(T_LOW);
        code.localGet(TP).v128Load(r * 32 + 16).localSet(T_HIGH);
        for (let l = 0; l < LANES; l++) {
          code.localGet(acc(r, l));
          code.localGet(T_LOW).localGet(low(l));
          (relaxed ? code.i8x16RelaxedSwizzle() : code.i8x16Swizzle()).v128Xor();
          code.localGet(T_HIGH).localGet(high(l));
          (relaxed ? code.i8x16RelaxedSwizzle() : code.i8x16Swizzle()).v128Xor();
          code.localSet(acc(r, l));
        }
      }
      code.localGet(IN).i32Const(CHUNK).i32Add().localSet(IN);
      code.localGet(TP).i32Const(rows * 32).i32Add().localSet(TP);
      code.localGet(COL).i32Const(1).i32Sub().localTee(COL).brIf(0);
    }
    code.end();
    for (let r = 0; r < rows; r++) {
      for (let l = 0; l < LANES; l++) code.localGet(OUTPUTS).localGet(POS).i32Add().localGet(acc(r, l)).v128Store(r * CHUNK + 16 * l);
    }
    code.localGet(POS).i32Const(STEP).i32Add().localTee(POS).localGet(LENGTH).i32LtU().brIf(0);
  }
  code.end();
  return moduleBytes(MEMORY_PAGES, [{ params: [I32, I32, I32, I32, I32], locals, body: code, exportName: 'apply' }]);
}

/** Whether this runtime runs WebAssembly SIMD (validating the kernel itself is the surest test). */
export function wasmSimdSupported(): boolean {
  try {
    return wasm !== undefined && wasm.validate(kernelModule(1, false));
  } catch {
    return false;
  }
}

/**
 * Whether relaxed SIMD's swizzle validates. Node 20's V8 has it behind
 * --experimental-wasm-relaxed-simd (on by default from V8 11.4 / Node 22):
 * turning the flag on only widens what WebAssembly validates, so it is set
 * here, once, for the process; measured 20–40% faster encoding on this machine.
 */
function relaxedSwizzleSupported(): boolean {
  if (wasm === undefined) return false;
  if (wasm.validate(kernelModule(1, true))) return true;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return wasm.validate(kernelModule(1, true));
}

class WasmKernel implements CodingKernel {
  readonly name: string;
  private readonly memory: { buffer: ArrayBuffer };
  /** Never detached: the memory never grows. */
  private readonly heap: Uint8Array;

  constructor(
    private readonly api: WebAssemblyApi,
    private readonly relaxed: boolean,
  ) {
    this.name = relaxed ? 'wasm-simd (relaxed swizzle)' : 'wasm-simd';
    this.memory = new api.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES });
    this.heap = new Uint8Array(this.memory.buffer);
  }

  private readonly kernels: (KernelFunction | undefined)[] = [];
  /** Matrices come from matrix.ts's caches, so their tables are worth keeping. */
  private readonly tables = new WeakMap<Matrix, Uint8Array>();

  apply(rows: Matrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[], length: number): void {
    if (length === 0 || rows.rows === 0) return;
    if (rows.rows > MAX_SHARDS || rows.cols > MAX_SHARDS) throw new RangeError(`at most ${MAX_SHARDS} inputs and outputs`);
    const kernel = this.kernel(rows.rows);
    this.heap.set(this.tablesOf(rows), TABLES_AT);
    for (let offset = 0; offset < length; offset += CHUNK) {
      const bytes = Math.min(CHUNK, length - offset);
      for (let c = 0; c < rows.cols; c++) this.heap.set(inputs[c].subarray(offset, offset + bytes), INPUTS_AT + c * CHUNK);
      // Rounded up: the tail computes on stale staging bytes that are never copied out.
      kernel(TABLES_AT, INPUTS_AT, rows.cols, OUTPUTS_AT, Math.ceil(bytes / STEP) * STEP);
      for (let r = 0; r < rows.rows; r++) outputs[r].set(this.heap.subarray(OUTPUTS_AT + r * CHUNK, OUTPUTS_AT + r * CHUNK + bytes), offset);
    }
  }

  private kernel(rows: number): KernelFunction {
    let kernel = this.kernels[rows];
    if (!kernel) {
      const instance = new this.api.Instance(new this.api.Module(kernelModule(rows, this.relaxed)), { env: { memory: this.memory } });
      kernel = this.kernels[rows] = instance.exports.apply as KernelFunction;
    }
    return kernel;
  }

  private tablesOf(rows: Matrix): Uint8Array {
    let tables = this.tables.get(rows);
    if (!tables) {
      tables = new Uint8Array(rows.rows * rows.cols * 32);
      for (let c = 0; c < rows.cols; c++) {
        for (let r = 0; r < rows.rows; r++) {
          const a = rows.data[r * rows.cols + c];
          tables.set(NIBBLE_TABLES.subarray(a * 32, a * 32 + 32), (c * rows.rows + r) * 32);
        }
      }
      this.tables.set(rows, tables);
    }
    return tables;
  }
}

/**
 * A kernel with its own staging memory (one per thread), or undefined without
 * SIMD. `relaxed: false` forces the plain swizzle (tests compare both).
 */
export function createWasmKernel(options: { relaxed?: boolean } = {}): CodingKernel | undefined {
  if (wasm === undefined || !wasmSimdSupported()) return undefined;
  return new WasmKernel(wasm, options.relaxed !== false && relaxedSwizzleSupported());
}
