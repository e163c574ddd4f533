import { open, unlink, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { S3Error } from '../s3/errors.js';
import { FileSink } from './file-sink.js';
import { replaceByte, type StagedInput } from './staging.js';

/**
 * Stages an uncompressed object with several ranged reads at once, each
 * written with positional writes into its own region of one file sized up
 * front. One sequential stream leaves the read path's latency (a run of
 * blocks decoded one ahead of the consumer) and the file writes taking
 * turns; several ranges keep the drives, the pool and the disk busy together.
 *
 * Every range must come from the same version of the object (`PinnedObject`),
 * or the file could splice an old version's head to a new one's tail.
 */

/** The object as it was when staging began: its size, and its bytes by range. */
export interface PinnedObject {
  size: number;
  /**
   * Bytes [start, end] (inclusive) of that same version; rejects with
   * `ObjectChanged` when the key now holds another one.
   */
  read(start: number, end: number, signal: AbortSignal): Promise<Readable>;
}

/** A ranged read found another version under the key than the one staging began with. */
export class ObjectChanged extends Error {
  constructor() {
    super('The object changed while it was being staged.');
  }
}

export interface RangedStagingOptions {
  /** Bytes per ranged read. */
  rangeBytes: number;
  /** Ranged reads in flight at once. */
  concurrency: number;
  /** As StagingOptions.translateRecordEnd: this byte becomes LF on the way. */
  translateRecordEnd?: number;
  onProgress?: (scanned: number, processed: number) => void;
  signal?: AbortSignal;
}

/** [start, end] pieces of `size` bytes, in order. */
export function splitRanges(size: number, rangeBytes: number): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  for (let start = 0; start < size; start += rangeBytes) ranges.push({ start, end: Math.min(size, start + rangeBytes) - 1 });
  return ranges;
}

/**
 * Writes `object` into a new file at `path`. On any failure (a range's read
 * or write, ObjectChanged, the client leaving) every read still running is
 * stopped, the file is removed, and the first failure is thrown.
 */
export async function stageRanges(object: PinnedObject, path: string, options: RangedStagingOptions): Promise<StagedInput> {
  const staged: StagedInput = { bytesScanned: 0, bytesProcessed: 0 };
  const handle = await open(path, 'wx', 0o600);
  const stop = new AbortController();
  const leave = (): void => stop.abort(new S3Error('RequestTimeout', { message: 'The client disconnected.' }));
  if (options.signal?.aborted) leave();
  options.signal?.addEventListener('abort', leave, { once: true });
  const bodies = new Set<Readable>();
  // Reads and writes stop at the first failure; the others' errors are consequences.
  stop.signal.addEventListener('abort', () => bodies.forEach((body) => body.destroy(stop.signal.reason as Error)), { once: true });
  const ranges = splitRanges(object.size, options.rangeBytes);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ranges.length && !stop.signal.aborted) {
      const range = ranges[next++];
      await stageRange(object, range, handle, bodies, stop.signal, options, staged);
    }
  };
  try {
    // Sized up front: each region is written where it belongs, in any order.
    await handle.truncate(object.size);
    const workers = Array.from({ length: Math.min(options.concurrency, ranges.length) }, () =>
      worker().catch((err: unknown) => {
        if (!stop.signal.aborted) stop.abort(err);
      }),
    );
    await Promise.all(workers);
    if (stop.signal.aborted) throw stop.signal.reason;
    await handle.close();
    return staged;
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', leave);
  }
}

async function stageRange(
  object: PinnedObject,
  range: { start: number; end: number },
  handle: FileHandle,
  bodies: Set<Readable>,
  signal: AbortSignal,
  options: RangedStagingOptions,
  staged: StagedInput,
): Promise<void> {
  const body = await object.read(range.start, range.end, signal);
  bodies.add(body);
  if (signal.aborted) body.destroy(signal.reason as Error);
  const sink = FileSink.at(handle, range.start);
  let received = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > range.end - range.start + 1) throw new S3Error('InternalError', { message: 'A ranged read returned more bytes than asked.' });
      staged.bytesScanned += chunk.length;
      staged.bytesProcessed += chunk.length;
      await sink.write(options.translateRecordEnd === undefined ? chunk : replaceByte(chunk, options.translateRecordEnd));
      options.onProgress?.(staged.bytesScanned, staged.bytesProcessed);
    }
    if (received !== range.end - range.start + 1) throw new S3Error('InternalError', { message: 'A ranged read ended early.' });
    await sink.finish();
  } catch (err) {
    await sink.abandon();
    throw err;
  } finally {
    bodies.delete(body);
    body.destroy();
  }
}
