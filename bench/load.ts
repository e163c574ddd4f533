/**
 * A closed-loop HTTP load generator: `concurrency` workers, each issuing its
 * next request as soon as the previous one finishes, over keep-alive sockets.
 * Bodies come from one preallocated buffer, so the client allocates nothing
 * per request beyond what node:http itself does.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type Method = 'PUT' | 'GET';

/** Where requests go and how they are addressed and authorised. */
export interface Target {
  name: string;
  host: string;
  port: number;
  /** The request path (already encoded) for an object key and method. */
  path(method: Method, key: string): string;
  /** Extra headers, e.g. a SigV4 signature; `host` is `host:port`. */
  headers(method: Method, path: string, hostHeader: string): Record<string, string>;
}

/** A request that did not return 2xx with the expected body; fails the scenario. */
export class BenchRequestError extends Error {}

/** A request never answered within this long is a hung server, not a slow one. */
const REQUEST_TIMEOUT_MS = 30_000;

interface Done {
  bytes: number;
}

/**
 * Settles a request from its response: any non-2xx status rejects with the
 * status and the start of the error body, so a benchmark of errors cannot
 * pass silently; a GET must declare and deliver exactly `expectedSize` bytes,
 * which are counted and dropped.
 */
function settle(res: IncomingMessage, target: Target, method: Method, path: string, expectedSize: number, sent: number, resolve: (d: Done) => void, reject: (e: unknown) => void): void {
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => {
      if (chunks.length < 4) chunks.push(c);
    });
    res.on('end', () => {
      const text = Buffer.concat(chunks).subarray(0, 600).toString('utf8');
      reject(new BenchRequestError(`${target.name}: ${method} ${path} answered ${status}: ${text}`));
    });
    res.on('error', reject);
    return;
  }
  let received = 0;
  res.on('data', (c: Buffer) => {
    received += c.length;
  });
  res.on('error', reject);
  res.on('end', () => {
    if (method === 'GET') {
      const declared = Number(res.headers['content-length']);
      if (declared !== expectedSize || received !== expectedSize) {
        reject(new BenchRequestError(`${target.name}: GET ${path} Content-Length ${res.headers['content-length']}, received ${received} bytes, expected ${expectedSize}`));
        return;
      }
    }
    resolve({ bytes: method === 'GET' ? received : sent });
  });
}

/**
 * One request. PUT sends `body`; GET expects exactly `expectedSize` bytes and
 * a matching Content-Length (see `settle`).
 */
export function send(agent: Agent, target: Target, method: Method, key: string, body: Buffer | undefined, expectedSize: number): Promise<Done> {
  const path = target.path(method, key);
  const hostHeader = `${target.host}:${target.port}`;
  const headers = target.headers(method, path, hostHeader);
  if (body !== undefined) headers['content-length'] = String(body.length);
  return new Promise<Done>((resolve, reject) => {
    const req = httpRequest({ agent, host: target.host, port: target.port, method, path, headers }, (res) => {
      settle(res, target, method, path, expectedSize, body?.length ?? 0, resolve, reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new BenchRequestError(`${target.name}: ${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * One PUT whose body is streamed from `chunks` (which must add up to `size`
 * bytes) with a Content-Length of `size`: for bodies too large to hold.
 */
export function putStream(agent: Agent, target: Target, key: string, chunks: Iterable<Buffer>, size: number): Promise<Done> {
  const path = target.path('PUT', key);
  const headers = target.headers('PUT', path, `${target.host}:${target.port}`);
  headers['content-length'] = String(size);
  return new Promise<Done>((resolve, reject) => {
    const req = httpRequest({ agent, host: target.host, port: target.port, method: 'PUT', path, headers }, (res) => {
      settle(res, target, 'PUT', path, size, size, resolve, reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new BenchRequestError(`${target.name}: PUT ${path} timed out`)));
    // pipeline handles backpressure; a failed request destroys the source and rejects through 'error' below.
    pipeline(Readable.from(chunks), req).catch(reject);
    req.on('error', reject);
  });
}

export interface LoadSpec {
  method: Method;
  size: number;
  concurrency: number;
  keys: readonly string[];
  /** The PUT body; its length is `size`. */
  body: Buffer;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  /** Operations completed in the measured window (fractional, see below). */
  ops: number;
  bytes: number;
  seconds: number;
  opsPerSec: number;
  /** 10^6 bytes per second. */
  mbPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Runs the load for warm-up + duration. Each operation is credited with the
 * fraction of its lifetime that overlaps the measured window, so a 16 MiB
 * request straddling either edge counts in proportion rather than all or
 * nothing; with a few dozen large requests per window, all-or-nothing would be
 * off by several percent.
 */
export async function runLoad(target: Target, spec: LoadSpec): Promise<LoadResult> {
  // maxSockets = concurrency: one socket per worker, reused for the whole run.
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const start = performance.now();
  const windowStart = start + spec.warmupMs;
  const windowEnd = windowStart + spec.durationMs;
  let nextKey = 0;
  let ops = 0;
  let failure: unknown;
  const latencies: number[] = [];
  const body = spec.method === 'PUT' ? spec.body : undefined;

  const worker = async () => {
    while (failure === undefined && performance.now() < windowEnd) {
      const key = spec.keys[nextKey++ % spec.keys.length];
      const t0 = performance.now();
      try {
        await send(agent, target, spec.method, key, body, spec.size);
      } catch (err) {
        failure ??= err;
        return;
      }
      const t1 = performance.now();
      const overlap = Math.min(t1, windowEnd) - Math.max(t0, windowStart);
      if (overlap > 0) ops += overlap / Math.max(t1 - t0, 1e-6);
      if (t1 >= windowStart && t1 <= windowEnd) latencies.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, worker));
  agent.destroy();
  if (failure !== undefined) throw failure;

  latencies.sort((a, b) => a - b);
  const seconds = spec.durationMs / 1000;
  const bytes = ops * spec.size;
  return {
    ops,
    bytes,
    seconds,
    opsPerSec: ops / seconds,
    mbPerSec: bytes / seconds / 1e6,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** PUTs every key once (so GETs find them), `concurrency` at a time. */
export async function putAll(target: Target, keys: readonly string[], body: Buffer, concurrency: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const worker = async () => {
    while (next < keys.length) await send(agent, target, 'PUT', keys[next++], body, body.length);
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
}
