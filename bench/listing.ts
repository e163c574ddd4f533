/**
 * The `listing` group, over the erasure store (EC 4+2 on 6 drive folders):
 *
 *   ListObjectsV2 paging   every key of a bucket of --list-objects objects
 *                          (default 1,000,000), 1,000 per page, one client:
 *                          keys/s, target ≥ 100,000
 *   delimiter listing      prefix k/00042/ with delimiter "/" (90 keys and 10
 *                          common prefixes) in a bucket of 10,000 objects and
 *                          in the big one: time per call, which should be the
 *                          same (the index seeks; it does not scan)
 *
 * The buckets are populated in-process before the server starts, by writing
 * object records straight into every drive's metadata store (listing-populate.ts),
 * not by a million HTTP PUTs. The server then rebuilds its listing index from
 * the drives; the bench waits until admin info reports it ready (until then
 * listings merge the drives) and reports that rebuild time as its own figure.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ERASURE_LAYOUT, erasureVolumes, startErasureCairn, type GroupContext } from './erasure-cairn.js';
import { listPage, type ListParams } from './list-request.js';
import { GROUP_SIZE, groupPrefix, populateBuckets } from './listing-populate.js';
import { median, toStat, type ScenarioReport } from './report.js';
import { EMPTY_SHA256 } from './sigv4.js';
import { cairnSigner } from './targets.js';

const ADMIN_INFO_PATH = '/_cairn/admin/v1/info';
const INDEX_WAIT_MS = 30 * 60_000;

type IndexStatus = { state: string; rebuiltKeys?: number; lastRebuildMs?: number };

/** The listing index status from the server's admin info (first backend that reports one). */
function listingIndexStatus(agent: Agent, port: number): Promise<IndexStatus | undefined> {
  const host = `127.0.0.1:${port}`;
  const headers = cairnSigner().sign('GET', host, ADMIN_INFO_PATH, EMPTY_SHA256, new Date());
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port, method: 'GET', path: ADMIN_INFO_PATH, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return reject(new Error(`admin info answered ${res.statusCode}: ${text.slice(0, 300)}`));
        const info = JSON.parse(text) as { backends: { listingIndex?: IndexStatus }[] };
        resolve(info.backends.find((b) => b.listingIndex)?.listingIndex);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Waits for the server's listing index; returns its rebuild time in seconds (NaN when the server keeps none). */
async function waitForListingIndex(agent: Agent, port: number, log: (line: string) => void): Promise<number> {
  const deadline = performance.now() + INDEX_WAIT_MS;
  let lastLog = 0;
  while (performance.now() < deadline) {
    const status = await listingIndexStatus(agent, port);
    if (!status) return NaN;
    if (status.state === 'ready') return (status.lastRebuildMs ?? 0) / 1000;
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`listing: index ${status.state}, ${status.rebuiltKeys ?? 0} keys so far`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the listing index was not ready in time');
}

export const LISTING_DEFAULT_OBJECTS = 1_000_000;
const SMALL_OBJECTS = 10_000;
const BIG = 'list-big';
const SMALL = 'list-10k';
const TARGET_KEYS_PER_SEC = 100_000;
/** The small prefix listed in both buckets: group 42 exists in any bucket of ≥ 4,300 objects. */
const SMALL_PREFIX = groupPrefix(42);

/** Pages through the whole bucket; returns keys per second and checks the count. */
async function pageThrough(agent: Agent, port: number, bucket: string, expected: number): Promise<number> {
  const signer = cairnSigner();
  let keys = 0;
  let token: string | undefined;
  const began = performance.now();
  do {
    const page = await listPage(agent, signer, port, bucket, { continuationToken: token });
    keys += page.keys;
    token = page.nextToken;
  } while (token !== undefined);
  const seconds = (performance.now() - began) / 1000;
  if (keys !== expected) throw new Error(`listing ${bucket} returned ${keys} keys, expected ${expected}`);
  return keys / seconds;
}

/** The same delimiter listing over and over for `seconds`, one at a time; per-call times in ms. */
async function repeatListing(agent: Agent, port: number, bucket: string, seconds: number): Promise<number[]> {
  const signer = cairnSigner();
  const params: ListParams = { prefix: SMALL_PREFIX, delimiter: '/' };
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    const page = await listPage(agent, signer, port, bucket, params);
    times.push(performance.now() - t0);
    if (page.keys !== GROUP_SIZE - GROUP_SIZE / 10 || page.commonPrefixes !== GROUP_SIZE / 10) {
      throw new Error(`delimiter listing of ${bucket} ${SMALL_PREFIX} returned ${page.keys} keys and ${page.commonPrefixes} common prefixes`);
    }
  }
  return times;
}

export async function listingGroup(ctx: GroupContext, bigObjects: number): Promise<ScenarioReport[]> {
  if (bigObjects < SMALL_OBJECTS) throw new Error(`--list-objects must be at least ${SMALL_OBJECTS}`);
  const volumes = erasureVolumes(ctx, 'listing');
  ctx.log(`listing: populating ${BIG} (${bigObjects} objects) and ${SMALL} (${SMALL_OBJECTS}) with ${ERASURE_LAYOUT}`);
  const began = performance.now();
  await populateBuckets(volumes, [
    { bucket: BIG, count: bigObjects },
    { bucket: SMALL, count: SMALL_OBJECTS },
  ]);
  ctx.log(`listing: populated in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const child = await startErasureCairn(ctx, 'listing', [BIG, SMALL]);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const paging: number[] = [];
  const cores: number[] = [];
  const bigTimes: number[] = [];
  const smallTimes: number[] = [];
  let rebuildSeconds = NaN;
  try {
    rebuildSeconds = await waitForListingIndex(agent, child.port, ctx.log);
    ctx.log(`listing: index ready, rebuilt from the drives in ${rebuildSeconds.toFixed(1)} s (${bigObjects + SMALL_OBJECTS} objects)`);
    for (let run = 0; run < ctx.runs; run++) {
      const cpu = child.cpuSeconds();
      const wall = performance.now();
      paging.push(await pageThrough(agent, child.port, BIG, bigObjects));
      const cpuSeconds = child.cpuSeconds() - cpu;
      cores.push(cpuSeconds / ((performance.now() - wall) / 1000));
      ctx.log(`listing: server CPU ${((cpuSeconds * 1000) / Math.ceil(bigObjects / 1000)).toFixed(2)} ms per 1,000-key page`);
      // Alternate which bucket goes first so drift does not favour one.
      const order = run % 2 === 0 ? [BIG, SMALL] : [SMALL, BIG];
      const perCall = new Map<string, number[]>();
      for (const bucket of order) perCall.set(bucket, await repeatListing(agent, child.port, bucket, ctx.seconds));
      bigTimes.push(median(perCall.get(BIG)!));
      smallTimes.push(median(perCall.get(SMALL)!));
      ctx.log(
        `[listing ${run + 1}/${ctx.runs}] paging ${paging[run].toFixed(0)} keys/s; delimiter listing ${SMALL_PREFIX}: ${bigTimes[run].toFixed(2)} ms per call in ${bigObjects}, ${smallTimes[run].toFixed(2)} ms in ${SMALL_OBJECTS}`,
      );
    }
  } finally {
    agent.destroy();
    await child.stop();
  }
  const pagingStat = toStat(paging);
  const big = toStat(bigTimes);
  const small = toStat(smallTimes);
  return [
    {
      scenario: `ListObjectsV2 paging ${bigObjects} objects`,
      unit: 'keys/s',
      cairn: pagingStat,
      cairnP50Ms: NaN,
      cairnP99Ms: NaN,
      cairnCores: median(cores),
      ceilingCores: NaN,
      ceiling: toStat([]),
      note: `${ERASURE_LAYOUT}; 1,000 keys per page, one client; target ≥ ${TARGET_KEYS_PER_SEC} keys/s (${pagingStat.median >= TARGET_KEYS_PER_SEC ? 'met' : 'not met'})`,
    },
    {
      scenario: `delimiter listing ${SMALL_PREFIX}, ${bigObjects} vs ${SMALL_OBJECTS}`,
      unit: 'ms',
      cairn: big,
      cairnP50Ms: big.median,
      cairnP99Ms: NaN,
      cairnCores: NaN,
      ceilingCores: NaN,
      ceiling: small,
      note: `median time per call in the ${bigObjects}-object bucket (cairn column) and in the ${SMALL_OBJECTS}-object bucket (ceiling column); target: the same, measured ${(big.median / small.median).toFixed(2)}×`,
    },
    {
      scenario: `listing index rebuild, ${bigObjects + SMALL_OBJECTS} objects`,
      unit: 'ms',
      cairn: toStat(Number.isNaN(rebuildSeconds) ? [] : [rebuildSeconds * 1000]),
      cairnP50Ms: NaN,
      cairnP99Ms: NaN,
      cairnCores: NaN,
      ceilingCores: NaN,
      ceiling: toStat([]),
      note: `${ERASURE_LAYOUT}; the server's start-up rebuild of its listing index from the drives (quorum merge of every drive's records), in the background while it serves`,
    },
  ];
}
