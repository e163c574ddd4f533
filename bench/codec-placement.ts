/**
 * Where MD5 (the ETag) and the CRC32 bitrot framing belong for big PUTs:
 * 4 concurrent simulated 16 MiB PUTs at EC 4+2, each arriving as fresh 4 MiB
 * runs (4 blocks per codec task), in four arrangements. Reported: data MB/s
 * and the main thread's event-loop utilisation (ELU: the share of time the
 * event loop was busy, which is what a server's other requests wait on).
 *
 * MD5 runs sequentially over a whole object, so it cannot follow an object's
 * runs across pool workers (piscina has no affinity, and a Hash does not
 * move between threads): in the pool it would need a worker pinned per upload.
 * The arrangements measure what the main thread pays for each hash instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { crc32 } from 'node:zlib';
import { createStripeCodec } from '../src/erasure/create-stripe-codec.js';
import type { ErasureGeometry, StripeCodec } from '../src/erasure/stripe-codec.js';
import { median } from './report.js';

const MiB = 1024 * 1024;
const OBJECT = 16 * MiB;
const RUN = 4 * MiB;
const CONCURRENCY = 4;
const GEOMETRY: ErasureGeometry = { dataShards: 4, parityShards: 2, blockSize: MiB };

interface Arrangement {
  name: string;
  pool: boolean;
  md5OnMain: boolean;
  /** Hash the framed shards again on the main thread: what CRC32 would cost there. */
  crcOnMain: boolean;
}

const ARRANGEMENTS: Arrangement[] = [
  { name: 'MD5 main, encode + CRC32 in pool', pool: true, md5OnMain: true, crcOnMain: false },
  { name: 'MD5 main, encode in pool, CRC32 main', pool: true, md5OnMain: true, crcOnMain: true },
  { name: 'no MD5, encode + CRC32 in pool', pool: true, md5OnMain: false, crcOnMain: false },
  { name: 'MD5 + encode + CRC32 all on main', pool: false, md5OnMain: true, crcOnMain: false },
];

export interface PlacementRow {
  arrangement: string;
  mbPerSec: number;
  mainThreadBusy: number;
}

async function putLoop(codec: StripeCodec, source: Buffer, arrangement: Arrangement, deadline: number): Promise<number> {
  let bytes = 0;
  while (performance.now() < deadline) {
    const md5 = createHash('md5');
    for (let offset = 0; offset < OBJECT; offset += RUN) {
      // A fresh buffer per run, as a request body delivers it; the pool moves it.
      const run = Buffer.allocUnsafe(RUN);
      source.copy(run, 0, offset, offset + RUN);
      if (arrangement.md5OnMain) md5.update(run);
      const shards = await codec.encode(GEOMETRY, run);
      if (arrangement.crcOnMain) for (const shard of shards) crc32(shard);
    }
    md5.digest();
    bytes += OBJECT;
  }
  return bytes;
}

export async function runPlacementBench(options: { runs: number; ms?: number; log?: (line: string) => void }): Promise<PlacementRow[]> {
  const ms = options.ms ?? 2000;
  const source = randomBytes(OBJECT);
  const samples = new Map<string, { mb: number[]; busy: number[] }>(ARRANGEMENTS.map((a) => [a.name, { mb: [], busy: [] }]));
  const pool = createStripeCodec({ pool: true });
  const local = createStripeCodec();
  try {
    for (let run = 0; run < options.runs; run++) {
      for (const arrangement of ARRANGEMENTS) {
        const codec = arrangement.pool ? pool : local;
        const elu = performance.eventLoopUtilization();
        const start = performance.now();
        const loops = Array.from({ length: CONCURRENCY }, () => putLoop(codec, source, arrangement, start + ms));
        const bytes = (await Promise.all(loops)).reduce((a, b) => a + b, 0);
        const seconds = (performance.now() - start) / 1000;
        const busy = performance.eventLoopUtilization(elu).utilization;
        samples.get(arrangement.name)!.mb.push(bytes / seconds / 1e6);
        samples.get(arrangement.name)!.busy.push(busy);
        options.log?.(`[placement ${run + 1}/${options.runs}] ${arrangement.name.padEnd(38)} ${(bytes / seconds / 1e6).toFixed(0)} MB/s  main thread busy ${(busy * 100).toFixed(0)}%`);
      }
    }
  } finally {
    await pool.close();
    await local.close();
  }
  return ARRANGEMENTS.map((a) => ({ arrangement: a.name, mbPerSec: median(samples.get(a.name)!.mb), mainThreadBusy: median(samples.get(a.name)!.busy) }));
}

export function formatPlacementReport(rows: PlacementRow[], runs: number): string {
  return [
    `codec placement: ${CONCURRENCY} concurrent 16 MiB PUTs at EC 4+2 through StripeCodec (no HTTP, no disk), 4 MiB per task, median of ${runs} runs`,
    '| arrangement | MB/s | main thread busy |',
    '|-------------|-----:|-----------------:|',
    ...rows.map((r) => `| ${r.arrangement} | ${r.mbPerSec.toFixed(0)} | ${(r.mainThreadBusy * 100).toFixed(0)}% |`),
  ].join('\n');
}
