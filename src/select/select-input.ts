import { Readable } from 'node:stream';
import type { Backend } from '../backends/backend.js';
import type { RangeSpec } from '../s3/range.js';
import type { ObjectInfo } from '../s3/types.js';
import { ObjectChanged, stageRanges, type PinnedObject } from './ranged-staging.js';
import type { SelectRequest } from './request.js';
import type { ScanRangeCut } from './scan-range.js';
import { duckdbNewLine } from './source.js';
import { stageObject, type StagedInput } from './staging.js';

/**
 * Which bytes of the object a Select reads, and how they reach the staged
 * file: large uncompressed objects with parallel ranged reads of one pinned
 * version (ranged-staging.ts); compressed input (decoded in order), a
 * ScanRange (cut at record boundaries in order) and small objects with one
 * sequential stream (staging.ts).
 */

export interface ParallelStaging {
  /** Whole uncompressed objects at least this large are staged with ranged reads in parallel. */
  minBytes: number;
  /** Bytes per ranged read: large enough that a read's set-up is noise, small enough to spread the object. */
  rangeBytes: number;
  /** Ranged reads in flight (each holds at most its read-ahead plus two write batches). */
  concurrency: number;
}

export const PARALLEL_STAGING: ParallelStaging = { minBytes: 16 * 1024 * 1024, rangeBytes: 8 * 1024 * 1024, concurrency: 4 };

export interface InputTarget {
  backend: Backend;
  bucket: string;
  key: string;
  versionId?: string;
  signal: AbortSignal;
}

/**
 * The version `info` describes, read by ranges: pinned by version id where
 * the backend has one, and checked by ETag and size on every range (an
 * unversioned key can be overwritten between two ranges).
 */
export function pinnedObject(target: InputTarget, info: ObjectInfo): PinnedObject {
  const { backend, bucket, key } = target;
  const versionId = target.versionId ?? (info.versionId !== undefined && info.versionId !== 'null' ? info.versionId : undefined);
  return {
    size: info.size,
    async read(start, end, signal) {
      const result = await backend.getObject(bucket, key, { versionId, range: { kind: 'bounded', start, end } }, signal);
      if (result.info.etag !== info.etag || result.info.size !== info.size) {
        // The body may already be failing (staging was stopped meanwhile): nobody reads it, so its error must not go unheard.
        result.body.on('error', () => undefined);
        result.body.destroy();
        throw new ObjectChanged();
      }
      return result.body;
    },
  };
}

/** Fetches the object (or the part a ScanRange needs) and the cut that keeps AWS's record boundaries. */
async function fetchInput(request: SelectRequest, target: InputTarget): Promise<{ body: Readable; cut?: ScanRangeCut }> {
  const { backend, bucket, key, versionId, signal } = target;
  if (!request.scanRange) return { body: (await backend.getObject(bucket, key, { versionId }, signal)).body };
  const size = (await backend.headObject(bucket, key, { versionId }, signal)).size;
  const { start: s, end: e } = request.scanRange;
  const start = s ?? (e === undefined ? 0 : Math.max(0, size - e));
  const end = s === undefined ? size - 1 : Math.min(e ?? size - 1, size - 1);
  if (start >= size || start > end) return { body: Readable.from([]) };
  const range: RangeSpec = { kind: 'open', start: Math.max(0, start - 1) };
  const { body } = await backend.getObject(bucket, key, { versionId, range }, signal);
  const input = request.input;
  const recordEnd = input.format === 'CSV' ? input.recordDelimiter.charCodeAt(input.recordDelimiter.length - 1) : 0x0a;
  const quoting = input.format === 'CSV' ? { quote: input.quoteCharacter.charCodeAt(0), escape: input.quoteEscapeCharacter.charCodeAt(0) } : {};
  return { body, cut: { start, end, recordEnd, ...quoting } };
}

/** Stages the request's input at `path`; `onProgress` follows the bytes read and written. */
export async function stageSelectInput(
  request: SelectRequest,
  target: InputTarget,
  path: string,
  onProgress?: (scanned: number, processed: number) => void,
  parallel: ParallelStaging = PARALLEL_STAGING,
): Promise<StagedInput> {
  const input = request.input;
  const translateRecordEnd = input.format === 'CSV' && input.recordDelimiter !== '\n' && !duckdbNewLine(input.recordDelimiter) ? input.recordDelimiter.charCodeAt(0) : undefined;
  if (request.compression === 'NONE' && !request.scanRange) {
    const info = await target.backend.headObject(target.bucket, target.key, { versionId: target.versionId }, target.signal);
    if (info.size >= parallel.minBytes) {
      const options = { rangeBytes: parallel.rangeBytes, concurrency: parallel.concurrency, translateRecordEnd, onProgress, signal: target.signal };
      try {
        return await stageRanges(pinnedObject(target, info), path, options);
      } catch (err) {
        if (!(err instanceof ObjectChanged)) throw err;
        // Overwritten mid-staging (the file is gone): one stream reads whichever version is there now, whole.
      }
    }
  }
  const { body, cut } = await fetchInput(request, target);
  return stageObject(body, path, { compression: request.compression, cut, translateRecordEnd, signal: target.signal, onProgress });
}
