/**
 * The `rss` group: the server's peak resident memory while 64 clients each
 * stream a large object (64 MiB by default) into the erasure store at once.
 * Target: under 400 MB. Memory must stay bounded by buffers per request, not
 * by object size, so a fresh server is started (its VmHWM covers only this).
 * The peak is the kernel's high-water mark (VmHWM in /proc/<pid>/status),
 * cross-checked by sampling VmRSS every 50 ms.
 */
import { readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { putStream } from './load.js';
import { chunksOf } from './multipart.js';
import { ERASURE_LAYOUT, startErasureCairn, type GroupContext } from './erasure-cairn.js';
import { toStat, type ScenarioReport } from './report.js';
import { BUCKET, cairnTarget } from './targets.js';

export const RSS_DEFAULT_MIB = 64;
const CLIENTS = 64;
const TARGET_MB = 400;
const MiB = 1024 * 1024;

/** A field of /proc/<pid>/status in bytes (the kernel reports kB), NaN when unreadable. */
async function statusBytes(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  if (pid === undefined) return NaN;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export async function rssGroup(ctx: GroupContext, objectMiB: number): Promise<ScenarioReport[]> {
  const name = `RSS ${CLIENTS}× PUT ${objectMiB} MiB`;
  const peaks: number[] = [];
  const seconds: number[] = [];
  for (let run = 0; run < ctx.runs; run++) {
    // A fresh server per run: VmHWM only ever grows.
    const child = await startErasureCairn(ctx, `rss-${run}`, [BUCKET]);
    const target = cairnTarget(child.port);
    const startHwm = await statusBytes(child.pid, 'VmHWM');
    let sampled = 0;
    const sampler = setInterval(() => {
      void statusBytes(child.pid, 'VmRSS').then((rss) => {
        if (rss > sampled) sampled = rss;
      });
    }, 50);
    const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
    const began = performance.now();
    try {
      const size = objectMiB * MiB;
      await Promise.all(Array.from({ length: CLIENTS }, (_, i) => putStream(agent, target, `rss/obj-${i}`, chunksOf(ctx.data, size), size)));
    } finally {
      clearInterval(sampler);
      agent.destroy();
    }
    const elapsed = (performance.now() - began) / 1000;
    const hwm = await statusBytes(child.pid, 'VmHWM');
    await child.stop();
    // 64 large objects × 1.5 on disk: gone before the next run writes its own.
    await rm(join(ctx.base, `rss-${run}`), { recursive: true, force: true });
    const peak = Number.isNaN(hwm) ? sampled : hwm;
    peaks.push(peak / 1e6);
    seconds.push(elapsed);
    ctx.log(`[rss ${run + 1}/${ctx.runs}] ${name}: peak RSS ${(peak / 1e6).toFixed(0)} MB (VmHWM; sampled VmRSS max ${(sampled / 1e6).toFixed(0)} MB, at start ${(startHwm / 1e6).toFixed(0)} MB) in ${elapsed.toFixed(1)} s`);
  }
  const stat = toStat(peaks);
  return [
    {
      scenario: name,
      unit: 'MB',
      cairn: stat,
      cairnP50Ms: NaN,
      cairnP99Ms: NaN,
      cairnCores: NaN,
      ceilingCores: NaN,
      ceiling: toStat([]),
      note: `${ERASURE_LAYOUT}; peak resident memory of a fresh server (VmHWM) over ${CLIENTS} concurrent streamed PUTs of ${objectMiB} MiB (median ${toStat(seconds).median.toFixed(1)} s); target < ${TARGET_MB} MB (${stat.median < TARGET_MB ? 'met' : 'not met'})`,
    },
  ];
}
