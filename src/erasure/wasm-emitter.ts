/**
 * A tiny WebAssembly binary writer: just the sections, types and opcodes the
 * SIMD kernel needs (there is no wat2wasm here, and the kernel is specialised
 * per output count at load time anyway). Reference: the WebAssembly core spec,
 * binary format chapter, and the fixed-width SIMD proposal's opcode table.
 */

export const I32 = 0x7f;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof V128;

/** Unsigned LEB128. */
function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 (i32 immediates). */
function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && !(byte & 0x40)) || (value === -1 && byte & 0x40);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...uleb(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, contents: number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

const SIMD = 0xfd;

/** An instruction sequence, built by chaining. */
export class Code {
  readonly bytes: number[] = [];

  private emit(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  loop(): this {
    return this.emit(0x03, 0x40); // loop with an empty block type
  }
  end(): this {
    return this.emit(0x0b);
  }
  /** Branch to the `depth`-th enclosing label (0 = innermost) when the top of stack is non-zero. */
  brIf(depth: number): this {
    return this.emit(0x0d, ...uleb(depth));
  }
  localGet(index: number): this {
    return this.emit(0x20, ...uleb(index));
  }
  localSet(index: number): this {
    return this.emit(0x21, ...uleb(index));
  }
  localTee(index: number): this {
    return this.emit(0x22, ...uleb(index));
  }
  i32Const(value: number): this {
    return this.emit(0x41, ...sleb(value));
  }
  i32Add(): this {
    return this.emit(0x6a);
  }
  i32Sub(): this {
    return this.emit(0x6b);
  }
  i32LtU(): this {
    return this.emit(0x49);
  }
  /** memarg: alignment as log2 bytes (4 = 16-byte), then a constant byte offset. */
  v128Load(offset: number): this {
    return this.emit(SIMD, 0x00, 4, ...uleb(offset));
  }
  v128Store(offset: number): this {
    return this.emit(SIMD, 0x0b, 4, ...uleb(offset));
  }
  v128Const(bytes: readonly number[]): this {
    if (bytes.length !== 16) throw new RangeError('v128.const takes 16 bytes');
    return this.emit(SIMD, 0x0c, ...bytes);
  }
  /** result[i] = a[s[i]] for s[i] < 16, else 0; stack: a, s. */
  i8x16Swizzle(): this {
    return this.emit(SIMD, 0x0e);
  }
  /**
   * The relaxed-SIMD swizzle (opcode 0x100): a bare pshufb on x64, where the
   * plain swizzle costs an extra saturating add to zero indexes ≥ 16. Same
   * result for indexes < 16; implementation-defined above.
   */
  i8x16RelaxedSwizzle(): this {
    return this.emit(SIMD, ...uleb(0x100));
  }
  v128And(): this {
    return this.emit(SIMD, 0x4e);
  }
  v128Xor(): this {
    return this.emit(SIMD, 0x51);
  }
  /** Per-lane logical right shift; stack: v128, i32 amount. */
  i8x16ShrU(): this {
    return this.emit(SIMD, 0x6d);
  }
}

export interface FunctionSpec {
  params: ValueType[];
  /** Extra locals, indexed after the params. */
  locals: ValueType[];
  body: Code;
  exportName: string;
}

/**
 * A module importing its linear memory as env.memory (so several modules can
 * share one staging area) and exporting the given functions (no results).
 */
export function moduleBytes(memoryPages: number, functions: FunctionSpec[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), ...vector([])]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(memoryPages)]];
  const exports = functions.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]);
  const bodies = functions.map((f) => {
    // Locals are declared as runs of one type.
    const runs: number[][] = [];
    for (const type of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === type) last[0]++;
      else runs.push([1, type]);
    }
    const body = [...vector(runs.map(([count, type]) => [...uleb(count), type])), ...f.body.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vector(types)),
    ...section(2, vector(imports)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
