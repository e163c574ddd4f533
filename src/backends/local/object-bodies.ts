import * as fs from 'node:fs/promises';
import { addAbortSignal, Readable } from 'node:stream';
import { S3Error } from '../../s3/errors.js';
import type { ByteRange } from '../../s3/types.js';
import { isNotFound } from './safe-fs.js';

/** Large reads: fewer, bigger chunks measured faster than the 64 KiB default. */
export const READ_HIGH_WATER_MARK = 1 << 20;

/** Streams `[range.start, range.end]` (or everything) of an open file; the stream closes the handle. */
export function fileBody(handle: fs.FileHandle, range: ByteRange | undefined): Readable {
  return handle.createReadStream({ start: range?.start ?? 0, end: range?.end, highWaterMark: READ_HIGH_WATER_MARK });
}

/** The stored body of a folder object; NoSuchKey if it vanished. */
export async function folderObjectBody(bodyPath: string, key: string, range: ByteRange | undefined): Promise<Readable> {
  try {
    return fileBody(await fs.open(bodyPath, 'r'), range);
  } catch (err) {
    if (isNotFound(err)) throw new S3Error('NoSuchKey', { extra: { Key: key } });
    throw err;
  }
}

export function emptyBody(): Readable {
  return new Readable({
    read() {
      this.push(null);
    },
  });
}

/** Ends the body with an AbortError (releasing its file) when the client goes away. */
export function endOnAbort(body: Readable, signal: AbortSignal | undefined): Readable {
  return signal ? addAbortSignal(signal, body) : body;
}
