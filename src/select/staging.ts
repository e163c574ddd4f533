import { mkdtempSync, rmSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import unbzip2Stream from 'unbzip2-stream';
import { isS3Error, S3Error } from '../s3/errors.js';
import type { Compression } from './request.js';
import { FileSink } from './file-sink.js';
import { ScanRangeCutter, type ScanRangeCut } from './scan-range.js';

/**
 * Puts an object's bytes where DuckDB can read them: the query sandbox's
 * input file (sandbox.ts), written as the backend streams the object (never
 * held in memory), decompressed on the way. The sandbox owns the file and
 * removes it with its directory; a failed staging removes what it wrote.
 */

let stagingRoot: string | undefined;

/** The process's staging directory (0700), holding the sandboxes' directories; created on first use and removed at exit. */
export function stagingDirectory(): string {
  if (!stagingRoot) {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-select-'));
    stagingRoot = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return stagingRoot;
}

export interface StagedInput {
  /** Bytes read from the backend. */
  bytesScanned: number;
  /** Bytes written for DuckDB (after decompression and range cutting). */
  bytesProcessed: number;
}

export interface StagingOptions {
  compression: Compression;
  /** Record-boundary cutting for a ScanRange (uncompressed CSV / JSON LINES only). */
  cut?: ScanRangeCut;
  /**
   * A CSV record delimiter DuckDB cannot take (anything but LF, CRLF, CR) is
   * rewritten to LF on the way; this is that single byte.
   */
  translateRecordEnd?: number;
  /** Called as bytes are read, for Progress events. */
  onProgress?: (scanned: number, processed: number) => void;
  signal?: AbortSignal;
}

/** unbzip2-stream is a classic `through` stream; this wraps it as a Transform so errors and ends compose. */
function bunzip2(): Transform {
  const inner = unbzip2Stream();
  let finishFlush: ((err?: Error | null) => void) | undefined;
  const outer = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        inner.write(chunk);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done) {
      finishFlush = done;
      inner.end();
    },
  });
  inner.on('data', (data: Buffer) => outer.push(data));
  inner.on('end', () => finishFlush?.());
  inner.on('error', (err: Error) => (finishFlush ? finishFlush(err) : outer.destroy(err)));
  return outer;
}

function decompressor(compression: Compression): Transform | undefined {
  if (compression === 'GZIP') return createGunzip();
  if (compression === 'BZIP2') return bunzip2();
  return undefined;
}

/** Counts the compressed bytes on their way into the decompressor. */
function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

/** `chunk` with every `from` byte turned into LF (a copy when there is any). */
export function replaceByte(chunk: Buffer, from: number): Buffer {
  if (chunk.indexOf(from) < 0) return chunk;
  const copy = Buffer.from(chunk);
  for (let i = copy.indexOf(from); i >= 0; i = copy.indexOf(from, i + 1)) copy[i] = 0x0a;
  return copy;
}

/**
 * Streams `body` into a new file at `path`. Decompression failures become
 * TruncatedInput; backend errors pass through as they are.
 */
export async function stageObject(body: Readable, path: string, options: StagingOptions): Promise<StagedInput> {
  const staged: StagedInput = { bytesScanned: 0, bytesProcessed: 0 };
  // Created before the body is piped anywhere: a decompressor's error must find the loop below listening.
  let file: FileSink;
  try {
    file = await FileSink.create(path);
  } catch (err) {
    body.destroy();
    throw err;
  }
  const decompress = decompressor(options.compression);
  const source: Readable = decompress
    ? body.pipe(counter((n) => (staged.bytesScanned += n))).pipe(decompress)
    : body;
  if (decompress) body.once('error', (err) => decompress.destroy(err));
  const cutter = options.cut ? new ScanRangeCutter(options.cut) : undefined;
  const abort = (): void => {
    body.destroy(new S3Error('RequestTimeout', { message: 'The client disconnected.' }));
  };
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (!decompress) staged.bytesScanned += chunk.length;
      let bytes = cutter ? cutter.take(chunk) : chunk;
      if (options.translateRecordEnd !== undefined) bytes = replaceByte(bytes, options.translateRecordEnd);
      staged.bytesProcessed += bytes.length;
      await file.write(bytes);
      options.onProgress?.(staged.bytesScanned, staged.bytesProcessed);
      if (cutter?.done) break;
    }
    await file.finish();
    return staged;
  } catch (err) {
    await file.abandon();
    await unlink(path).catch(() => undefined);
    if (isS3Error(err) || !decompress) throw err;
    throw new S3Error('TruncatedInput', { cause: err });
  } finally {
    options.signal?.removeEventListener('abort', abort);
    body.destroy();
  }
}
