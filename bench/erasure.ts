/**
 * The `erasure` group: cairn over 6 drive folders, EC 4+2, fsync on, against
 * the targets:
 *
 *   PUT 16 MiB ×4   vs the disk-bound ceiling: raw sequential write + fsync
 *                   bandwidth ÷ 1.5 (every byte is written 1.5 times); target ≥ 0.8×
 *   GET 16 MiB ×4   vs the bare node:http server streaming the same file; target ≥ 0.7×
 *   PUT 4 KiB ×16   target ≥ 4,000 ops/s
 *   GET 4 KiB ×16   target ≥ 12,000 ops/s
 *
 * Runs are interleaved over the scenarios as in the closed-loop group; the
 * GET ceiling is measured in the same round as cairn's GET.
 */
import { putAll } from './load.js';
import { measuredLoad, type Measured } from './measured-load.js';
import { ERASURE_LAYOUT, startErasureCairn, type GroupContext } from './erasure-cairn.js';
import { median, toStat, type ScenarioReport, type Unit } from './report.js';
import { BUCKET, cairnTarget, ceilingTarget, keySpace } from './targets.js';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Over this factor the parity adds (k + m) / k = 6 / 4 to every byte written. */
const WRITE_AMPLIFICATION = 1.5;

interface ErasureScenario {
  name: string;
  method: 'PUT' | 'GET';
  size: number;
  concurrency: number;
  unit: Unit;
  keys: string[];
  /** The ceiling column for the row, and the target it is judged by. */
  versus: 'disk' | 'ceiling' | { ops: number };
  /** Fraction of the ceiling the issue asks for (ceiling rows only). */
  ratio?: number;
}

function scenarios(): ErasureScenario[] {
  // Keys prefixed "ec-" so a shared ceiling directory never mixes them with the closed-loop group's.
  const k16 = keySpace('ec-16MiB', 16);
  const k4 = keySpace('ec-4KiB', 256);
  return [
    { name: `EC PUT 16 MiB ×4`, method: 'PUT', size: 16 * MiB, concurrency: 4, unit: 'MB/s', keys: k16, versus: 'disk', ratio: 0.8 },
    { name: `EC GET 16 MiB ×4`, method: 'GET', size: 16 * MiB, concurrency: 4, unit: 'MB/s', keys: k16, versus: 'ceiling', ratio: 0.7 },
    { name: `EC PUT 4 KiB ×16`, method: 'PUT', size: 4 * KiB, concurrency: 16, unit: 'ops/s', keys: k4, versus: { ops: 4000 } },
    { name: `EC GET 4 KiB ×16`, method: 'GET', size: 4 * KiB, concurrency: 16, unit: 'ops/s', keys: k4, versus: { ops: 12000 } },
  ];
}

const valueOf = (r: Measured, unit: Unit) => (unit === 'MB/s' ? r.mbPerSec : r.opsPerSec);

export async function erasureGroup(ctx: GroupContext): Promise<ScenarioReport[]> {
  ctx.log(`erasure: cairn with ${ERASURE_LAYOUT}`);
  const child = await startErasureCairn(ctx, 'erasure', [BUCKET]);
  const cairn = cairnTarget(child.port);
  const store = ceilingTarget(ctx.ceiling.port, 'ceiling', '/fsync');
  const list = scenarios();
  ctx.log('erasure: pre-populating keys on cairn and the ceiling');
  for (const s of list.filter((x) => x.method === 'PUT')) {
    await putAll(cairn, s.keys, ctx.data.subarray(0, s.size), s.concurrency);
    await putAll(store, s.keys, ctx.data.subarray(0, s.size), s.concurrency);
  }

  const cairnRuns = new Map<string, Measured[]>();
  const ceilingRuns = new Map<string, Measured[]>();
  const add = (runs: Map<string, Measured[]>, name: string, r: Measured) => runs.set(name, [...(runs.get(name) ?? []), r]);
  for (let run = 0; run < ctx.runs; run++) {
    for (const s of list) {
      const spec = {
        method: s.method,
        size: s.size,
        concurrency: s.concurrency,
        keys: s.keys,
        body: ctx.data.subarray(0, s.size),
        warmupMs: ctx.warmup * 1000,
        durationMs: ctx.seconds * 1000,
      };
      const result = await measuredLoad(s.name, child, cairn, spec);
      add(cairnRuns, s.name, result);
      let line = `[erasure ${run + 1}/${ctx.runs}] ${s.name.padEnd(18)} cairn ${valueOf(result, s.unit).toFixed(1)} ${s.unit}  p50 ${result.p50Ms.toFixed(1)} ms  p99 ${result.p99Ms.toFixed(1)} ms  server CPU ${result.serverCores.toFixed(2)} cores`;
      if (s.versus === 'ceiling') {
        const ceiling = await measuredLoad(s.name, ctx.ceiling, store, spec);
        add(ceilingRuns, s.name, ceiling);
        line += `; ceiling ${valueOf(ceiling, s.unit).toFixed(1)} ${s.unit}`;
      }
      ctx.log(line);
    }
  }
  await child.stop();

  return list.map((s): ScenarioReport => {
    const runs = cairnRuns.get(s.name) ?? [];
    const ceilings = ceilingRuns.get(s.name) ?? [];
    const cairnStat = toStat(runs.map((r) => valueOf(r, s.unit)));
    let ceiling = toStat([]);
    let note: string;
    if (s.versus === 'disk') {
      ceiling = toStat(ctx.disk.map((mbps) => mbps / WRITE_AMPLIFICATION));
      note = `${ERASURE_LAYOUT}; ceiling = raw disk ÷ ${WRITE_AMPLIFICATION} (the disk-bound ceiling); target ≥ ${s.ratio}×, measured ${(cairnStat.median / ceiling.median).toFixed(2)}×`;
    } else if (s.versus === 'ceiling') {
      ceiling = toStat(ceilings.map((r) => valueOf(r, s.unit)));
      note = `${ERASURE_LAYOUT}; ceiling = bare node:http streaming the same bytes from one file; target ≥ ${s.ratio}×, measured ${(cairnStat.median / ceiling.median).toFixed(2)}×`;
    } else {
      note = `${ERASURE_LAYOUT}; target ≥ ${s.versus.ops} ops/s, measured ${cairnStat.median.toFixed(0)} ops/s (${cairnStat.median >= s.versus.ops ? 'met' : 'not met'})`;
    }
    return {
      scenario: s.name,
      unit: s.unit,
      cairn: cairnStat,
      cairnP50Ms: median(runs.map((r) => r.p50Ms)),
      cairnP99Ms: median(runs.map((r) => r.p99Ms)),
      cairnCores: median(runs.map((r) => r.serverCores)),
      ceilingCores: median(ceilings.map((r) => r.serverCores)),
      ceiling,
      note,
    };
  });
}
