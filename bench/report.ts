/** Medians, ratios and the printed table; pure functions of the collected samples. */

export interface Stat {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/** Throughput units, plus `ms` (time per call) and `MB` (peak memory) for the listing and rss rows. */
export type Unit = 'MB/s' | 'ops/s' | 'keys/s' | 'ms' | 'MB';

export interface ScenarioReport {
  scenario: string;
  unit: Unit;
  cairn: Stat;
  /** Medians over runs of each run's latency percentiles. */
  cairnP50Ms: number;
  cairnP99Ms: number;
  /** Medians over runs of the server process's CPU use during the load, in cores (NaN off Linux). */
  cairnCores: number;
  ceilingCores: number;
  /** PUT: temp file + fsync + rename; GET: the file streamed back. */
  ceiling: Stat;
  /** PUT only: body drained and dropped. */
  discard?: Stat;
  /** Fixed-volume (multipart) rows only: this process's CPU use during the operation, in cores. */
  clientCores?: { cairn: number; ceiling: number };
  /** Fixed-volume rows only: median wall time of cairn's operation, seconds. */
  cairnSeconds?: number;
  /** Multipart upload only: median time from the last part's answer to CompleteMultipartUpload's, seconds. */
  cairnCompleteSeconds?: number;
  /** What the ceiling column means for this row and which target applies, when not the ceiling server (erasure-store groups). */
  note?: string;
}

export interface BenchReport {
  meta: {
    date: string;
    node: string;
    cpus: number;
    cpuModel: string;
    platform: string;
    seconds: number;
    warmupSeconds: number;
    runs: number;
    dataDir: string;
    /** 1-minute load average at start and end of the run. */
    loadAverage: [number, number];
    /** Scenario groups that ran (--only). */
    groups: string[];
    /** The multipart scenario's shape and the wire headers of one UploadPart the SDK sent, when it ran. */
    multipart?: { size: number; partSize: number; queueSize: number; parts: number; uploadPartHeaders: Record<string, string> };
  };
  /** Sequential 16 MiB file writes with fsync, MB/s. */
  disk: Stat;
  scenarios: ScenarioReport[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function toStat(samples: readonly number[]): Stat {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples: [...samples] };
}

function num(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function ratio(a: Stat, b: Stat | undefined): string {
  return b && b.median > 0 ? (a.median / b.median).toFixed(2) : '—';
}

function range(s: Stat): string {
  return `${num(s.min)}–${num(s.max)}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** A Markdown table (readable as plain text too), medians with min–max over runs. */
export function formatReport(report: BenchReport): string {
  const header = ['scenario', 'unit', 'cairn', 'cairn min–max', 'ceiling', 'cairn/ceiling', 'discard ceiling', 'cairn/discard', 'cairn p50 / p99 ms', 'server CPU cairn / ceiling'];
  const rows = report.scenarios.map((s) => [
    s.scenario,
    s.unit,
    num(s.cairn.median),
    range(s.cairn),
    num(s.ceiling.median),
    ratio(s.cairn, s.ceiling),
    s.discard ? num(s.discard.median) : '—',
    ratio(s.cairn, s.discard),
    `${num(s.cairnP50Ms)} / ${num(s.cairnP99Ms)}`,
    `${s.cairnCores.toFixed(2)} / ${s.ceilingCores.toFixed(2)}`,
  ]);
  const m = report.meta;
  const fixed = report.scenarios.filter((s) => s.clientCores);
  const notes = fixed.map((s) => {
    const complete = s.cairnCompleteSeconds === undefined ? '' : `, of which CompleteMultipartUpload ${num(s.cairnCompleteSeconds)} s`;
    return `${s.scenario}: cairn ${num(s.cairnSeconds ?? NaN)} s${complete}; client CPU cairn / ceiling ${s.clientCores!.cairn.toFixed(2)} / ${s.clientCores!.ceiling.toFixed(2)} cores`;
  });
  const mp = m.multipart;
  const headers = mp ? Object.entries(mp.uploadPartHeaders).map(([k, v]) => `${k}: ${v}`).join(', ') : '';
  return [
    `cairn bench — ${m.date}, node ${m.node}, ${m.cpus} CPU (${m.cpuModel}), ${m.platform}`,
    `median of ${m.runs} runs${m.groups.includes('closed-loop') ? `, closed-loop rows ${m.seconds} s measured after ${m.warmupSeconds} s warm-up each` : ''}; MB = 10^6 bytes; load average ${m.loadAverage[0].toFixed(2)} before, ${m.loadAverage[1].toFixed(2)} after`,
    '',
    table(header, rows),
    '',
    `ceiling: PUT = temp file + fsync + rename, GET = file streamed back; discard ceiling: PUT body drained and dropped`,
    `server CPU: the server process's user + system CPU time during the load over its wall time, in cores (of ${m.cpus})`,
    `raw disk: sequential 16 MiB files + fsync: ${num(report.disk.median)} MB/s (min–max ${range(report.disk)})`,
    ...(mp
      ? [
          `multipart: one ${mp.size / 2 ** 20} MiB object per run, timed end to end, no warm-up window (one untimed 64 MiB round first); cairn = @aws-sdk/lib-storage Upload, ${mp.partSize / 2 ** 20} MiB parts, queueSize ${mp.queueSize}, SDK default checksums, then GetObject streamed and counted;`,
          `  ceiling = ${mp.parts} PUTs of ${mp.partSize / 2 ** 20} MiB ×${mp.queueSize} to the fsync (discard) route, and one GET of a ${mp.size / 2 ** 20} MiB file`,
          `  UploadPart as sent by the SDK: ${headers || '(not seen)'}`,
          ...notes.map((n) => `  ${n}`),
        ]
      : []),
    ...report.scenarios.filter((s) => s.note).map((s) => `${s.scenario}: ${s.note}`),
  ].join('\n');
}
