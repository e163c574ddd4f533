import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Backend } from '../backends/backend.js';
import { isS3Error, S3Error } from '../s3/errors.js';
import { startQuery, type RunningQuery } from './duckdb-runner.js';
import {
  contEvent,
  endEvent,
  errorEvent,
  MAX_RECORDS_PAYLOAD,
  progressEvent,
  recordsEvent,
  statsEvent,
  type ScanCounts,
} from './event-stream.js';
import { csvRowEncoder, type RowEncoder } from './output-csv.js';
import { jsonRowEncoder } from './output-json.js';
import type { SelectRequest } from './request.js';
import { openSandbox, type QuerySandbox } from './sandbox.js';
import { stageSelectInput } from './select-input.js';

/**
 * SelectObjectContent end to end: a sandbox (the query's own DuckDB) →
 * backend reads → staging into the sandbox's input file (select-input.ts:
 * parallel ranges, or decompressed / range-cut in order) → DuckDB → row
 * encoder → event stream.
 *
 * Failures found before the reply starts (bad SQL, missing key, unreadable
 * header…) reject `selectObjectContent` and become ordinary XML errors. If
 * preparing takes longer than COMMIT_AFTER_MS the reply starts anyway, with
 * Cont keep-alives, and any later failure is an error event.
 */

/** Preparing longer than this starts the event stream, so clients see keep-alives rather than silence. */
export const COMMIT_AFTER_MS = 2000;
/** A Cont message goes out when nothing else has for this long. */
export const KEEPALIVE_MS = 2000;
/** Progress messages (when requested) are at most this frequent during the scan. */
const PROGRESS_EVERY_MS = 1000;
/** Longest a produced row waits in a part-filled Records message while later chunks are read. */
const RECORDS_FLUSH_MS = 100;

export interface SelectTarget {
  backend: Backend;
  bucket: string;
  key: string;
  versionId?: string;
  signal: AbortSignal;
  /** Told about failures that reach the client as InternalError, with their cause. */
  onInternalError?: (err: S3Error) => void;
  /** COMMIT_AFTER_MS and KEEPALIVE_MS unless given (tests shorten them). */
  timing?: { commitAfterMs: number; keepAliveMs: number };
}

interface Prepared {
  sandbox: QuerySandbox;
  query: RunningQuery;
}

async function prepare(request: SelectRequest, target: SelectTarget, counts: ScanCounts): Promise<Prepared> {
  const sandbox = await openSandbox();
  try {
    const staged = await stageSelectInput(request, target, sandbox.inputPath, (scanned, processed) => {
      counts.bytesScanned = scanned;
      counts.bytesProcessed = processed;
    });
    const query = await startQuery({ expression: request.expression, input: request.input, sandbox, empty: staged.bytesProcessed === 0, signal: target.signal });
    return { sandbox, query };
  } catch (err) {
    await sandbox.dispose();
    throw err;
  }
}

/** Awaits `promise`, yielding a Cont message each time `everyMs` pass first. */
async function* keepAlive<T>(promise: Promise<T>, result: { value?: T }, everyMs: number): AsyncGenerator<Buffer> {
  const settled = promise.then(() => true, () => true);
  while (!(await Promise.race([settled, sleep(everyMs, false, { ref: false })]))) yield contEvent();
  result.value = await promise;
}

function rowEncoder(request: SelectRequest, query: RunningQuery): RowEncoder {
  return request.output.format === 'CSV' ? csvRowEncoder(query.columns, request.output) : jsonRowEncoder(query.columns, request.output);
}

/**
 * Stops the query, once preparing has settled, and recycles its sandbox
 * when the query ran to its end (`completed`), else disposes of it
 * (instance, staged input), without holding up the end of the reply; safe
 * to call twice.
 */
async function release(preparing: Promise<Prepared>, completed = false): Promise<void> {
  const prepared = await preparing.catch(() => undefined);
  await prepared?.query.close();
  void (completed ? prepared?.sandbox.recycle() : prepared?.sandbox.dispose());
}

async function* events(request: SelectRequest, target: SelectTarget, preparing: Promise<Prepared>, counts: ScanCounts, started: () => void): AsyncGenerator<Buffer> {
  started();
  let failure: S3Error | undefined;
  let completed = false;
  try {
    const keepAliveMs = target.timing?.keepAliveMs ?? KEEPALIVE_MS;
    const box: { value?: Prepared } = {};
    yield* keepAlive(preparing, box, keepAliveMs);
    const query = box.value!.query;
    const encode = rowEncoder(request, query);
    if (request.requestProgress) yield progressEvent(counts);
    let lastProgress = Date.now();
    let batch: string[] = [];
    let batchBytes = 0;
    let lastFlush = Date.now();
    const flush = (): Buffer => {
      const payload = Buffer.from(batch.join(''), 'utf8');
      counts.bytesReturned += payload.length;
      batch = [];
      batchBytes = 0;
      lastFlush = Date.now();
      return recordsEvent(payload);
    };
    for (;;) {
      const next: { value?: (string | null)[][] | null } = {};
      yield* keepAlive(query.nextChunk(), next, keepAliveMs);
      const columns = next.value;
      if (!columns) break;
      const rowCount = columns[0]?.length ?? 0;
      for (let r = 0; r < rowCount; r++) {
        const line = encode(columns.map((column) => column[r]));
        const bytes = Buffer.byteLength(line, 'utf8');
        if (batchBytes > 0 && batchBytes + bytes > MAX_RECORDS_PAYLOAD) yield flush();
        batch.push(line);
        batchBytes += bytes;
      }
      // Small chunks (a selective filter yields a few rows per chunk) share one Records message, sent at least every RECORDS_FLUSH_MS.
      if (batchBytes > 0 && Date.now() - lastFlush >= RECORDS_FLUSH_MS) yield flush();
      if (request.requestProgress && Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
        lastProgress = Date.now();
        yield progressEvent(counts);
      }
    }
    completed = true;
    if (batchBytes > 0) yield flush();
    if (request.requestProgress) yield progressEvent(counts);
    yield statsEvent(counts);
    yield endEvent();
  } catch (err) {
    failure = isS3Error(err) ? err : new S3Error('InternalError', { cause: err });
  } finally {
    // Runs on normal end, on failure, and when the stream is destroyed (client gone).
    await release(preparing, completed && !failure);
  }
  // After cleanup: a destroyed stream may never ask for this message.
  if (failure) {
    if (failure.code === 'InternalError') target.onInternalError?.(failure);
    yield errorEvent(failure.code, failure.message);
  }
}

/**
 * Runs a Select and returns the event stream to send with a 200. Rejects
 * (for an XML error reply) when the request fails while it is prepared
 * within COMMIT_AFTER_MS.
 */
export async function selectObjectContent(request: SelectRequest, target: SelectTarget): Promise<Readable> {
  const counts: ScanCounts = { bytesScanned: 0, bytesProcessed: 0, bytesReturned: 0 };
  const preparing = prepare(request, target, counts);
  preparing.catch(() => undefined);
  await Promise.race([preparing, sleep(target.timing?.commitAfterMs ?? COMMIT_AFTER_MS, undefined, { ref: false })]);
  let started = false;
  const stream = Readable.from(events(request, target, preparing, counts, () => (started = true)), { objectMode: false });
  // A stream destroyed before its first read never runs the generator: clean up here instead.
  stream.once('close', () => {
    if (!started) void release(preparing);
  });
  return stream;
}
