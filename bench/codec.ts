/**
 * Codec throughput (`npm run bench -- --only codec`): parity encoding of the
 * same random stripes by the WASM SIMD kernel, the TypeScript reference and
 * the native @ronomon/reed-solomon addon (a devDependency, for this comparison
 * only), one thread each, median of several runs. Plus the whole in-thread
 * StripeCodec.encode (copies, parity, CRC32 framing) for context.
 *
 * GB/s = data bytes (10^9) encoded per second; a stripe is one 1 MiB block.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { InThreadStripeCodec } from '../src/erasure/in-thread-codec.js';
import type { CodingKernel } from '../src/erasure/kernel.js';
import { parityRows } from '../src/erasure/matrix.js';
import { referenceKernel } from '../src/erasure/reference-kernel.js';
import { createWasmKernel } from '../src/erasure/wasm-kernel.js';
import { median } from './report.js';

const MiB = 1024 * 1024;
const BLOCK = MiB;
/** Distinct stripes cycled through: 16 MiB of data, more than the caches hold. */
const STRIPES = 16;
export const CODEC_GEOMETRIES: [number, number][] = [
  [8, 4],
  [4, 2],
  [2, 2],
];

/** The addon's API (it ships no types): see its README. */
interface Ronomon {
  create(k: number, m: number): unknown;
  encode(
    context: unknown,
    sources: number,
    targets: number,
    buffer: Buffer,
    bufferOffset: number,
    bufferSize: number,
    parity: Buffer,
    parityOffset: number,
    paritySize: number,
    callback: (error?: Error) => void,
  ): void;
}

export interface CodecRow {
  geometry: string;
  wasm: number;
  reference: number;
  ronomon: number | undefined;
  stripeCodec: number;
}

function loadRonomon(): Ronomon | undefined {
  try {
    return createRequire(import.meta.url)('@ronomon/reed-solomon') as Ronomon;
  } catch {
    return undefined;
  }
}

/** Data laid out as ronomon wants it: each stripe's k shards contiguous, parity likewise. */
interface Stripes {
  k: number;
  m: number;
  shardSize: number;
  data: Buffer;
  parity: Buffer;
}

function makeStripes(k: number, m: number): Stripes {
  const shardSize = BLOCK / k;
  return { k, m, shardSize, data: randomBytes(STRIPES * BLOCK), parity: Buffer.alloc(STRIPES * m * shardSize) };
}

function shardViews(buffer: Buffer, stripe: number, count: number, shardSize: number): Uint8Array[] {
  const base = stripe * count * shardSize;
  return Array.from({ length: count }, (_, i) => buffer.subarray(base + i * shardSize, base + (i + 1) * shardSize));
}

/** GB/s of data encoded while running `encodeStripe` for about `ms` milliseconds. */
async function throughput(ms: number, encodeStripe: (stripe: number) => void | Promise<void>): Promise<number> {
  let stripes = 0;
  const start = performance.now();
  while (stripes < STRIPES || performance.now() - start < ms) await encodeStripe(stripes++ % STRIPES);
  return (stripes * BLOCK) / ((performance.now() - start) / 1000) / 1e9;
}

function kernelRunner(kernel: CodingKernel, s: Stripes) {
  const rows = parityRows(s.k, s.m);
  return (stripe: number) => kernel.apply(rows, shardViews(s.data, stripe, s.k, s.shardSize), shardViews(s.parity, stripe, s.m, s.shardSize), s.shardSize);
}

function ronomonRunner(ronomon: Ronomon, s: Stripes) {
  const context = ronomon.create(s.k, s.m);
  const sources = (1 << s.k) - 1;
  const targets = ((1 << (s.k + s.m)) - 1) & ~sources;
  return (stripe: number) =>
    new Promise<void>((resolve, reject) =>
      ronomon.encode(context, sources, targets, s.data, stripe * BLOCK, BLOCK, s.parity, stripe * s.m * s.shardSize, s.m * s.shardSize, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
}

/** The addon uses another matrix, so its parity differs: the WASM kernel is checked against the reference instead. */
function checkWasmAgainstReference(wasm: CodingKernel, s: Stripes): void {
  const rows = parityRows(s.k, s.m);
  const inputs = shardViews(s.data, 0, s.k, s.shardSize);
  const expected = Array.from({ length: s.m }, () => new Uint8Array(s.shardSize));
  const actual = Array.from({ length: s.m }, () => new Uint8Array(s.shardSize));
  referenceKernel.apply(rows, inputs, expected, s.shardSize);
  wasm.apply(rows, inputs, actual, s.shardSize);
  if (!expected.every((e, i) => Buffer.from(e).equals(Buffer.from(actual[i])))) throw new Error('WASM kernel disagrees with the reference');
}

export async function runCodecBench(options: { runs: number; ms?: number; log?: (line: string) => void }): Promise<CodecRow[]> {
  const ms = options.ms ?? 400;
  const log = options.log ?? (() => undefined);
  const wasm = createWasmKernel();
  if (!wasm) throw new Error('this runtime has no WebAssembly SIMD');
  const ronomon = loadRonomon();
  const rows: CodecRow[] = [];
  for (const [k, m] of CODEC_GEOMETRIES) {
    const s = makeStripes(k, m);
    checkWasmAgainstReference(wasm, s);
    const codec = new InThreadStripeCodec(wasm);
    const geometry = { dataShards: k, parityShards: m, blockSize: BLOCK };
    const samples = { wasm: [] as number[], reference: [] as number[], ronomon: [] as number[], stripeCodec: [] as number[] };
    for (let run = 0; run < options.runs; run++) {
      samples.wasm.push(await throughput(ms, kernelRunner(wasm, s)));
      if (ronomon) samples.ronomon.push(await throughput(ms, ronomonRunner(ronomon, s)));
      // The reference is ~30× slower: a few stripes say enough.
      samples.reference.push(await throughput(0, kernelRunner(referenceKernel, s)));
      samples.stripeCodec.push(await throughput(ms, (stripe) => codec.encode(geometry, s.data.subarray(stripe * BLOCK, (stripe + 1) * BLOCK)).then(() => undefined)));
      log(
        `[codec ${run + 1}/${options.runs}] ${k}+${m} encode GB/s: wasm ${samples.wasm[run].toFixed(2)}  ronomon ${ronomon ? samples.ronomon[run].toFixed(2) : '—'}  reference ${samples.reference[run].toFixed(3)}  StripeCodec ${samples.stripeCodec[run].toFixed(2)}`,
      );
    }
    rows.push({
      geometry: `${k}+${m}`,
      wasm: median(samples.wasm),
      reference: median(samples.reference),
      ronomon: ronomon ? median(samples.ronomon) : undefined,
      stripeCodec: median(samples.stripeCodec),
    });
  }
  return rows;
}

export function formatCodecReport(rows: CodecRow[], runs: number): string {
  const lines = [
    `codec: parity encode of 1 MiB stripes, one thread, GB/s of data (10^9 B/s), median of ${runs} runs`,
    '| geometry | WASM SIMD | @ronomon/reed-solomon | WASM ÷ ronomon | TS reference | StripeCodec.encode (WASM, framed) |',
    '|----------|----------:|----------------------:|---------------:|-------------:|----------------------------------:|',
  ];
  for (const r of rows) {
    const ratio = r.ronomon ? (r.wasm / r.ronomon).toFixed(2) : '—';
    lines.push(`| ${r.geometry} | ${r.wasm.toFixed(2)} | ${r.ronomon?.toFixed(2) ?? '— (not installed)'} | ${ratio} | ${r.reference.toFixed(3)} | ${r.stripeCodec.toFixed(2)} |`);
  }
  return lines.join('\n');
}
