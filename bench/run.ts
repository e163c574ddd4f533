/**
 * `npm run bench`: cairn against a bare node:http ceiling on the same machine.
 *
 *   node dist/bench/run.js [--seconds N] [--warmup N] [--runs N] [--dir DIR] [--only GROUPS] [--json]
 *
 * Both servers run as child processes; this process only generates load.
 * Every scenario runs --runs times, interleaved with the other targets and
 * scenarios so that a noisy minute on a shared machine hits all of them, and
 * the median is reported. Groups of scenarios: `closed-loop` (fixed-size
 * PUTs and GETs for --seconds each) and `multipart` (a 1 GiB lib-storage upload
 * and its download, see multipart.ts) over cairn's default volume; and over
 * the erasure store (EC 4+2 on 6 drive folders) `erasure` (erasure.ts),
 * `listing` (listing.ts) and `rss` (rss.ts), each against its own targets.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { diskWriteMBps } from './disk.js';
import { erasureGroup } from './erasure.js';
import { listingGroup, LISTING_DEFAULT_OBJECTS } from './listing.js';
import { putAll, send, type Method, type Target } from './load.js';
import { measuredLoad, type Measured } from './measured-load.js';
import {
  cairnClient,
  cairnDownload,
  cairnUpload,
  ceilingCreate,
  ceilingDownload,
  ceilingUpload,
  instrument,
  MULTIPART,
  partCount,
  type MultipartShape,
  type Timed,
} from './multipart.js';
import { startCairnChild, startCeilingChild, type ServerChild } from './processes.js';
import { formatCodecReport, runCodecBench } from './codec.js';
import { formatPlacementReport, runPlacementBench } from './codec-placement.js';
import { formatReport, median, toStat, type BenchReport, type ScenarioReport, type Unit } from './report.js';
import { RSS_DEFAULT_MIB, rssGroup } from './rss.js';
import { selectGroup } from './select.js';
import { BUCKET, cairnTarget, ceilingTarget, keySpace, PASSWORD, USER } from './targets.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GROUPS = ['closed-loop', 'multipart', 'erasure', 'listing', 'rss', 'codec', 'select'] as const;
type Group = (typeof GROUPS)[number];
/** What `--only` means when not given: the groups a plain `npm run bench` runs. */
const DEFAULT_GROUPS: Group[] = [...GROUPS];

interface Options {
  seconds: number;
  warmup: number;
  runs: number;
  dir: string;
  json: boolean;
  only: Group[];
  /** Objects in the listing group's big bucket. */
  listObjects: number;
  /** Size of each of the rss group's 64 concurrent PUTs, MiB. */
  rssMiB: number;
}

interface Scenario {
  name: string;
  method: Method;
  size: number;
  concurrency: number;
  unit: Unit;
  /** PUTs overwrite and GETs read the same keys, pre-populated once. */
  keys: string[];
}

const USAGE = `usage: node dist/bench/run.js [--seconds N] [--warmup N] [--runs N] [--dir DIR] [--only GROUPS] [--list-objects N] [--rss-mib N] [--json]
  --seconds N       measured seconds per closed-loop scenario run (default 4)
  --warmup N        warm-up seconds before each closed-loop measurement (default 0.5); 0 also skips the multipart warm-up round
  --runs N          runs per scenario; the median is reported (default 3)
  --dir DIR         where temp data goes (default the OS temp dir; it must be a real disk for fsync to mean anything)
  --only GROUPS     comma-separated, default all:
                      closed-loop  PUT/GET 1 MiB, 16 MiB, 4 KiB on the default volume
                      multipart    1 GiB lib-storage upload + download
                      erasure      EC 4+2 over 6 drive folders: PUT/GET 16 MiB ×4, PUT/GET 4 KiB ×16
                      listing      ListObjectsV2 through a big bucket; a small prefix's delimiter listing, 10k vs big bucket
                      rss          peak server RSS during 64 concurrent large PUTs
                      codec        in-process Reed-Solomon encode: WASM SIMD kernel vs @ronomon/reed-solomon vs TS reference
                      select       S3 Select over a 100 MB CSV (filter, aggregate) vs DuckDB on the same file
  --list-objects N  objects in the listing group's big bucket (default ${LISTING_DEFAULT_OBJECTS})
  --rss-mib N       size of each rss PUT in MiB (default ${RSS_DEFAULT_MIB})
  --json            print the results as JSON instead of the table
`;

function parseOptions(argv: string[]): Options {
  const opts: Options = {
    seconds: 4,
    warmup: 0.5,
    runs: 3,
    dir: tmpdir(),
    json: false,
    only: [...DEFAULT_GROUPS],
    listObjects: LISTING_DEFAULT_OBJECTS,
    rssMiB: RSS_DEFAULT_MIB,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    const positive = (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${arg} must be a positive number\n${USAGE}`);
      return n;
    };
    if (arg === '--seconds') opts.seconds = positive(value());
    else if (arg === '--warmup') opts.warmup = Number(value());
    else if (arg === '--runs') opts.runs = Math.round(positive(value()));
    else if (arg === '--dir') opts.dir = value();
    else if (arg === '--list-objects') opts.listObjects = Math.round(positive(value()));
    else if (arg === '--rss-mib') opts.rssMiB = Math.round(positive(value()));
    else if (arg === '--json') opts.json = true;
    else if (arg === '--only') {
      const groups = value().split(',').map((g) => g.trim());
      const unknown = groups.filter((g) => !(GROUPS as readonly string[]).includes(g));
      if (unknown.length > 0 || groups.length === 0) throw new Error(`--only takes ${GROUPS.join(', ')}; got ${unknown.join(', ')}\n${USAGE}`);
      opts.only = GROUPS.filter((g) => groups.includes(g));
    }
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  if (!(opts.warmup >= 0)) throw new Error(`--warmup must be zero or more\n${USAGE}`);
  return opts;
}

function scenarios(): Scenario[] {
  // Key spaces: big enough that concurrent requests rarely share a key, small
  // enough that pre-population is quick and the data stays well under 1 GiB.
  const k1 = keySpace('1MiB', 64);
  const k16 = keySpace('16MiB', 16);
  const k4 = keySpace('4KiB', 256);
  return [
    { name: 'PUT 1 MiB ×4', method: 'PUT', size: MiB, concurrency: 4, unit: 'MB/s', keys: k1 },
    { name: 'GET 1 MiB ×4', method: 'GET', size: MiB, concurrency: 4, unit: 'MB/s', keys: k1 },
    { name: 'PUT 16 MiB ×4', method: 'PUT', size: 16 * MiB, concurrency: 4, unit: 'MB/s', keys: k16 },
    { name: 'GET 16 MiB ×4', method: 'GET', size: 16 * MiB, concurrency: 4, unit: 'MB/s', keys: k16 },
    { name: 'PUT 4 KiB ×16', method: 'PUT', size: 4 * KiB, concurrency: 16, unit: 'ops/s', keys: k4 },
    { name: 'GET 4 KiB ×16', method: 'GET', size: 4 * KiB, concurrency: 16, unit: 'ops/s', keys: k4 },
  ];
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function describe(result: Measured, unit: Unit): string {
  const value = unit === 'MB/s' ? result.mbPerSec : result.opsPerSec;
  return `${value.toFixed(1)} ${unit}  p50 ${result.p50Ms.toFixed(1)} ms  p99 ${result.p99Ms.toFixed(1)} ms`;
}

const MP_PUT = `multipart PUT 1 GiB ×${MULTIPART.queueSize}`;
const MP_GET = 'multipart GET 1 GiB ×1';
/** cairn's object, and the ceiling's part-key prefix and download file. */
const MP_KEY = 'multipart/object-1GiB';

/** A fixed-volume operation plus the server's and this process's CPU use during it, in cores. */
type MeasuredTimed = Timed & { serverCores: number; clientCores: number };

async function measure(server: ServerChild, op: () => Promise<Timed>): Promise<MeasuredTimed> {
  const serverBefore = server.cpuSeconds();
  const clientBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const result = await op();
  const wall = (performance.now() - wallBefore) / 1000;
  const client = process.cpuUsage(clientBefore);
  return { ...result, serverCores: (server.cpuSeconds() - serverBefore) / wall, clientCores: (client.user + client.system) / 1e6 / wall };
}

/**
 * Before the multipart runs: the ceiling's 1 GiB download file (one streamed
 * PUT), the SDK client, and unless --warmup 0 one untimed 64 MiB round on
 * each side so that the first measured run does not pay for JIT and
 * connection setup alone.
 */
async function prepareMultipart(cairnPort: number, store: Target, data: Buffer, warmup: boolean) {
  log(`multipart: writing the ceiling's ${MULTIPART.size / MiB} MiB download file`);
  await ceilingCreate(store, MP_KEY, data, MULTIPART.size);
  const client = cairnClient(cairnPort, USER, PASSWORD);
  const probe = instrument(client);
  if (warmup) {
    log('multipart: warm-up round (64 MiB)');
    const small: MultipartShape = { ...MULTIPART, size: 64 * MiB };
    await cairnUpload(client, probe, BUCKET, 'multipart/warm-up', data, small);
    await cairnDownload(client, BUCKET, 'multipart/warm-up', small.size);
    await ceilingUpload(store, 'multipart/warm-up', data, small);
    await ceilingCreate(store, 'multipart/warm-up-file', data, small.size);
    await ceilingDownload(store, 'multipart/warm-up-file', small.size);
  }
  return { client, probe };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const began = performance.now();
  // In-process, no servers: runs first and prints its own table (bench/codec.ts).
  if (opts.only.includes('codec')) {
    const rows = await runCodecBench({ runs: opts.runs, log });
    const placement = await runPlacementBench({ runs: opts.runs, log });
    process.stdout.write(
      opts.json
        ? `${JSON.stringify({ codec: rows, placement }, null, 2)}\n`
        : `\n${formatCodecReport(rows, opts.runs)}\n\n${formatPlacementReport(placement, opts.runs)}\n`,
    );
    if (opts.only.length === 1) return;
  }
  // The machine is shared: the 1-minute load average before and after says how quiet it was.
  const loadBefore = loadavg()[0];
  await mkdir(opts.dir, { recursive: true });
  const base = await mkdtemp(join(opts.dir, 'cairn-bench-'));
  const children: ServerChild[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      for (const child of children) await child.stop().catch(() => undefined);
      await rm(base, { recursive: true, force: true });
    })());
  process.once('SIGINT', () => {
    log('interrupted; cleaning up');
    cleanup().finally(() => process.exit(130));
  });

  try {
    log(`data under ${base}`);
    const cairnDir = join(base, 'cairn');
    const ceilingDir = join(base, 'ceiling');
    await mkdir(cairnDir);
    await mkdir(ceilingDir);
    const cairnChild = await startCairnChild(cairnDir, USER, PASSWORD);
    children.push(cairnChild);
    const ceilingChild = await startCeilingChild(ceilingDir);
    children.push(ceilingChild);

    const cairn = cairnTarget(cairnChild.port);
    const store = ceilingTarget(ceilingChild.port, 'ceiling', '/fsync');
    const discard = ceilingTarget(ceilingChild.port, 'discard', '/discard');
    // One random buffer for every body: the largest object, sliced for smaller ones.
    const data = randomBytes(16 * MiB);

    const agent = new Agent({ keepAlive: false });
    await send(agent, { ...cairn, path: () => `/${BUCKET}` }, 'PUT', '', Buffer.alloc(0), 0);
    agent.destroy();

    const closedLoop = opts.only.includes('closed-loop');
    const multipart = opts.only.includes('multipart');
    const list = closedLoop ? scenarios() : [];
    if (closedLoop) {
      log('pre-populating keys on cairn and the ceiling');
      for (const s of list.filter((x) => x.method === 'PUT')) {
        await putAll(cairn, s.keys, data.subarray(0, s.size), s.concurrency);
        await putAll(store, s.keys, data.subarray(0, s.size), s.concurrency);
      }
    }

    const mp = multipart ? await prepareMultipart(cairnChild.port, store, data, opts.warmup > 0) : undefined;

    const diskSamples: number[] = [];
    const diskSeconds = Math.min(opts.seconds, 3);
    for (let r = 0; r < opts.runs; r++) {
      diskSamples.push(await diskWriteMBps(join(base, 'disk'), data, 16 * MiB, diskSeconds * 1000));
      log(`[disk ${r + 1}/${opts.runs}] sequential 16 MiB + fsync: ${diskSamples[r].toFixed(1)} MB/s`);
    }

    const results = new Map<string, Measured[]>();
    const record = (s: Scenario, t: Target, r: Measured) => {
      const id = `${s.name}|${t.name}`;
      results.set(id, [...(results.get(id) ?? []), r]);
    };
    const mpResults = new Map<string, MeasuredTimed[]>();
    for (let run = 0; run < opts.runs; run++) {
      for (const s of list) {
        const targets = s.method === 'PUT' ? [cairn, store, discard] : [cairn, store];
        // Rotating the order per run keeps any drift from always favouring one target.
        for (let i = 0; i < targets.length; i++) {
          const target = targets[(i + run) % targets.length];
          const server = target === cairn ? cairnChild : ceilingChild;
          const result = await measuredLoad(s.name, server, target, {
            method: s.method,
            size: s.size,
            concurrency: s.concurrency,
            keys: s.keys,
            body: data.subarray(0, s.size),
            warmupMs: opts.warmup * 1000,
            durationMs: opts.seconds * 1000,
          });
          record(s, target, result);
          log(`[run ${run + 1}/${opts.runs}] ${s.name.padEnd(14)} ${target.name.padEnd(8)} ${describe(result, s.unit)}  server CPU ${result.serverCores.toFixed(2)} cores`);
        }
      }
      if (mp) {
        // Uploads first, so that cairn's download reads the object this run uploaded.
        for (const row of [MP_PUT, MP_GET]) {
          const targets = row === MP_PUT ? ['cairn', 'ceiling', 'discard'] : ['cairn', 'ceiling'];
          for (let i = 0; i < targets.length; i++) {
            const name = targets[(i + run) % targets.length];
            const server = name === 'cairn' ? cairnChild : ceilingChild;
            const op = (): Promise<Timed> => {
              if (row === MP_PUT) {
                if (name === 'cairn') return cairnUpload(mp.client, mp.probe, BUCKET, MP_KEY, data, MULTIPART);
                return ceilingUpload(name === 'ceiling' ? store : discard, MP_KEY, data, MULTIPART);
              }
              if (name === 'cairn') return cairnDownload(mp.client, BUCKET, MP_KEY, MULTIPART.size);
              return ceilingDownload(store, MP_KEY, MULTIPART.size);
            };
            const result = await measure(server, op).catch((err: unknown) => {
              throw new Error(`scenario "${row}" against ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
            });
            const id = `${row}|${name}`;
            mpResults.set(id, [...(mpResults.get(id) ?? []), result]);
            const complete = result.completeSeconds === undefined ? '' : `  (completion ${result.completeSeconds.toFixed(2)} s)`;
            log(
              `[run ${run + 1}/${opts.runs}] ${row.padEnd(22)} ${name.padEnd(8)} ${result.mbPerSec.toFixed(1)} MB/s in ${result.seconds.toFixed(2)} s${complete}  server CPU ${result.serverCores.toFixed(2)}  client CPU ${result.clientCores.toFixed(2)} cores`,
            );
          }
        }
      }
    }

    const pick = (s: Scenario, name: string) => {
      const rs = results.get(`${s.name}|${name}`) ?? [];
      return rs.map((r) => (s.unit === 'MB/s' ? r.mbPerSec : r.opsPerSec));
    };
    const scenarioReports: ScenarioReport[] = list.map((s) => {
      const cairnRuns = results.get(`${s.name}|cairn`) ?? [];
      return {
        scenario: s.name,
        unit: s.unit,
        cairn: toStat(pick(s, 'cairn')),
        cairnP50Ms: median(cairnRuns.map((r) => r.p50Ms)),
        cairnP99Ms: median(cairnRuns.map((r) => r.p99Ms)),
        cairnCores: median(cairnRuns.map((r) => r.serverCores)),
        ceilingCores: median((results.get(`${s.name}|ceiling`) ?? []).map((r) => r.serverCores)),
        ceiling: toStat(pick(s, 'ceiling')),
        discard: s.method === 'PUT' ? toStat(pick(s, 'discard')) : undefined,
      };
    });
    if (mp) {
      for (const row of [MP_PUT, MP_GET]) {
        const runsOf = (name: string) => mpResults.get(`${row}|${name}`) ?? [];
        const cairnRuns = runsOf('cairn');
        scenarioReports.push({
          scenario: row,
          unit: 'MB/s',
          cairn: toStat(cairnRuns.map((r) => r.mbPerSec)),
          // One timed operation per run: no latency distribution to report.
          cairnP50Ms: NaN,
          cairnP99Ms: NaN,
          cairnCores: median(cairnRuns.map((r) => r.serverCores)),
          ceilingCores: median(runsOf('ceiling').map((r) => r.serverCores)),
          ceiling: toStat(runsOf('ceiling').map((r) => r.mbPerSec)),
          discard: row === MP_PUT ? toStat(runsOf('discard').map((r) => r.mbPerSec)) : undefined,
          clientCores: { cairn: median(cairnRuns.map((r) => r.clientCores)), ceiling: median(runsOf('ceiling').map((r) => r.clientCores)) },
          cairnSeconds: median(cairnRuns.map((r) => r.seconds)),
          cairnCompleteSeconds: row === MP_PUT ? median(cairnRuns.map((r) => r.completeSeconds ?? NaN)) : undefined,
        });
      }
      mp.client.destroy();
    }
    // The erasure-store groups: each starts its own cairn, so they run after the default one's scenarios.
    const group = { base, seconds: opts.seconds, warmup: opts.warmup, runs: opts.runs, data, ceiling: ceilingChild, disk: diskSamples, children, log };
    if (opts.only.includes('erasure')) scenarioReports.push(...(await erasureGroup(group)));
    if (opts.only.includes('listing')) scenarioReports.push(...(await listingGroup(group, opts.listObjects)));
    if (opts.only.includes('rss')) scenarioReports.push(...(await rssGroup(group, opts.rssMiB)));
    if (opts.only.includes('select')) scenarioReports.push(...(await selectGroup(group, cairnChild.port)));
    const report: BenchReport = {
      meta: {
        date: new Date().toISOString(),
        node: process.version,
        cpus: availableParallelism(),
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        platform: `${process.platform} ${process.arch}`,
        seconds: opts.seconds,
        warmupSeconds: opts.warmup,
        runs: opts.runs,
        dataDir: opts.dir,
        loadAverage: [loadBefore, loadavg()[0]],
        groups: opts.only,
        multipart: mp
          ? { size: MULTIPART.size, partSize: MULTIPART.partSize, queueSize: MULTIPART.queueSize, parts: partCount(MULTIPART), uploadPartHeaders: mp.probe.firstPart()?.headers ?? {} }
          : undefined,
      },
      disk: toStat(diskSamples),
      scenarios: scenarioReports,
    };
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${formatReport(report)}\n`);
    log(`total ${((performance.now() - began) / 1000).toFixed(0)} s`);
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
